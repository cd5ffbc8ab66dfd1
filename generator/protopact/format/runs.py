"""Comments and blank lines between a message literal's fields, as buf 1.75 lays them out.

buf reads a literal's fields in *runs* (which end at separators and ``{...}`` values, see
:func:`_run_starts`). The comments above a run's first token (and above the closing brace) are cut
at their last blank line; the part above it is *detached*. buf numbers those detached groups by
run but prints them by field: the group of run ``k`` goes above field ``k``, so in a literal of
unseparated scalar fields the groups move up. (Where runs outnumber fields, buf drops the groups
numbered past the last field; protopact keeps them above the closing brace.) Likewise a blank line after run ``k - 1`` goes before
field ``k``. A field is also set apart by a blank line wherever the source has one anywhere between
it and the field before (among their comments too), and that blank line goes above its comments.

:func:`lay_out` rewrites the tokens' comments and whitespace so that the printer, which reads blank
lines from them, prints this layout.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from .lexer import NEWLINES, Comment, Token

_BLANK_IN_COMMENT = re.compile(r"\n[ \t]*\n")


@dataclasses.dataclass(frozen=True)
class Field:
    """Where one field of a literal lies in the token list."""
    first: int  # its first token
    last: int  # its value's last token
    sep: int | None  # its separator, if written
    braces: bool  # whether its value is a `{...}` literal


def lay_out(tokens: Sequence[Token], fields: list[Field], close: int, *, nested: bool) -> None:
    """Lay out the comments between ``fields`` (and above the token ``close``) as buf does, for a
    literal that is an option's value or (``nested``) one inside another literal."""
    if len(fields) < 2:
        return
    starts = _run_starts(tokens, fields, close, nested)
    gaps = [False] + [_blank_between(tokens, fields[i - 1].last, fields[i].first)
                      for i in range(1, len(fields))]
    for k in range(1, min(len(starts), len(fields))):
        gaps[k] = gaps[k] or _blank_after(tokens, starts[k] - 1)
    groups = {k: _detach(tokens, starts[k]) for k in range(1, min(len(starts), len(fields)))
              if starts[k] != fields[k].first}
    if len(starts) < len(fields):
        groups[len(starts)] = _detach(tokens, close)
        if groups[len(starts)][0]:
            _after_close_group(tokens, close)
    for i in range(1, len(fields)):
        _place(tokens, fields[i].first, *groups.get(i, ([], 0)), gaps[i],
               after_run=fields[i].first in starts)


def ends_run(tokens: Sequence[Token], field: Field, *, nested: bool) -> bool:
    """Whether a run ends right after ``field``'s last token: its separator if written (see
    :func:`_run_starts`), else its value."""
    return field.braces if field.sep is None else _run_separator(tokens, field, nested) is not None


def _run_separator(tokens: Sequence[Token], field: Field, nested: bool) -> int | None:
    """``field``'s separator (its token's index) where it ends a run: a nested literal's ``,``
    ends none."""
    sep = field.sep
    return None if sep is None or nested and tokens[sep].text == "," else sep


def _run_starts(tokens: Sequence[Token], fields: list[Field], close: int, nested: bool) -> list[int]:
    """The first token of each run. An option's literal ends a run after a separator, or after a
    ``{...}`` value without one. A nested literal ends one after a ``;`` only (a ``,`` ends none),
    and after a ``{...}`` value, so a ``;`` after such a value is a run of its own."""
    starts = [fields[0].first]
    for f in fields:
        sep = _run_separator(tokens, f, nested)
        if nested:
            ends = ([f.last + 1] if f.braces else []) + ([sep + 1] if sep is not None else [])
        else:
            ends = [sep + 1] if sep is not None else [f.last + 1] if f.braces else []
        starts += [n for n in ends if n != close]
    return starts


def _blank_between(tokens: Sequence[Token], last: int, first: int) -> bool:
    """Whether the source has a blank line anywhere between token ``last`` and token ``first``."""
    for n in range(last, first + 1):
        tok = tokens[n]
        comments = (*tok.trailing,) if n == last else (*tok.leading, *tok.trailing) if n < first \
            else tok.leading
        if n > last and NEWLINES[tok.space_before] > 1:
            return True
        for c in comments:
            if NEWLINES[c.space_before] > 1 or _BLANK_IN_COMMENT.search(c.text):
                return True
    return False


def _blank_after(tokens: Sequence[Token], end: int) -> bool:
    """Whether a blank line follows token ``end``'s line (and the comments ending it)."""
    items: list[Token | Comment] = [*tokens[end].trailing, *tokens[end + 1].leading, tokens[end + 1]]
    for item in items:
        if "\n" in item.space_before:
            return NEWLINES[item.space_before] > 1
    return False


def _own_line(tokens: Sequence[Token], n: int, after_run: bool = False) -> int:
    """How many of token ``n``'s leading comments end the previous token's line: those starting
    on the line where the token or comment before them ends, when a line break follows them
    (without one, they stay with the token) or the token ends a run (``after_run``: buf keeps
    the comments after a run's separator with it, even with the next field on their line)."""
    line = tokens[n - 1].last_line
    comments = tokens[n].leading
    k = 0
    while k < len(comments) and comments[k].first_line == line:
        line = comments[k].last_line
        k += 1
    after = comments[k] if k < len(comments) else tokens[n]
    return k if after_run or "\n" in after.space_before else 0


def _detach(tokens: Sequence[Token], n: int) -> tuple[list[Comment], int]:
    """Remove and return the comments above token ``n`` that come before the last blank line,
    with the number of line breaks after them."""
    tok = tokens[n]
    skip = _own_line(tokens, n)
    comments = list(tok.leading)
    gaps = [c.space_before for c in comments[skip + 1:]] + [tok.space_before]
    cut = max((k for k, gap in enumerate(gaps, 1) if NEWLINES[gap] > 1), default=0)
    if cut == 0:
        return [], 0
    tok.leading = comments[:skip] + comments[skip + cut:]
    return comments[skip:skip + cut], NEWLINES[gaps[cut - 1]]


def _after_close_group(tokens: Sequence[Token], n: int) -> None:
    """What stays above a closing brace once its detached group moved: set apart from what is
    above it, and the brace right below it."""
    close = tokens[n]
    skip = _own_line(tokens, n)
    if len(close.leading) > skip:
        close.leading = [*close.leading[:skip],
                         close.leading[skip].spaced("\n\n"),
                         *close.leading[skip + 1:]]
    close.space_before = "\n"


def _place(tokens: Sequence[Token], n: int, moved: list[Comment], breaks: int, blank: bool, *,
           after_run: bool) -> None:
    """Token ``n`` starts a field: ``moved`` goes above its own comments, the field's gap (a blank
    line or not) before the first of them. buf counts the line breaks after ``moved`` (``breaks``,
    the last one aside) and those before what follows it: two or more make a blank line."""
    tok = tokens[n]
    skip = _own_line(tokens, n, after_run)
    comments = list(tok.leading)
    rest = comments[skip:]
    if moved:
        breaks += NEWLINES[(rest[0] if rest else tok).space_before] - 1
        newline = "\n\n" if breaks > 1 else "\n"
        if rest:
            rest[0] = rest[0].spaced(newline)
        else:
            tok.space_before = newline
        rest = moved + rest
    gap = "\n\n" if blank else "\n"
    if rest:
        rest[0] = rest[0].spaced(gap)
    else:
        tok.space_before = gap
    tok.leading = comments[:skip] + rest
