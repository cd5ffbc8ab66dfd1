"""What the mock serves: every method of the Image's target services, classified by its shape.

The classification reads only descriptors, through the conventions the API follows (recognised by
:mod:`protopact.schema.conventions`, so an API's own types count as protopact's building blocks do):

- an **event stream** is a server-streaming method whose response has an event metadata field; its
  request's stream configuration field, when it has one, sets in-flight limits and ack timeouts;
- an **ack** is a unary ack RPC (its request carries the ack id of the events' metadata); it
  acknowledges the event streams of its service whose name contains its own without its leading
  verb (``AckCountryChangeEvent``, ``ConfirmCountryChangeEvent`` → ``StreamCountryChangeEvents``),
  or all of them when none matches;
- a **list** is a unary method whose request has a pagination (or cursor pagination) field and whose
  response has the matching result and a repeated message field (the items); a response field of
  the request's type receives the corrected request;
- a **resource method** (only for a stateful mock) creates, gets, updates or deletes a resource,
  as :mod:`.resources` recognises it;
- everything else answers example data.

Methods are listed sorted by path, so the server's registration order is deterministic.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import (
    Descriptor,
    FieldDescriptor,
    MethodDescriptor,
    ServiceDescriptor,
)

from ..compile.image import Image
from ..schema.conventions import Conventions, recognise, role, without_verb
from .resources import ResourceMethod, resource_method


@dataclass(frozen=True)
class Example:
    """Any method the mock answers with example data (streams: one example per message)."""

    method: MethodDescriptor


@dataclass(frozen=True)
class PageList:
    """A list method; ``cursor`` tells cursor pagination from page numbers."""

    method: MethodDescriptor
    pagination: FieldDescriptor  # request field
    result: FieldDescriptor  # response field holding the Result
    items: FieldDescriptor  # response field holding the page's items
    echo: FieldDescriptor | None  # response field receiving the corrected request
    cursor: bool


@dataclass(frozen=True)
class EventStream:
    method: MethodDescriptor
    configuration: FieldDescriptor | None  # request field holding the stream configuration
    metadata: FieldDescriptor  # response field holding the event metadata


@dataclass(frozen=True)
class Ack:
    method: MethodDescriptor
    ack: tuple[str, ...]  # field names leading from the request to the ack id
    confirmation: tuple[str, ...]  # field names leading from the response to the ack id, or ()
    streams: tuple[str, ...]  # paths of the event streams it acknowledges


Rpc = Example | PageList | EventStream | Ack | ResourceMethod


def path(method: MethodDescriptor) -> str:
    """The HTTP/2 path gRPC calls ``method`` by."""
    return f"/{method.containing_service.full_name}/{method.name}"


def service_names(image: Image) -> list[str]:
    """Full names of the target files' services, sorted."""
    return sorted(s.full_name for s in _services(image))


def rpcs(image: Image, named: dict[str, tuple[str, ...]] | None = None, *,
         stateful: bool = False) -> list[Rpc]:
    """Every method of the target services, classified, sorted by path; ``named`` as
    ``[tool.protopact.conventions]`` gives it; resource methods only when ``stateful``."""
    return classify(image, recognise(image.files, named), stateful=stateful)


def classify(image: Image, conventions: Conventions, *, stateful: bool = False) -> list[Rpc]:
    """Every method of the target services, classified by ``conventions``, sorted by path."""
    found: list[Rpc] = []
    for service in sorted(_services(image), key=lambda s: s.full_name):
        methods = sorted(service.methods, key=lambda m: m.name)
        events = [m for m in methods if _event_stream(m, conventions) is not None]
        for method in methods:
            crud = resource_method(method, conventions.update_wrappers) if stateful else None
            found.append(_event_stream(method, conventions) or _ack(method, events, conventions)
                         or crud or _page_list(method, conventions) or Example(method))
    return found


def _services(image: Image) -> Iterator[ServiceDescriptor]:
    for name in sorted(image.targets):
        yield from image.pool.FindFileByName(name).services_by_name.values()


def _field_of_type(message: Descriptor, type_names: Collection[str]) -> FieldDescriptor | None:
    return next((f for f in message.fields if f.message_type is not None
                 and f.message_type.full_name in type_names and not _repeated(f)), None)


def ack_path(message: Descriptor, conventions: Conventions, depth: int = 2) -> tuple[str, ...]:
    """Field names leading from ``message`` to an ack id (a string), or ``()``: an ack-named string
    field, or the string inside a field of an ack type, itself or one message deeper."""
    for field in message.fields:
        if _repeated(field):
            continue
        if field.message_type is not None and field.message_type.full_name in conventions.ack_types:
            inner = next((f.name for f in field.message_type.fields
                          if f.type == FieldDescriptor.TYPE_STRING and not _repeated(f)), None)
            if inner is not None:
                return (field.name, inner)
        if field.type == FieldDescriptor.TYPE_STRING and role([field.name], "ack"):
            return (field.name,)
    for field in message.fields:
        if depth > 1 and field.message_type is not None and not _repeated(field):
            if inner_path := ack_path(field.message_type, conventions, depth - 1):
                return (field.name, *inner_path)
    return ()


def _repeated(field: FieldDescriptor) -> bool:
    return field.is_repeated


def _unary(method: MethodDescriptor) -> bool:
    return not (method.client_streaming or method.server_streaming)


def _event_stream(method: MethodDescriptor, conventions: Conventions) -> EventStream | None:
    if method.client_streaming or not method.server_streaming:
        return None
    metadata = _field_of_type(method.output_type, conventions.event_metadata)
    if metadata is None:
        return None
    return EventStream(method, _field_of_type(method.input_type, conventions.stream_configurations),
                       metadata)


def _ack(method: MethodDescriptor, events: list[MethodDescriptor],
         conventions: Conventions) -> Ack | None:
    if not _unary(method) or method.full_name not in conventions.ack_methods:
        return None
    ack = ack_path(method.input_type, conventions)
    if not ack:
        return None
    key = without_verb(method.name)  # Ack, Confirm, ...
    paired = [m for m in events if key in m.name] or events
    return Ack(method, ack, ack_path(method.output_type, conventions),
               tuple(path(m) for m in paired))


def _page_list(method: MethodDescriptor, conventions: Conventions) -> PageList | None:
    if not _unary(method):
        return None
    items = next((f for f in method.output_type.fields if _repeated(f)
                  and f.message_type is not None and not f.message_type.GetOptions().map_entry),
                 None)
    if items is None:
        return None
    for pagination in method.input_type.fields:
        paging = (conventions.paging(pagination.message_type.full_name)
                  if pagination.message_type is not None and not _repeated(pagination) else None)
        result = _field_of_type(method.output_type, {paging.result or ""}) if paging else None
        if paging is not None and result is not None:
            echo = next((f for f in method.output_type.fields if not _repeated(f)
                         and f.message_type is method.input_type), None)
            return PageList(method, pagination, result, items, echo, paging.cursor)
    return None
