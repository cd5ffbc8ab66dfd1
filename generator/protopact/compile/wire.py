"""Protocol buffers' wire format at the top level of a message, read and written without a decoder."""

from __future__ import annotations

from collections.abc import Iterator


def varint(value: int) -> bytes:
    # one or two bytes, most lengths, made without the loop: an image read from the cache checks
    # the length before each of its files (7,200 for a googleapis-sized one)
    if value < 0x4000:
        return bytes((value,)) if value < 0x80 else bytes((value & 0x7F | 0x80, value >> 7))
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def fields(data: bytes) -> Iterator[tuple[int, int, int, int]]:
    """Top-level fields as (number, wire type, start of field, end of field)."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = read_varint(data, pos)
        elif wire == 1:
            pos += 8
        elif wire == 2:
            length, pos = read_varint(data, pos)
            pos += length
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > len(data):
            raise ValueError("truncated message")
        yield number, wire, start, pos


def field_span(data: bytes, number: int) -> tuple[int, int] | None:
    """Where the one occurrence of field ``number`` lies in message ``data`` (its key included);
    None when it is absent or occurs more than once."""
    found = [(start, end) for field, _, start, end in fields(data) if field == number]
    return found[0] if len(found) == 1 else None
