"""Source columns as buf counts them.

protoc counts a column in bytes, a tab advancing to the next multiple of 8; buf counts characters, a
tab advancing to the next multiple of 4. Images hold buf's count (files are rewritten once, when
compiled), so every span protopact prints, and every image it writes, agrees with buf's. Lines
without tabs or non-ASCII characters count the same either way and are left alone.
"""

from __future__ import annotations

from google.protobuf.descriptor_pb2 import FileDescriptorProto

_PROTOC_TAB, _BUF_TAB = 8, 4


def to_buf_columns(file: FileDescriptorProto, source: bytes) -> bool:
    """Rewrite ``file``'s source spans (protoc's columns in ``source``) to buf's columns; report
    whether any line could count differently."""
    if b"\t" not in source and source.isascii():
        return False
    lines = source.split(b"\n")
    differing = {i for i, line in enumerate(lines) if b"\t" in line or not line.isascii()}
    maps: dict[int, dict[int, int]] = {}

    def column(line: int, protoc_column: int) -> int:
        if line not in differing:
            return protoc_column
        mapping = maps.get(line)
        if mapping is None:
            mapping = maps[line] = _protoc_to_buf(lines[line])
        return mapping.get(protoc_column, protoc_column)

    for location in file.source_code_info.location:
        span = location.span
        end_line = span[2] if len(span) == 4 else span[0]
        span[1] = column(span[0], span[1])
        span[-1] = column(end_line, span[-1])
    return True


def _protoc_to_buf(line: bytes) -> dict[int, int]:
    """0-based protoc column -> 0-based buf column, at every character boundary of ``line``."""
    protoc = buf = 0
    out = {0: 0}
    for char in line.decode("utf-8", "replace"):
        if char == "\t":
            protoc += _PROTOC_TAB - protoc % _PROTOC_TAB
            buf += _BUF_TAB - buf % _BUF_TAB
        else:
            protoc += len(char.encode("utf-8"))
            buf += 1
        out[protoc] = buf
    return out


def byte_offset(line: bytes, column: int) -> int:
    """The byte index in ``line`` of a 1-based column as buf counts it."""
    buf, offset = 1, 0
    for char in line.decode("utf-8", "replace"):
        if buf >= column:
            return offset
        buf += _BUF_TAB - (buf - 1) % _BUF_TAB if char == "\t" else 1
        offset += len(char.encode("utf-8"))
    return len(line)
