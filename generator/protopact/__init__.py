"""protopact: a Protocol Buffers contract toolkit."""

__version__ = "0.1.0"
