"""Pagination over a stable collection: which items a page holds, and the ``Result`` describing it.

Both styles follow ``protopact/v1/pagination.proto``: a size of 0 selects :data:`DEFAULT_SIZE`, larger
sizes are capped at :data:`MAX_SIZE`, negative sizes and pages are rejected naming the field. The
request's pagination is corrected in place, so the caller can echo the corrected request. Page
numbers count from 0; a page past the end is empty and links back to the last page. Cursors are
opaque to clients (a version tag and an offset, URL-safe base64): a cursor this server did not issue
is rejected rather than misread. Walking ``next`` (or ``next_cursor``) from the start visits every
item exactly once, in collection order.
"""

from __future__ import annotations

import base64
import binascii

from google.protobuf.message import Message

from .handlers import invalid_argument

DEFAULT_SIZE = 100
MAX_SIZE = 1000
_CURSOR_TAG = "c1:"


def page(pagination: Message, result: Message, total: int, *, field: str) -> range:
    """Correct ``pagination`` (a ``Pagination``), fill ``result`` and return the items' indexes."""
    size = _corrected_size(pagination, field)
    number = pagination.page  # type: ignore[attr-defined]
    if number < 0:
        raise invalid_argument(f"{field}.page", f"must not be negative (0 is the first page), got {number}")
    total_pages = -(-total // size)
    result.size, result.page = size, number  # type: ignore[attr-defined]
    result.total, result.total_pages = total, total_pages  # type: ignore[attr-defined]
    if number > 0:
        _link(result.previous, size, min(number - 1, max(total_pages - 1, 0)))  # type: ignore[attr-defined]
    if number + 1 < total_pages:
        _link(result.next, size, number + 1)  # type: ignore[attr-defined]
    start = min(number * size, total)
    return range(start, min(start + size, total))


def cursor_page(pagination: Message, result: Message, total: int, *, field: str) -> range:
    """Correct ``pagination`` (a ``CursorPagination``), fill ``result``, return the items' indexes."""
    size = _corrected_size(pagination, field)
    offset = _offset(pagination.cursor, total, field=f"{field}.cursor")  # type: ignore[attr-defined]
    stop = min(offset + size, total)
    if stop < total:
        result.next_cursor = encode_cursor(stop)  # type: ignore[attr-defined]
    if offset > 0:
        result.previous_cursor = encode_cursor(max(offset - size, 0))  # type: ignore[attr-defined]
    return range(offset, stop)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_TAG}{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str, total: int, *, field: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset = int(text.removeprefix(_CURSOR_TAG)) if text.startswith(_CURSOR_TAG) else -1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
    if not 0 <= offset <= total:
        raise invalid_argument(field, "not a cursor from a previous response of this list")
    return offset


def _corrected_size(pagination: Message, field: str) -> int:
    size = pagination.size  # type: ignore[attr-defined]
    if size < 0:
        raise invalid_argument(f"{field}.size", f"must not be negative (0 selects {DEFAULT_SIZE}), got {size}")
    corrected = min(size or DEFAULT_SIZE, MAX_SIZE)
    pagination.size = corrected  # type: ignore[attr-defined]
    return corrected


def _link(target: Message, size: int, number: int) -> None:
    target.SetInParent()
    target.size, target.page = size, number  # type: ignore[attr-defined]
