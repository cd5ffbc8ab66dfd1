"""Errors caused by user input, and how the command line reports every error.

Anything raised as a :class:`ProtopactError` is reported by the CLI as its message alone (one line per
diagnostic, ``path:line:col: message`` for proto errors) with exit code 1. An operating-system error
that reaches the CLI (a full disk, a denied permission) is reported the same way. Any other exception
is a bug in protopact: it is reported as one line that says so (``PROTOPACT_DEBUG=1`` shows the
traceback), never as a traceback thrown at someone who only gave bad input. Every line printed
passes through :func:`redacted`, so credentials in a URL never reach a terminal or a CI log.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

DEBUG_VARIABLE = "PROTOPACT_DEBUG"

# scheme://userinfo@ : the user and password (or token) of a URL, as git and pip accept them.
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escaped(text: str) -> str:
    """``text`` with its control characters escaped, so a name read from a file (an image's file
    name holding a newline) cannot break the one line an error is."""
    return _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode(), text)


class ProtopactError(Exception):
    """Bad input: a proto that does not compile, an invalid config, a missing git ref, a corrupt image."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def prefixed(self, side: str) -> ProtopactError:
        """The same error, naming which input failed (``against``), for two-input commands."""
        return ProtopactError("\n".join(f"{side}: {line}" for line in self.message.splitlines()))


class Diagnostic(NamedTuple):
    """One located compiler error: the file as the user knows it, 1-based line and column."""

    path: str
    line: int
    column: int
    message: str


_LOCATED = re.compile(r"(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+):\s*(?P<message>.*)")


class CompileError(ProtopactError):
    """A ``.proto`` that does not compile: protoc's lines, and those of them that name a place
    (``path:line:col: message``), which lint and breaking report as ``COMPILE`` findings."""

    def __init__(self, message: str, located: tuple[Diagnostic, ...] | None = None) -> None:
        super().__init__(message)
        if located is None:
            matches = (_LOCATED.fullmatch(line) for line in message.splitlines())
            located = tuple(Diagnostic(m["path"], int(m["line"]), int(m["column"]), m["message"])
                            for m in matches if m is not None)
        self.located = located

    def prefixed(self, side: str) -> CompileError:
        return CompileError(super().prefixed(side).message, self.located)


def redacted(text: str) -> str:
    """``text`` with the credentials of every URL in it replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", text)


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def report(exc: BaseException) -> str:
    """What the CLI prints for an exception that ended a command (see the module docstring)."""
    if isinstance(exc, ProtopactError):
        return redacted(exc.message)
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename is not None else ""
        return redacted(f"{where}{exc.strerror}")
    if isinstance(exc, MemoryError):
        return "protopact: out of memory"
    detail = " ".join(str(exc).split())[:300]
    return redacted(f"protopact: internal error: {type(exc).__name__}"
                    f"{': ' + detail if detail else ''}. This is a bug in protopact; please report "
                    f"it with the command that caused it ({DEBUG_VARIABLE}=1 shows the traceback)")
