"""``protopact format``: ``.proto`` files laid out exactly as ``buf format`` lays them out.

:func:`format_text` formats one file's text; :mod:`.run` applies it to an INPUT with buf's command-line
semantics. The lexer and syntax tree here serve formatting only: files are compiled by protoc first.
"""

from __future__ import annotations

from .lexer import LexError
from .parser import ParseError, parse
from .printer import format_tree


class FormatError(Exception):
    """Text the formatter cannot read: ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def format_text(text: str) -> str:
    try:
        return format_tree(parse(text))
    except LexError as exc:
        line = text.count("\n", 0, exc.offset)
        raise FormatError(str(exc), line + 1, exc.offset - (text.rfind("\n", 0, exc.offset) + 1) + 1) \
            from None
    except ParseError as exc:
        raise FormatError(str(exc), exc.tok.first_line + 1, 1) from None
