"""Convention-aware notes for the documentation: how to use update wrappers, pagination and streams.

Conventions are recognised by shape, not by package, so an API that copies protopact's building
blocks under its own names gets the same notes: an update wrapper is a message with a ``bool updated``
and a ``value``; page-number pagination has ``size`` and ``page``; cursor pagination has ``cursor``
(``next_cursor`` in its result); AIP-158 lists have ``page_token``; an event stream is a server stream
whose response carries metadata with an ``ack_id``. Notes are Markdown sentences written here, never
text from a ``.proto``.
"""

from __future__ import annotations

from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

_UPDATE = ("Set `updated` to true and `value` to the new value to change this field; leave the "
           "wrapper unset (or `updated` false) to keep the current value. This is how a request "
           "sets a field to its zero value (false, \"\" or 0).")
_PAGE = ("Page-number pagination: `page` counts from 0 (the first page) and `size` 0 selects the "
         "default page size. The response's `Result` reports the corrected page, the totals and the "
         "`previous` and `next` pages; to walk the list, send the `next` page until it is unset.")
_PAGE_RESULT = ("Send `next` as the next request's pagination to continue; it is unset on the last "
                "page. `total` is an estimate when `approximated_total` is true.")
_CURSOR = ("Cursor pagination: leave `cursor` empty for the first page, then send the "
           "`next_cursor` of the previous response; the listing ends when it is empty. Cursors are "
           "opaque and no totals are computed.")
_CURSOR_RESULT = ("Send `next_cursor` as the next request's `cursor` to continue; it is empty on the "
                  "last page.")
_PAGE_TOKEN = ("Leave empty for the first page; to continue, send the `next_page_token` of the "
               "previous response. The listing ends when `next_page_token` is empty.")
_NEXT_PAGE_TOKEN = "Send as `page_token` in the next request to get the next page; empty on the last page."
_LIST = "Paginated: the response holds one page; see the request's `{field}` field for how to continue."
_STREAM = ("Event stream: acknowledge every event with the `ack_id` from its metadata{ack}. At most "
           "`max_in_flight` events are delivered without an acknowledgement (in flight); an event "
           "that is not acknowledged within `ack_timeout` is delivered again with `is_redelivered` "
           "set, so process events idempotently (by `event_id`). Streams opened with the same "
           "`durable_queue` share the load: each event goes to one of them.")


def _fields(message: Descriptor | None) -> dict[str, FieldDescriptor]:
    return dict(message.fields_by_name) if message is not None else {}


def _is_update_wrapper(message: Descriptor | None) -> bool:
    fields = _fields(message)
    updated = fields.get("updated")
    return (set(fields) == {"updated", "value"} and updated is not None
            and updated.type == FieldDescriptor.TYPE_BOOL)


def _pagination_kind(message: Descriptor | None) -> str:
    """"page" or "cursor" for a pagination request, "page-result"/"cursor-result" for a result."""
    names = set(_fields(message))
    # A page-number result repeats `size` and `page`: results are recognised first.
    if {"total", "next"} <= names:
        return "page-result"
    if "next_cursor" in names:
        return "cursor-result"
    if {"size", "page"} <= names:
        return "page"
    if {"size", "cursor"} <= names:
        return "cursor"
    return ""


_PAGINATION_NOTES = {"page": _PAGE, "cursor": _CURSOR, "page-result": _PAGE_RESULT,
                     "cursor-result": _CURSOR_RESULT}


def field_notes(field: FieldDescriptor) -> tuple[str, ...]:
    """Notes for a field whose type or name follows a convention."""
    target = field.message_type
    if _is_update_wrapper(target):
        return (_UPDATE,)
    kind = _pagination_kind(target)
    # Inside the pagination blocks themselves (Result.next is a Pagination) the note is noise.
    if kind and not _pagination_kind(field.containing_type):
        return (_PAGINATION_NOTES[kind],)
    if field.type == FieldDescriptor.TYPE_STRING and field.name == "page_token":
        return (_PAGE_TOKEN,)
    if field.type == FieldDescriptor.TYPE_STRING and field.name == "next_page_token":
        return (_NEXT_PAGE_TOKEN,)
    return ()


def message_notes(message: Descriptor) -> tuple[str, ...]:
    """Notes for a message that is itself a convention's building block."""
    if _is_update_wrapper(message):
        return (_UPDATE,)
    kind = _pagination_kind(message)
    return (_PAGINATION_NOTES[kind],) if kind else ()


def _pagination_field(message: Descriptor) -> str:
    for field in message.fields:
        if _pagination_kind(field.message_type) in ("page", "cursor") or field.name == "page_token":
            return field.name
    return ""


def _acks(message: Descriptor) -> bool:
    """True for a message carrying event metadata (a message-typed field with an ``ack_id``)."""
    return any("ack_id" in _fields(f.message_type) for f in message.fields)


def _ack_method(stream: MethodDescriptor) -> MethodDescriptor | None:
    """The unary method of the same service that acknowledges this stream's events, if any."""
    candidates = [m for m in stream.containing_service.methods
                  if not m.server_streaming and m.name.startswith("Ack")
                  and ("ack_id" in _fields(m.input_type) or _acks(m.input_type))]
    # StreamCountryChangeEvents is acknowledged by AckCountryChangeEvent.
    for method in candidates:
        if method.name[3:] and method.name[3:] in stream.name:
            return method
    return candidates[0] if len(candidates) == 1 else None


def method_notes(method: MethodDescriptor) -> tuple[str, ...]:
    notes = []
    pagination = _pagination_field(method.input_type)
    if pagination and not method.server_streaming:
        notes.append(_LIST.format(field=pagination))
    if method.server_streaming and _acks(method.output_type):
        ack = _ack_method(method)
        link = f" by calling [{ack.name}](#{ack.full_name})" if ack is not None else ""
        notes.append(_STREAM.format(ack=link))
    return tuple(notes)
