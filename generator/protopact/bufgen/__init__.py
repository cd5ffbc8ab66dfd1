"""``buf.gen.yaml`` templates, run by protopact alone: template parsing, then plugin runs."""
