"""The file descriptor a generated Python module embeds, read without importing the module.

Every Python code generator for protobuf embeds the serialized ``FileDescriptorProto`` of its
``.proto`` file as a bytes literal: protoc's ``_pb2.py`` in ``AddSerializedFile(b'...')`` (or, before
protobuf 3.20, ``serialized_pb=b'...'``, at times wrapped in ``_b('...')``), buf's protoc-gen-py in
``file_desc(b'...')``. Importing the module instead would register it in the process's descriptor
pool (clashing with other copies) and needs the runtime it was generated for; here the literal is
found by Python's own tokenizer and evaluated as a literal, nothing is executed.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.message import DecodeError

_ANCHORS = (b"AddSerializedFile(", b"serialized_pb=", b"file_desc(")
_WRAPPERS = {"_b", "b"}  # protoc's Python 2/3 helper around the literal
GENERATED_SUFFIXES = ("_pb2.py", "_pb.py")
# A bytes literal in quotes on one line, after blanks (newlines too: it is inside a call)
_BYTES_LITERAL = re.compile(rb"""[ \t\f\r\n]*+(b'(?:[^'\\\n]|\\.)*+'|b"(?:[^"\\\n]|\\.)*+")""")
_CALL_GOES_ON = re.compile(rb"[ \t\f\r\n]*+[),]")


def embedded_descriptor(path: Path) -> tuple[str, bytes] | None:
    """``(import path, serialized FileDescriptorProto)`` embedded in the module at ``path``, or
    None when it embeds none (or cannot be read)."""
    try:
        source = path.read_bytes()
    except OSError:
        return None
    for anchor in _ANCHORS:
        at = source.find(anchor)
        if at < 0:
            continue
        data = _literal_after(source, at + len(anchor))
        if data is None:
            continue
        try:
            name = descriptor_pb2.FileDescriptorProto.FromString(data).name
        except DecodeError:
            continue
        if name.endswith(".proto"):
            return name, data
    return None


def _literal_after(source: bytes, start: int) -> bytes | None:
    """The string literal (adjacent literals joined) that follows ``start``, as bytes."""
    plain = _plain_literals(source, start) if source[start - 1:start] == b"(" else None
    if plain is not None:
        return plain
    line_start = source.rfind(b"\n", 0, start) + 1
    # Tokenize from the start of the anchor's line, so that indentation is consistent.
    tokens = tokenize.tokenize(io.BytesIO(source[line_start:]).readline)
    skip = start - line_start
    pieces: list[bytes] = []
    try:
        for token in tokens:
            if token.type in (tokenize.ENCODING, tokenize.NL, tokenize.COMMENT):
                continue
            if token.start[0] == 1 and token.start[1] < skip:
                continue  # the anchor itself
            if token.type == tokenize.STRING:
                value = ast.literal_eval(token.string)
                pieces.append(value.encode("latin-1") if isinstance(value, str) else value)
            elif pieces or not (token.type == tokenize.NAME and token.string in _WRAPPERS
                                or token.string == "("):
                break
    except (tokenize.TokenError, SyntaxError, ValueError, UnicodeEncodeError):
        return None
    return b"".join(pieces) or None


def _plain_literals(source: bytes, start: int) -> bytes | None:
    """What the tokenizer reads after an anchor that opens a call when, as protoc and buf write
    it, bytes literals follow, apart only by blanks, up to the call's ``)`` or ``,``; None for
    anything else (the tokenizer then reads it). Its pattern alone took 4 ms to compile."""
    pieces: list[bytes] = []
    at = start
    while (literal := _BYTES_LITERAL.match(source, at)) is not None:
        try:
            pieces.append(ast.literal_eval(literal[1].decode("ascii")))
        except (SyntaxError, ValueError, UnicodeDecodeError):
            return None
        at = literal.end()
    return b"".join(pieces) if pieces and _CALL_GOES_ON.match(source, at) else None
