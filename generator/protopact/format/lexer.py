"""The tokens and comments of a ``.proto`` file, as the formatter needs them.

This lexer serves formatting only (compilation belongs to protoc): it keeps every token's raw text,
the whitespace before it, and attaches each comment to one token the way buf's parser does, so the
printer can put every comment back where its author meant it.

A comment becomes the *trailing* comment of the token before it when it starts on that token's line
(a block comment that ends on the next token's line only if more comments follow); every other
comment *leads* the token after it (the end of the file is a token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .node import Node


class LexError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(eq=False, slots=True)
class Comment:
    text: str
    first_line: int
    last_line: int
    space_before: str  # the whitespace between the previous token or comment and this one

    def spaced(self, space_before: str) -> Comment:
        """This comment with other whitespace before it (dataclasses.replace costs ten times as
        much, and comments are moved thousands of times over a large tree)."""
        return Comment(self.text, self.first_line, self.last_line, space_before)


_NONE: tuple[Comment, ...] = ()


class _Newlines(dict[str, int]):
    """How many line breaks a stretch of whitespace holds, by its text. A tree has few distinct
    stretches, and looking one up costs a fifth of ``str.count`` (which parses its arguments per
    call; the lexer and the printer count about one stretch per token)."""

    def __missing__(self, space: str) -> int:
        if len(self) >= 4096:  # odd whitespace (trailing blanks, aligned columns) cannot pile up
            self.clear()
        count = self[space] = space.count("\n")
        return count


NEWLINES = _Newlines()
_DIGITS = frozenset("0123456789")


class Token(Node):
    """One token; it is also the syntax tree's leaf for it (see :mod:`.node`)."""

    __slots__ = ("kind", "text", "first_line", "last_line", "space_before", "leading", "trailing")
    is_leaf = True

    # No __init__: tokenize sets a new token's attributes itself (one Python call per token less
    # saves 3% of formatting's instructions).
    kind: str  # "ident", "int", "float", "string", "punct" or "eof"
    text: str
    first_line: int
    last_line: int  # a string may end on a later line (see tokenize)
    space_before: str
    leading: Sequence[Comment]
    trailing: Sequence[Comment]

    def first(self) -> Token:
        return self

    def last(self) -> Token:
        return self


# The whitespace before a lexical item, then the item, in one of four groups: an identifier, the
# tail `= N;` of most fields and enum values (three tokens from one match: each match costs the
# engine an allocation and findall a tuple), a one-character punctuation mark (the kinds most
# tokens are, told apart without looking at the text), or anything else (comments, numbers,
# strings, `/` and `.`, and what no token can start with: an unterminated comment or string, a
# character outside ASCII); the end of the file is an item. The whole file is split by one
# ``findall``, so no match object is made per token (and possessive repeats, which never give
# back, spare the engine its backtracking bookkeeping).
_ITEM = re.compile(r"""
    ([ \t\r\n\f\v]*+)
    (?:
        ([A-Za-z_][A-Za-z0-9_]*+)
      | (=\x20[0-9]++;)
      | ([^ \t\r\n\f\v/.0-9"'A-Za-z_\x80-\U0010ffff])
      | ( //[^\n]*+|/\*[\s\S]*?\*/
        | (?:[0-9]|\.(?=[0-9]))(?:[eE][+-]|[._0-9A-Za-z])*
        | "(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'
        | /\*|['"]|[\x00-\x7f]
        | .
        | \Z
        )
    )
""", re.VERBOSE | re.DOTALL)


def tokenize(data: str) -> list[Token]:
    """Every token of ``data`` (ending with an ``eof`` token), comments attached."""
    if data.startswith("\ufeff"):
        data = data[1:]
    tokens: list[Token] = []
    append = tokens.append  # a local name: this loop runs once per token
    pending: list[Comment] = []
    line = 0
    new = object.__new__
    newlines = NEWLINES
    for space, ident, tail, punct, text in _ITEM.findall(data):
        if "\n" in space:
            line += newlines[space]
        if ident:
            kind, text = "ident", ident
        elif punct:
            kind, text = "punct", punct
        elif tail:
            kind, text = "punct", "="
        else:
            first = text[:1]
            if first == "/" and len(text) > 1:
                if text == "/*":
                    raise LexError("block comment never terminates, unexpected EOF",
                                   _offset(data, text))
                comment = new(Comment)  # no __init__ call: a file has one comment for five tokens
                comment.text = text
                comment.first_line = line
                if text[1] == "*":
                    line += text.count("\n")
                comment.last_line = line
                comment.space_before = space
                pending.append(comment)
                continue
            if first in _DIGITS or first == "." and len(text) > 1:
                kind = "float" if text[:2] not in ("0x", "0X") and ("." in text or "e" in text or
                                                                "E" in text) else "int"
            elif first == '"' or first == "'":
                if len(text) == 1:
                    raise LexError("unterminated string literal",
                                   _string_error(data, _offset(data, text)))
                kind = "string"
                if "\n" in text:  # a line continued by a backslash
                    line = _append_token(tokens, pending, "string", text, line, space)
                    pending = []
                    continue
            elif not first:
                _append_token(tokens, pending, "eof", text, line, space)
                return tokens
            elif first > "\x7f":
                raise LexError("invalid character", _offset(data, text))
            else:
                kind = "punct"  # `/` or `.`
        # what _append_token does, written out: this runs once per token
        tok = Token()  # cheaper than object.__new__(Token), whose arguments are parsed
        tok.kind = kind
        tok.text = text
        tok.first_line = tok.last_line = line
        tok.space_before = space
        tok.leading = tok.trailing = _NONE
        append(tok)
        if pending:
            if "\n" in pending[0].space_before:
                tok.leading = pending  # all on lines below the previous token: what _attach does
            else:
                _attach(tokens, pending)
            pending = []
        if tail:
            tokens += (_token("int", tail[2:-1], line, " "), _token("punct", ";", line, ""))
    raise AssertionError("the end of the file is always matched")


def _token(kind: str, text: str, line: int, space: str) -> Token:
    """A token on one line, without comments."""
    tok = Token()
    tok.kind = kind
    tok.text = text
    tok.first_line = tok.last_line = line
    tok.space_before = space
    tok.leading = tok.trailing = _NONE
    return tok


def _append_token(tokens: list[Token], pending: list[Comment], kind: str, text: str, line: int,
                  space: str) -> int:
    """The token ``text`` appended to ``tokens``, ``pending`` comments attached (see tokenize):
    the line it ends on (a string may span lines)."""
    tok = _token(kind, text, line, space)
    tok.last_line = line = line + text.count("\n")
    tokens.append(tok)
    if pending:
        _attach(tokens, pending)
    return line


def _offset(data: str, text: str) -> int:
    """Where the first item of ``data`` that is neither an identifier nor punctuation and reads
    ``text`` starts (the lexer stops at the first bad one)."""
    pos = 0
    for space, ident, tail, punct, other in _ITEM.findall(data):
        pos += len(space)
        if other == text:
            return pos
        pos += len(ident) + len(tail) + len(punct) + len(other)
    raise AssertionError(f"no item {text!r}")


def _string_error(data: str, pos: int) -> int:
    """Where the string literal starting at ``pos`` turns out unterminated."""
    quote, pos, end = data[pos], pos + 1, len(data)
    while pos < end and data[pos] not in (quote, "\n"):
        pos += 2 if data[pos] == "\\" else 1
    return pos


def _attach(tokens: list[Token], comments: list[Comment]) -> None:
    """``comments`` (those before the last of ``tokens``) trail the token before it or lead it."""
    tok = tokens[-1]
    prev = tokens[-2] if len(tokens) > 1 else None
    if prev is not None and comments:
        prev_end, start = prev.last_line, tok.first_line
        if start == prev_end and tok.kind == "eof":
            start += 1  # a comment ending the file's last line trails that line's token
        first = comments[0]
        if first.first_line == prev_end:
            if start == prev_end or first.text.startswith("//") or len(comments) > 1 or \
                    first.last_line < start:
                # so do the comments that follow it on its line
                taken = 1
                while taken < len(comments) and "\n" not in comments[taken].space_before:
                    taken += 1
                prev.trailing = comments[:taken]
                comments = comments[taken:]
    tok.leading = comments
