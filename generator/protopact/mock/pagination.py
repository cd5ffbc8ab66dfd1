"""Pagination over a stable collection: which items a page holds, and the result describing it.

Both styles follow ``protopact/v1/pagination.proto``, whatever the API calls its own types and
fields (each field is found by its role, see :func:`protopact.schema.conventions.role`): a size of 0 selects :data:`DEFAULT_SIZE`, larger
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

from ..schema.conventions import role
from .handlers import invalid_argument

DEFAULT_SIZE = 100
MAX_SIZE = 1000
_CURSOR_TAG = "c1:"


def _field(message: Message, which: str) -> str | None:
    return role(message.DESCRIPTOR.fields_by_name, which)


def _set(message: Message, which: str, value: int | str) -> None:
    """Set the field playing ``which``, when the message has one; integers and strings only."""
    name = _field(message, which)
    if name is not None and message.DESCRIPTOR.fields_by_name[name].message_type is None:
        setattr(message, name, value)


def page(pagination: Message, result: Message, total: int, *, field: str) -> range:
    """Correct ``pagination`` (page and size), fill ``result`` and return the items' indexes."""
    size = _corrected_size(pagination, field)
    page_field = _field(pagination, "page") or "page"
    number = getattr(pagination, page_field)
    if number < 0:
        raise invalid_argument(f"{field}.{page_field}",
                               f"must not be negative (0 is the first page), got {number}")
    total_pages = -(-total // size)
    for which, value in (("size", size), ("page", number), ("total", total),
                         ("total_pages", total_pages)):
        _set(result, which, value)
    if number > 0:
        _link(result, "previous", size, min(number - 1, max(total_pages - 1, 0)))
    if number + 1 < total_pages:
        _link(result, "next", size, number + 1)
    start = min(number * size, total)
    return range(start, min(start + size, total))


def cursor_page(pagination: Message, result: Message, total: int, *, field: str) -> range:
    """Correct ``pagination`` (cursor and size), fill ``result``, return the items' indexes."""
    size = _corrected_size(pagination, field)
    cursor_field = _field(pagination, "cursor") or "cursor"
    offset = _offset(getattr(pagination, cursor_field), total, field=f"{field}.{cursor_field}")
    stop = min(offset + size, total)
    if stop < total:
        _set(result, "next", encode_cursor(stop))
    if offset > 0:
        _set(result, "previous", encode_cursor(max(offset - size, 0)))
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
    size_field = _field(pagination, "size") or "size"
    size = getattr(pagination, size_field)
    if size < 0:
        raise invalid_argument(f"{field}.{size_field}",
                               f"must not be negative (0 selects {DEFAULT_SIZE}), got {size}")
    corrected = min(size or DEFAULT_SIZE, MAX_SIZE)
    setattr(pagination, size_field, corrected)
    return corrected


def _link(result: Message, which: str, size: int, number: int) -> None:
    """Point the result's ``previous`` or ``next`` at a page: a pagination message, or a number."""
    name = _field(result, which)
    if name is None:
        return
    if result.DESCRIPTOR.fields_by_name[name].message_type is None:
        setattr(result, name, number)
        return
    target = getattr(result, name)
    target.SetInParent()
    _set(target, "size", size)
    _set(target, "page", number)
