"""Configuration layer: ``buf.yaml`` (v1beta1, v1, v2) and ``[tool.protopact]`` settings."""
