"""A finding: one rule's verdict on one place, as buf reports it."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Final, NamedTuple

from ..errors import CompileError
from ..schema.source import Span


class Finding(NamedTuple):  # a named tuple: a dataclass is slower to make, and to create at start-up
    """``file`` is the import path of the file the span lies in; ``source_path`` locates the element
    for comment ignores (None for file-level findings, which buf never lets a comment ignore)."""

    rule: str
    message: str
    file: str
    span: Span | None = None
    source_path: tuple[int, ...] | None = None
    # breaking only: the baseline file the finding concerns, also matched by ignores
    against_file: str = ""
    # breaking only: the baseline element's source path when the span lies elsewhere (a deletion
    # reported on a surviving parent), so filters know which element the finding is about
    against_path: tuple[int, ...] | None = None
    # protopact's versioning advice; shown by the markdown, sarif and changelog outputs only,
    # never by buf's formats
    advice: str = ""


class Reported(NamedTuple):
    """A finding resolved for output. Field order is buf's sort order. Positions are 0 where the
    finding has no file (a deleted file, say); formats that always print one print 1.

    A tuple: a lint that keeps earlier findings holds them as rows (see :data:`Row`), which it
    sorts and makes findings of without a Python call for each. Two findings that differ only in
    their advice are one finding (see :func:`in_order`)."""

    path: str
    start_line: int
    start_column: int
    type: str
    message: str
    end_line: int
    end_column: int
    advice: str = ""

    @property
    def shown_span(self) -> tuple[int, int, int, int]:
        """(start line, start column, end line, end column), each at least 1, as buf prints them."""
        return (max(self.start_line, 1), max(self.start_column, 1), max(self.end_line, 1),
                max(self.end_column, 1))


# A Reported's fields as a plain tuple: some 16,000 of them kept from the previous lint (see
# .reuse) are read and sorted as they are, and made Reported at the end, in one pass
Row = tuple[str, int, int, str, str, int, int, str]
RULE: Final = 3  # where a Row holds its rule: Reported.type

# A finding's identity and order: all of it but the advice.
_ORDER = operator.itemgetter(slice(Reported._fields.index("advice")))

as_reported = partial(tuple.__new__, Reported)  # a Row as a Reported, without a Python call


def in_order(rows: Sequence[Row]) -> list[Row]:
    """Each finding once (the first of those equal but for the advice), sorted. Walked from the
    end, the first of equal findings is the last one a key is given; no step is a Python call."""
    first = dict(zip(map(_ORDER, reversed(rows)), reversed(rows)))
    return list(map(first.__getitem__, sorted(first)))


class Block(NamedTuple):
    """One file's findings in order (see :func:`in_order`), and their text in the formats whose
    text is each finding's in turn (see :data:`.formats.CONCATENATED`) that showed them so far:
    findings sorted by path are the files' blocks in the order of their paths, and the text of
    findings kept from the previous lint is printed as it was."""

    rows: Sequence[Row]
    texts: Mapping[str, str]


def blocks_of(rows: Iterable[Row]) -> list[Block]:
    """Findings as blocks, one a path."""
    by_path: dict[str, list[Row]] = {}
    for row in rows:
        by_path.setdefault(row[0], []).append(row)
    return [Block(in_order(some), {}) for some in by_path.values()]


COMPILE = "COMPILE"


def compile_findings(error: CompileError) -> tuple[Reported, ...]:
    """buf's ``COMPILE`` findings for a file that does not compile, one per located error, in
    protoc's words. protoc gives where an error starts, not where it ends: the span is that point."""
    return tuple(sorted({Reported(d.path, d.line, d.column, COMPILE, d.message, d.line, d.column)
                         for d in error.located}))


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"'}


_PLAIN = re.compile(r'[ !#-\[\]-~]*')  # printable ASCII but the quote and the backslash


def quote(text: str) -> str:
    """Go's ``strconv.Quote``: printable characters kept, control characters escaped."""
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        elif ord(c) < 0x80:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'
