"""buf's case conversions (``private/pkg/stringutil``), transcribed exactly.

A naming rule passes iff ``name == convert(name)``, so these must reproduce buf's quirks too: digits
never start a word, runs of delimiters collapse, and PascalCase keeps existing capitals (``HTTPCode``).
"""

from __future__ import annotations

import re

_DELIMITERS = frozenset(".-_ \t\n\r")
# Names these match are their own conversion; most names are, and skip the character walk.
_LOWER_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")


def _snake(name: str) -> str:
    s = name.strip("".join(_DELIMITERS))
    out = ""
    for i, c in enumerate(s):
        if c in _DELIMITERS:
            c = "_"
        if i == 0:
            out += c
        elif c.isupper() and out[-1] != "_" and (
            (i < len(s) - 1 and not (s[i + 1].isupper() or s[i + 1].isdigit())
             and s[i + 1] not in _DELIMITERS)
            or s[i - 1].islower()
        ):
            out += "_" + c
        elif not (c == "_" and out[-1] == "_"):
            out += c
    return out


def lower_snake(name: str) -> str:
    return name if _LOWER_SNAKE.fullmatch(name) else _snake(name).lower()


def upper_snake(name: str) -> str:
    return name if _UPPER_SNAKE.fullmatch(name) else _snake(name).upper()


def pascal(name: str) -> str:
    return name if _PASCAL.fullmatch(name) else _pascal(name)


def _pascal(name: str) -> str:
    out, previous = "", ""
    for i, c in enumerate(name.strip()):
        if c not in _DELIMITERS:
            out += c.upper() if i == 0 or previous in _DELIMITERS or c.isupper() else c.lower()
        previous = c
    return out

