"""Render layer: Images in, generated trees out.

``targets`` holds the registry of renderers (Python package, and later OpenAPI and docs); ``writer``
puts their output on disk atomically and keeps the manifest; ``python`` renders the typed Python
distribution. Rendering is deterministic: the same Image and settings give byte-identical files.
"""
