"""The contract conventions an API follows, recognised by the shape of its messages and methods.

An API need not use protopact's ``protopact.v1`` building blocks to follow their conventions: a team's
own ``Pagination`` (page and size in, total and neighbouring pages out), a cursor type, Update
wrappers (``updated`` + ``value``), event metadata carrying an ack id, its ack RPCs and its stream
configuration (in-flight limit, ack timeout) are recognised by structure, whatever they are called.
Where structure is not enough, ``[tool.protopact.conventions]`` names the types of each kind; a
named kind is exactly the named types.

Everything here reads ``FileDescriptorProto`` objects only, so lint, the mock, the gateway and the
renderers share one recognition. Type names are full names without a leading dot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from google.protobuf.descriptor_pb2 import DescriptorProto, FieldDescriptorProto, FileDescriptorProto

from ..errors import ProtopactError
from . import walk

F = FieldDescriptorProto
_INTEGERS = frozenset({F.TYPE_INT32, F.TYPE_INT64, F.TYPE_UINT32, F.TYPE_UINT64, F.TYPE_SINT32,
                       F.TYPE_SINT64, F.TYPE_FIXED32, F.TYPE_FIXED64, F.TYPE_SFIXED32,
                       F.TYPE_SFIXED64})
_PAGE = re.compile(r"page(_?number|_?index)?\Z", re.I)
_SIZE = re.compile(r"(?:(page_?)?size|per_?page|limit|page_?limit|max_?results)\Z", re.I)
_CURSOR = re.compile(r"(?:cursor|page_?token|after|continuation(_?token)?|token)\Z", re.I)
_TOTAL = re.compile(r"total(_?(count|size|items|elements))?\Z", re.I)
_TOTAL_PAGES = re.compile(r"(?:total_?pages|page_?count)\Z", re.I)
_NEXT = re.compile(r"(?:next(_?(cursor|page_?token|token|page))?|end_?cursor)\Z", re.I)
_PREVIOUS = re.compile(r"(?:prev(ious)?(_?(cursor|page_?token|token|page))?|start_?cursor)\Z", re.I)
_UPDATED = re.compile(r"(?:updated|is_?set|present|has_?value)\Z", re.I)
_ACK = re.compile(r"(?:(.*_)?(ack|acknowledg(e|ment))(_?(id|token|handle|key))?|receipt(_?handle)?)\Z",
                  re.I)
_IN_FLIGHT = re.compile(r".*in_?flight.*|max_?outstanding.*|prefetch(_?count)?\Z", re.I)
_ACK_TIMEOUT = re.compile(r"ack_?(timeout|deadline|wait)(_.*)?\Z", re.I)
_QUEUE = re.compile(r"(?:(durable_?)?queue(_?name)?|consumer_?group|group|subscription(_?name)?)\Z",
                    re.I)
_EVENT_ID = re.compile(r"event_?id\Z", re.I)
_REDELIVERED = re.compile(r".*redeliver.*", re.I)
_SUBSCRIBER = re.compile(r"ppid|subscriber.*", re.I)
_OCCURRED = re.compile(r".*timestamp|.*_at|.*time", re.I)
_EVENT_MARK = re.compile(r".*redeliver.*|event_?id|.*timestamp|.*_at|ppid|subscriber.*", re.I)
_PHONE_TYPE = re.compile(r".*(phone|msisdn|e164).*", re.I)
_PHONE_VALUE = re.compile(r"(?:e164|msisdn|number|phone(_?number)?|value)\Z", re.I)
# what a field is for, judged by its name: the mock fills and reads the API's own types through these
ROLES = {"page": _PAGE, "size": _SIZE, "cursor": _CURSOR, "total": _TOTAL,
         "total_pages": _TOTAL_PAGES, "next": _NEXT, "previous": _PREVIOUS, "ack": _ACK,
         "in_flight": _IN_FLIGHT, "ack_timeout": _ACK_TIMEOUT, "queue": _QUEUE,
         "event_id": _EVENT_ID, "redelivered": _REDELIVERED, "subscriber": _SUBSCRIBER,
         "occurred": _OCCURRED}
TIMESTAMP = "google.protobuf.Timestamp"

class Paging(NamedTuple):
    """A pagination message and the message that answers it (``None`` when none was found)."""

    message: str
    result: str | None
    cursor: bool


@dataclass(frozen=True)
class Conventions:
    """What an image follows; every name is a message's full name, except ``ack_methods``."""

    pagination: tuple[Paging, ...] = ()
    selections: frozenset[str] = frozenset()
    update_wrappers: frozenset[str] = frozenset()
    event_metadata: frozenset[str] = frozenset()
    stream_configurations: frozenset[str] = frozenset()
    # what identifies an event to its ack: a message type, or "" where it is a plain string field
    ack_types: frozenset[str] = frozenset()
    ack_methods: tuple[str, ...] = ()  # ``package.Service.Method``
    timestamps: frozenset[str] = frozenset({TIMESTAMP})
    phone_numbers: frozenset[str] = frozenset()
    files: Mapping[str, str] | None = None  # where each message and service is declared

    def paging(self, type_name: str) -> Paging | None:
        return self._paging_by_message.get(type_name)

    @cached_property
    def _paging_by_message(self) -> dict[str, Paging]:
        # a tree may hold hundreds of pagination types and thousands of lists: looked up, not scanned
        found: dict[str, Paging] = {}
        for paging in self.pagination:
            found.setdefault(paging.message, paging)
        return found

    def results(self) -> frozenset[str]:
        return frozenset(p.result for p in self.pagination if p.result)

    def lines(self) -> list[str]:
        """What was recognised, one line per type, for people to confirm or correct."""
        files = self.files or {}

        def line(kind: str, name: str, extra: str = "") -> str:
            where = files.get(name) or files.get(name.rsplit(".", 1)[0], "")
            return f"{where}: {kind} {name}{extra}" if where else f"{kind} {name}{extra}"

        out = [line("cursor_pagination" if p.cursor else "pagination", p.message,
                    f" (answered by {p.result})" if p.result else " (no result message found)")
               for p in self.pagination]
        for kind, names in (("selection", self.selections), ("update_wrapper", self.update_wrappers),
                            ("event_metadata", self.event_metadata),
                            ("stream_configuration", self.stream_configurations),
                            ("timestamp", self.timestamps - {TIMESTAMP}),
                            ("phone_number", self.phone_numbers)):
            out += [line(kind, name) for name in sorted(names)]
        out += [line("ack_rpc", name) for name in self.ack_methods]
        return out


def without_verb(method: str) -> str:
    """What a method acts on: ``StreamCountryChangeEvents`` -> ``CountryChangeEvents``,
    ``ConfirmCountryChangeEvent`` -> ``CountryChangeEvent``; a name that is only a verb stays."""
    return re.sub(r"^[A-Z][a-z0-9]*", "", method) or method


def role(names: Iterable[str], which: str) -> str | None:
    """The first of ``names`` (a message's field names) that plays the role ``which`` of :data:`ROLES`."""
    pattern = ROLES[which]
    return next((n for n in names if pattern.match(n)), None)


def _index(files: Iterable[FileDescriptorProto]) -> dict[str, DescriptorProto]:
    return {m.full_name: m.message for f in files for m in walk.messages(f)}


def _named(message: DescriptorProto, pattern: re.Pattern[str],
           types: frozenset[int] | None = None) -> F | None:
    return next((f for f in message.field if f.label != F.LABEL_REPEATED and pattern.match(f.name)
                 and (types is None or f.type in types)), None)


def _nested_result(name: str, message: DescriptorProto, index: Mapping[str, DescriptorProto],
                   answers: re.Pattern[str]) -> str | None:
    """The nested message (``Result`` first) that answers a pagination: it has a total or a next."""
    nested = sorted(message.nested_type, key=lambda n: n.name != "Result")
    return next((f"{name}.{n.name}" for n in nested
                 if _named(index[f"{name}.{n.name}"], answers) is not None), None)


def _paging(name: str, message: DescriptorProto,
            index: Mapping[str, DescriptorProto]) -> Paging | None:
    """A small message with a size and a page number, or a size and a cursor."""
    if len(message.field) > 4 or _named(message, _SIZE, _INTEGERS) is None:
        return None
    if _named(message, _PAGE, _INTEGERS) is not None:
        return Paging(name, _nested_result(name, message, index, _TOTAL), cursor=False)
    if _named(message, _CURSOR, frozenset({F.TYPE_STRING, F.TYPE_BYTES})) is not None:
        return Paging(name, _nested_result(name, message, index, _NEXT), cursor=True)
    return None


def _update_wrapper(message: DescriptorProto) -> bool:
    fields = [f for f in message.field if f.label != F.LABEL_REPEATED]
    return (len(message.field) == 2 and len(fields) == 2
            and any(f.type == F.TYPE_BOOL and _UPDATED.match(f.name) for f in fields)
            and any(f.name == "value" for f in fields))


def _ack_field(message: DescriptorProto) -> F | None:
    return next((f for f in message.field if f.label != F.LABEL_REPEATED and _ACK.match(f.name)
                 and f.type in (F.TYPE_STRING, F.TYPE_BYTES, F.TYPE_MESSAGE)), None)


def _event_metadata(message: DescriptorProto) -> F | None:
    """The ack field of a message that carries one beside something only events have."""
    ack = _ack_field(message)
    if ack is None or not any(f is not ack and _EVENT_MARK.match(f.name) for f in message.field):
        return None
    return ack


def _stream_configuration(message: DescriptorProto) -> bool:
    return (_named(message, _IN_FLIGHT, _INTEGERS) is not None
            or _named(message, _ACK_TIMEOUT) is not None)


def _timestamp(message: DescriptorProto) -> bool:
    """An API's own moment type: a small message around a ``google.protobuf.Timestamp``."""
    return len(message.field) <= 3 and [f.type_name for f in message.field].count("." + TIMESTAMP) == 1


def _phone_number(name: str, message: DescriptorProto) -> bool:
    return (len(message.field) <= 2 and _PHONE_TYPE.match(name.rsplit(".", 1)[-1]) is not None
            and _named(message, _PHONE_VALUE, frozenset({F.TYPE_STRING})) is not None)


def _selection(field: F) -> bool:
    text = f"{field.name} {field.type_name.rsplit('.', 1)[-1]}".lower()
    return field.type == F.TYPE_MESSAGE and ("selection" in text or "filter" in text)


def recognise(files: Iterable[FileDescriptorProto],
              named: Mapping[str, tuple[str, ...]] | None = None) -> Conventions:
    """The conventions ``files`` (an image's, imports included) follow; ``named`` maps a kind of
    :data:`protopact.config.settings.KINDS` to the types it consists of, replacing recognition
    for that kind."""
    files = list(files)
    named = named or {}
    index = _index(files)
    for kind, names in named.items():
        for name in names:
            if name not in index:
                raise ProtopactError(f"[tool.protopact.conventions] {kind}: {name!r} is not a "
                                     "message of the input")
    pagination: list[Paging] = []
    wrappers: set[str] = set()
    metadata: dict[str, F] = {}
    configurations: set[str] = set()
    timestamps, phones = {TIMESTAMP}, set()
    for name, message in index.items():
        if _timestamp(message):
            timestamps.add(name)
        if _phone_number(name, message):
            phones.add(name)
        if (paging := _paging(name, message, index)) is not None:
            pagination.append(paging)
        if _update_wrapper(message):
            wrappers.add(name)
        if (ack := _event_metadata(message)) is not None:
            metadata[name] = ack
        if _stream_configuration(message):
            configurations.add(name)
    for kind, cursor in (("pagination", False), ("cursor_pagination", True)):
        if kind in named:
            pagination = [p for p in pagination if p.cursor != cursor] + [
                Paging(n, _nested_result(n, index[n], index, _NEXT if cursor else _TOTAL), cursor)
                for n in named[kind]]
    if "update_wrapper" in named:
        wrappers = set(named["update_wrapper"])
    if "stream_configuration" in named:
        configurations = set(named["stream_configuration"])
    if "timestamp" in named:
        timestamps = {TIMESTAMP, *named["timestamp"]}
    if "phone_number" in named:
        phones = set(named["phone_number"])
    if "event_metadata" in named:
        metadata = {n: a for n in named["event_metadata"] if (a := _ack_field(index[n])) is not None}
    ack_types = frozenset(a.type_name.lstrip(".") if a.type == F.TYPE_MESSAGE else ""
                          for a in metadata.values())
    pages = {"." + p.message for p in pagination}
    selections = set(named.get("selection", ())) or {
        f.type_name.lstrip(".") for m in index.values() if pages & {f.type_name for f in m.field}
        for f in m.field if _selection(f)}
    return Conventions(
        pagination=tuple(sorted(pagination, key=lambda p: p.message)),
        selections=frozenset(selections),
        update_wrappers=frozenset(wrappers),
        event_metadata=frozenset(metadata),
        stream_configurations=frozenset(configurations),
        ack_types=ack_types,
        ack_methods=tuple(sorted(_ack_methods(files, index, metadata, ack_types))),
        timestamps=frozenset(timestamps),
        phone_numbers=frozenset(phones),
        files={**{m.full_name: f.name for f in files for m in walk.messages(f)},
               **{s.full_name: f.name for f in files for s in walk.services(f)}},
    )


def acknowledges(message: DescriptorProto, ack_types: frozenset[str],
                 index: Mapping[str, DescriptorProto], depth: int = 2) -> bool:
    """Whether ``message`` carries an ack id (a field of an ack type, or an ack-named string), itself
    or one message deeper."""
    for field in message.field:
        if field.label == F.LABEL_REPEATED:
            continue
        if field.type == F.TYPE_MESSAGE and field.type_name.lstrip(".") in ack_types:
            return True
        if "" in ack_types and field.type == F.TYPE_STRING and _ACK.match(field.name):
            return True
        inner = index.get(field.type_name.lstrip("."))
        if depth > 1 and inner is not None and acknowledges(inner, ack_types, index, depth - 1):
            return True
    return False


def _ack_methods(files: list[FileDescriptorProto], index: Mapping[str, DescriptorProto],
                 metadata: Mapping[str, F], ack_types: frozenset[str]) -> Iterable[str]:
    if not ack_types:
        return
    for file in files:
        for service in walk.services(file):
            for method in walk.methods(service):
                m = method.method
                request = index.get(m.input_type.lstrip("."))
                if (m.client_streaming or m.server_streaming or request is None
                        or m.input_type.lstrip(".") in metadata):
                    continue
                if acknowledges(request, ack_types, index):
                    yield f"{service.full_name}.{m.name}"
