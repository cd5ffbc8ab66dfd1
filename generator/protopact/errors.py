"""Errors caused by user input.

Anything raised as a :class:`ProtopactError` is reported by the CLI as its message alone (one line per
diagnostic, ``path:line:col: message`` for proto errors) with exit code 1. Every other exception is a
bug in protopact and keeps its traceback.
"""

from __future__ import annotations


class ProtopactError(Exception):
    """Bad input: a proto that does not compile, an invalid config, a missing git ref, a corrupt image."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def prefixed(self, side: str) -> ProtopactError:
        """The same error, naming which input failed (``against``), for two-input commands."""
        return ProtopactError("\n".join(f"{side}: {line}" for line in self.message.splitlines()))
