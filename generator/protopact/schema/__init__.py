"""Read-only models over descriptors, shared by rules, renderers and servers."""
