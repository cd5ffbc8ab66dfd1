"""The tokens and comments of a ``.proto`` file, as the formatter needs them.

This lexer serves formatting only (compilation belongs to protoc): it keeps every token's raw text,
the whitespace before it, and attaches each comment to one token the way buf's parser does, so the
printer can put every comment back where its author meant it.

A comment becomes the *trailing* comment of the token before it when it starts on that token's line
(a block comment that ends on the next token's line only if more comments follow); every other
comment *leads* the token after it (the end of the file is a token).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

_SPACE = " \t\r\n\f\v"
_IDENT_START = frozenset("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_IDENT_REST = _IDENT_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")


class LexError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(eq=False)
class Comment:
    text: str
    first_line: int
    last_line: int
    space_before: str  # the whitespace between the previous token or comment and this one


@dataclass(eq=False)
class Token:
    kind: str  # "ident", "int", "float", "string", "punct" or "eof"
    text: str
    first_line: int
    last_line: int
    space_before: str
    leading: list[Comment] = field(default_factory=list)
    trailing: list[Comment] = field(default_factory=list)


def tokenize(data: str) -> list[Token]:
    """Every token of ``data`` (ending with an ``eof`` token), comments attached."""
    if data.startswith("\ufeff"):
        data = data[1:]
    newlines = [i for i, ch in enumerate(data) if ch == "\n"]

    def line(offset: int) -> int:
        return bisect.bisect_left(newlines, offset)

    tokens: list[Token] = []
    pending: list[Comment] = []
    pos, end, item_end = 0, len(data), 0

    def emit(kind: str, start: int, stop: int) -> None:
        tok = Token(kind, data[start:stop], line(start), line(max(start, stop - 1)),
                    data[item_end:start])
        _attach(tokens[-1] if tokens else None, pending, tok)
        pending.clear()
        tokens.append(tok)

    while True:
        while pos < end and data[pos] in _SPACE:
            pos += 1
        if pos >= end:
            emit("eof", end, end)
            return tokens
        start, ch = pos, data[pos]
        nxt = data[pos + 1] if pos + 1 < end else ""
        if ch == "/" and nxt in "/*":
            if nxt == "/":
                stop = data.find("\n", pos)
                pos = end if stop < 0 else stop
            else:
                stop = data.find("*/", pos + 2)
                if stop < 0:
                    raise LexError("block comment never terminates, unexpected EOF", start)
                pos = stop + 2
            pending.append(Comment(data[start:pos], line(start), line(pos - 1), data[item_end:start]))
            item_end = pos
            continue
        if ch in _IDENT_START:
            pos += 1
            while pos < end and data[pos] in _IDENT_REST:
                pos += 1
            kind = "ident"
        elif ch in _DIGITS or (ch == "." and nxt in _DIGITS):
            pos = _number_end(data, pos)
            text = data[start:pos]
            is_hex = text[:2] in ("0x", "0X")
            kind = "float" if not is_hex and any(c in text for c in ".eE") else "int"
        elif ch in "'\"":
            pos = _string_end(data, pos)
            kind = "string"
        elif ord(ch) > 127:
            raise LexError("invalid character", start)
        else:
            pos += 1
            kind = "punct"
        emit(kind, start, pos)
        item_end = pos


def _attach(prev: Token | None, comments: list[Comment], tok: Token) -> None:
    comments = list(comments)
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
                prev.trailing += comments[:taken]
                comments = comments[taken:]
    tok.leading = comments


def _number_end(data: str, pos: int) -> int:
    exponent_sign_ok = False
    end = len(data)
    pos += 1 if data[pos] != "." else 0
    while pos < end:
        ch = data[pos]
        if ch in "+-":
            if not exponent_sign_ok:
                break
        elif not (ch == "." or ch == "_" or ch.isascii() and ch.isalnum()):
            break
        exponent_sign_ok = ch in "eE"
        pos += 1
    return pos


def _string_end(data: str, pos: int) -> int:
    quote, pos, end = data[pos], pos + 1, len(data)
    while pos < end:
        ch = data[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "\n":
            break
        if ch == quote:
            return pos + 1
        pos += 1
    raise LexError("unterminated string literal", pos)
