"""What the mock serves: every method of the Image's target services, classified by its shape.

The classification reads only descriptors, through protopact's building blocks:

- an **event stream** is a server-streaming method whose request has a ``protopact.v1.StreamConfiguration``
  field and whose response has a ``protopact.v1.EventMetadata`` field;
- an **ack** is a unary method whose request has a ``protopact.v1.AckRequest`` field; it acknowledges
  the event streams of its service whose name contains its own without the ``Ack`` prefix
  (``AckCountryChangeEvent`` → ``StreamCountryChangeEvents``), or all of them when none matches;
- a **list** is a unary method whose request has a ``Pagination`` (or ``CursorPagination``) field and
  whose response has the matching ``Result`` and a repeated message field (the items); a response
  field of the request's type receives the corrected request;
- everything else answers example data.

Methods are listed sorted by path, so the server's registration order is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import (
    Descriptor,
    FieldDescriptor,
    MethodDescriptor,
    ServiceDescriptor,
)

from ..compile.image import Image

STREAM_CONFIGURATION = "protopact.v1.StreamConfiguration"
EVENT_METADATA = "protopact.v1.EventMetadata"
ACK_REQUEST = "protopact.v1.AckRequest"
ACK_RESPONSE = "protopact.v1.AckResponse"
PAGINATION = "protopact.v1.Pagination"
CURSOR_PAGINATION = "protopact.v1.CursorPagination"


@dataclass(frozen=True)
class Example:
    """Any method the mock answers with example data (streams: one example per message)."""

    method: MethodDescriptor


@dataclass(frozen=True)
class PageList:
    """A list method; ``cursor`` tells ``CursorPagination`` from ``Pagination``."""

    method: MethodDescriptor
    pagination: FieldDescriptor  # request field
    result: FieldDescriptor  # response field holding the Result
    items: FieldDescriptor  # response field holding the page's items
    echo: FieldDescriptor | None  # response field receiving the corrected request
    cursor: bool


@dataclass(frozen=True)
class EventStream:
    method: MethodDescriptor
    configuration: FieldDescriptor  # request field holding the StreamConfiguration
    metadata: FieldDescriptor  # response field holding the EventMetadata


@dataclass(frozen=True)
class Ack:
    method: MethodDescriptor
    ack: FieldDescriptor  # request field holding the AckRequest
    confirmation: FieldDescriptor | None  # response field receiving the AckResponse
    streams: tuple[str, ...]  # paths of the event streams it acknowledges


Rpc = Example | PageList | EventStream | Ack


def path(method: MethodDescriptor) -> str:
    """The HTTP/2 path gRPC calls ``method`` by."""
    return f"/{method.containing_service.full_name}/{method.name}"


def service_names(image: Image) -> list[str]:
    """Full names of the target files' services, sorted."""
    return sorted(s.full_name for s in _services(image))


def rpcs(image: Image) -> list[Rpc]:
    """Every method of the target services, classified, sorted by path."""
    found: list[Rpc] = []
    for service in sorted(_services(image), key=lambda s: s.full_name):
        methods = sorted(service.methods, key=lambda m: m.name)
        events = [m for m in methods if _event_stream(m) is not None]
        for method in methods:
            found.append(_event_stream(method) or _ack(method, events) or _page_list(method)
                         or Example(method))
    return found


def _services(image: Image) -> Iterator[ServiceDescriptor]:
    for name in sorted(image.targets):
        yield from image.pool.FindFileByName(name).services_by_name.values()


def _field_of_type(message: Descriptor, type_name: str) -> FieldDescriptor | None:
    return next((f for f in message.fields if f.message_type is not None
                 and f.message_type.full_name == type_name and not _repeated(f)), None)


def _repeated(field: FieldDescriptor) -> bool:
    return field.is_repeated


def _unary(method: MethodDescriptor) -> bool:
    return not (method.client_streaming or method.server_streaming)


def _event_stream(method: MethodDescriptor) -> EventStream | None:
    if method.client_streaming or not method.server_streaming:
        return None
    configuration = _field_of_type(method.input_type, STREAM_CONFIGURATION)
    metadata = _field_of_type(method.output_type, EVENT_METADATA)
    if configuration is None or metadata is None:
        return None
    return EventStream(method, configuration, metadata)


def _ack(method: MethodDescriptor, events: list[MethodDescriptor]) -> Ack | None:
    ack = _field_of_type(method.input_type, ACK_REQUEST)
    if not _unary(method) or ack is None:
        return None
    key = method.name.removeprefix("Ack")
    paired = [m for m in events if key and key in m.name] or events
    return Ack(method, ack, _field_of_type(method.output_type, ACK_RESPONSE),
               tuple(path(m) for m in paired))


def _page_list(method: MethodDescriptor) -> PageList | None:
    if not _unary(method):
        return None
    for pagination_type, cursor in ((PAGINATION, False), (CURSOR_PAGINATION, True)):
        pagination = _field_of_type(method.input_type, pagination_type)
        result = _field_of_type(method.output_type, f"{pagination_type}.Result")
        items = next((f for f in method.output_type.fields if _repeated(f)
                      and f.message_type is not None and not f.message_type.GetOptions().map_entry),
                     None)
        if pagination is not None and result is not None and items is not None:
            echo = next((f for f in method.output_type.fields if not _repeated(f)
                         and f.message_type is method.input_type), None)
            return PageList(method, pagination, result, items, echo, cursor)
    return None
