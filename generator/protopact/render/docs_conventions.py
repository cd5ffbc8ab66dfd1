"""Convention-aware notes for the documentation: how to use update wrappers, pagination and streams.

The conventions are the ones :mod:`protopact.schema.conventions` recognises (by shape, or named in
``[tool.protopact.conventions]``), and methods are classified as the mock classifies them
(:mod:`protopact.mock.catalog`), so an API with its own ``Pagination``, cursor, Update wrappers,
event metadata, ack RPCs and stream configuration gets the notes protopact's building blocks get,
naming the API's own fields. AIP-158 ``page_token`` fields are noted by their standard names. Notes
are Markdown sentences written here, never text from a ``.proto``; the field names they quote are
identifiers (letters, digits and underscores), so they cannot carry markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

from ..compile.image import Image
from ..mock import catalog
from ..schema.conventions import Conventions, Paging, recognise, role

_UPDATE = ("Set `{updated}` to true and `value` to the new value to change this field; leave the "
           "wrapper unset (or `{updated}` false) to keep the current value. This is how a request "
           "sets a field to its zero value (false, \"\" or 0).")
_PAGE = ("Page-number pagination: `{page}` counts from 0 (the first page) and `{size}` 0 selects "
         "the default page size.{result}")
_PAGE_ANSWER = (" The response's `{result}` reports the corrected page{totals}{links}; to walk the "
                "list, send the `{next}` page until it is unset.")
_PAGE_RESULT = "Send `{next}` as the next request's pagination to continue; it is unset on the last page."
_ESTIMATE = " `{total}` is an estimate when `{flag}` is true."
_CURSOR = ("Cursor pagination: leave `{cursor}` empty for the first page, then send the `{next}` of "
           "the previous response; the listing ends when it is empty. Cursors are opaque and no "
           "totals are computed.")
_CURSOR_RESULT = ("Send `{next}` as the next request's `{cursor}` to continue; it is empty on the "
                  "last page.")
_PAGE_TOKEN = ("Leave empty for the first page; to continue, send the `next_page_token` of the "
               "previous response. The listing ends when `next_page_token` is empty.")
_NEXT_PAGE_TOKEN = "Send as `page_token` in the next request to get the next page; empty on the last page."
_LIST = "Paginated: the response holds one page; see the request's `{field}` field for how to continue."
_STREAM = "Event stream: acknowledge every event with the `{ack}` from its `{metadata}`{by}."
_IN_FLIGHT = (" At most `{in_flight}` events are delivered without an acknowledgement (in flight); "
              "the stream waits for acknowledgements before it delivers more.")
_REDELIVERY = (" An event that is not acknowledged within `{ack_timeout}` is delivered again{flag}, "
               "so process events idempotently{key}.")
_QUEUE = " Streams opened with the same `{queue}` share the load: each event goes to one of them."


def _names(message: Descriptor | None) -> list[str]:
    return [f.name for f in message.fields] if message is not None else []


class Notes:
    """The notes of one Image's elements; ``named`` is ``[tool.protopact.conventions]``; with
    ``links`` an ack RPC is a link to its anchor in the documentation."""

    def __init__(self, image: Image, named: Mapping[str, tuple[str, ...]] | None = None, *,
                 links: bool = True) -> None:
        self.links = links
        self.conventions: Conventions = recognise(image.files, named)
        self._results = {p.result: p for p in self.conventions.pagination if p.result}
        self._rpcs = {rpc.method.full_name: rpc for rpc in catalog.classify(image, self.conventions)}

    def field_notes(self, field: FieldDescriptor) -> tuple[str, ...]:
        """Notes for a field whose type or name follows a convention."""
        target = field.message_type
        if target is not None and target.full_name in self.conventions.update_wrappers:
            return (self._update(target),)
        # Inside the pagination blocks themselves (Result.next is a Pagination) the note is noise.
        if (target is not None and not self._paging_block(field.containing_type)
                and (note := self._paging_note(target))):
            return (note,)
        if field.type == FieldDescriptor.TYPE_STRING and field.name == "page_token":
            return (_PAGE_TOKEN,)
        if field.type == FieldDescriptor.TYPE_STRING and field.name == "next_page_token":
            return (_NEXT_PAGE_TOKEN,)
        return ()

    def message_notes(self, message: Descriptor) -> tuple[str, ...]:
        """Notes for a message that is itself a convention's building block."""
        if message.full_name in self.conventions.update_wrappers:
            return (self._update(message),)
        note = self._paging_note(message)
        return (note,) if note else ()

    def method_notes(self, method: MethodDescriptor) -> tuple[str, ...]:
        rpc = self._rpcs.get(method.full_name)
        if isinstance(rpc, catalog.PageList):
            return (_LIST.format(field=rpc.pagination.name),)
        if isinstance(rpc, catalog.EventStream):
            return (self._stream(rpc),)
        token = next((f.name for f in method.input_type.fields if f.name == "page_token"), None)
        if token and not method.server_streaming:
            return (_LIST.format(field=token),)
        return ()

    def issued(self, method: MethodDescriptor) -> frozenset[str]:
        """Dotted paths of the request fields that take only a value a previous response gave (a
        list's cursor): no document can say which values those are."""
        rpc = self._rpcs.get(method.full_name)
        if not isinstance(rpc, catalog.PageList) or not rpc.cursor:
            return frozenset()
        cursor = role(_names(rpc.pagination.message_type), "cursor")
        return frozenset({f"{rpc.pagination.name}.{cursor}"} if cursor else ())

    def _paging_block(self, message: Descriptor | None) -> bool:
        return message is not None and (self.conventions.paging(message.full_name) is not None
                                        or message.full_name in self._results)

    def _update(self, wrapper: Descriptor) -> str:
        updated = next(f.name for f in wrapper.fields if f.name != "value")
        return _UPDATE.format(updated=updated)

    def _paging_note(self, message: Descriptor) -> str:
        paging = self.conventions.paging(message.full_name)
        if paging is not None:
            return self._request_note(message, paging)
        paging = self._results.get(message.full_name)
        if paging is None:
            return ""
        names = _names(message)
        request = _names(message.containing_type) if message.containing_type else []
        if paging.cursor:
            return _CURSOR_RESULT.format(next=role(names, "next") or "next",
                                         cursor=role(request, "cursor") or "cursor")
        note = _PAGE_RESULT.format(next=role(names, "next") or "next")
        flag = next((n for n in names if "approx" in n.lower()), None)
        total = role(names, "total")
        return note + (_ESTIMATE.format(total=total, flag=flag) if flag and total else "")

    def _request_note(self, message: Descriptor, paging: Paging) -> str:
        names = _names(message)
        result = next((m for m in message.nested_types if m.full_name == paging.result), None)
        answer = _names(result)
        if paging.cursor:
            return _CURSOR.format(cursor=role(names, "cursor") or "cursor",
                                  next=role(answer, "next") or "next")
        text = ""
        if result is not None and (nxt := role(answer, "next")):
            totals = ", the totals" if role(answer, "total") else ""
            previous = role(answer, "previous")
            links = (f" and the `{previous}` and `{nxt}` pages" if previous
                     else f" and the `{nxt}` page")
            text = _PAGE_ANSWER.format(result=result.name, totals=totals, links=links, next=nxt)
        return _PAGE.format(page=role(names, "page") or "page", size=role(names, "size") or "size",
                            result=text)

    def _stream(self, stream: catalog.EventStream) -> str:
        metadata = stream.metadata.message_type
        assert metadata is not None  # the stream was recognised by this message's type
        names = _names(metadata)
        ack_path = catalog.ack_path(metadata, self.conventions) or (role(names, "ack") or "ack",)
        acks = [rpc for rpc in self._rpcs.values() if isinstance(rpc, catalog.Ack)
                and catalog.path(stream.method) in rpc.streams]
        by = ""
        if len(acks) == 1:
            ack = acks[0].method
            by = (f" by calling [{ack.name}](#{ack.full_name})" if self.links
                  else f" by calling `{ack.name}`")
        note = _STREAM.format(ack=".".join(ack_path), metadata=stream.metadata.name, by=by)
        options = _names(stream.configuration.message_type) if stream.configuration else []
        if in_flight := role(options, "in_flight"):
            note += _IN_FLIGHT.format(in_flight=in_flight)
        if ack_timeout := role(options, "ack_timeout"):
            redelivered = role(names, "redelivered")
            event_id = role(names, "event_id")
            note += _REDELIVERY.format(
                ack_timeout=ack_timeout, flag=f" with `{redelivered}` set" if redelivered else "",
                key=f" (by `{event_id}`)" if event_id else "")
        if queue := role(options, "queue"):
            note += _QUEUE.format(queue=queue)
        return note
