"""What the generated ``event_stream`` module is written against: the API's own event metadata,
stream configuration and ack RPCs, classified as the mock classifies them (:mod:`protopact.mock.catalog`
over :mod:`protopact.schema.conventions`), so ``protopact.v1``'s building blocks are one case among
others.

An event stream is a server-streaming RPC whose response has a field of an event-metadata type and
whose request has a field of a stream-configuration type. Where an API's streams use several such
pairs, the one most streams use is chosen (ties: by name), so the module is deterministic. Without
an event stream whose types are generated (not provided by an installed distribution) there is no
module. The docstring's example uses the first stream of that pair and its ack RPC.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ..compile.image import Image
from ..mock import catalog
from ..schema.conventions import recognise, role
from .pycodegen import module_path
from .pyimports import module_name

_DEFAULT_IN_FLIGHT = 10  # the example's limit


@dataclass(frozen=True, kw_only=True)
class EventStreamModel:
    """Python names the template needs; ``imports`` are modules below the package root."""

    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, top-level classes), sorted
    metadata_class: str  # a class path in its module: ``EventHeader``, ``Outer.Inner``
    metadata_type: str  # the proto full name, for the docstring
    metadata_field: str  # the event's field holding the metadata
    ack_field: str  # the metadata's field that the ack RPC takes back
    ack_class: str  # ``str`` where the ack id is a plain string
    event_id_field: str  # what identifies an event in log lines (the ack field when none)
    configuration_class: str
    configuration_field: str  # the stream request's field holding the configuration
    in_flight_field: str  # "" when the configuration has no in-flight limit
    example: tuple[str, ...]  # the docstring's example, one line each


def event_stream_model(image: Image, generated: Collection[str],
                       named: Mapping[str, tuple[str, ...]]) -> EventStreamModel | None:
    rpcs = catalog.classify(image, recognise(image.files, named))
    streams = [r for r in rpcs if isinstance(r, catalog.EventStream) and r.configuration is not None
               and _generated(r.metadata.message_type, generated)
               and _generated(r.configuration.message_type, generated)]
    if not streams:
        return None
    pairs = Counter(_pair(s) for s in streams)
    pair = min(pairs, key=lambda p: (-pairs[p], p))
    stream = next(s for s in streams if _pair(s) == pair)
    metadata, configuration = _message(stream.metadata), _message(_configuration(stream))
    names = [f.name for f in metadata.fields]
    ack = metadata.fields_by_name[role(names, "ack") or ""]
    ack_type = ack.message_type
    if ack_type is not None and not _generated(ack_type, generated):
        return None
    in_flight = role([f.name for f in configuration.fields], "in_flight") or ""
    imports: dict[str, set[str]] = {}
    for message in (metadata, configuration, ack_type):
        if message is not None:
            imports.setdefault(_module(message), set()).add(_class(message).split(".")[0])
    acks = [r for r in rpcs if isinstance(r, catalog.Ack) and catalog.path(stream.method) in r.streams]
    return EventStreamModel(
        imports=tuple(sorted((m, tuple(sorted(c))) for m, c in imports.items())),
        metadata_class=_class(metadata), metadata_type=metadata.full_name,
        metadata_field=stream.metadata.name, ack_field=ack.name,
        ack_class=_class(ack_type) if ack_type is not None else "str",
        event_id_field=role(names, "event_id") or ack.name,
        configuration_class=_class(configuration), configuration_field=_configuration(stream).name,
        in_flight_field=in_flight,
        example=_example(stream, acks[0] if len(acks) == 1 else None, ack, _class(configuration),
                         in_flight))


def _pair(stream: catalog.EventStream) -> tuple[str, str, str, str]:
    configuration = _configuration(stream)
    return (_message(stream.metadata).full_name, stream.metadata.name,
            _message(configuration).full_name, configuration.name)


def _message(field: FieldDescriptor) -> Descriptor:
    message = field.message_type
    assert message is not None  # the catalog found these fields by their message types
    return message


def _generated(message: Descriptor | None, generated: Collection[str]) -> bool:
    return message is not None and message.file.name in generated


def _class(message: Descriptor) -> str:
    """``Outer.Inner``: the message's path in its module."""
    package = message.file.package
    return message.full_name[len(package) + 1:] if package else message.full_name


def _module(message: Descriptor) -> str:
    return module_name(module_path(message.file.name) + "_pb2.py")


def _example(stream: catalog.EventStream, ack_rpc: catalog.Ack | None, ack: FieldDescriptor,
             configuration: str, in_flight: str) -> tuple[str, ...]:
    """The docstring's example: open the stream, acknowledge with its ack RPC."""
    method = stream.method
    request = _class(method.input_type)
    lines = [f"stub = {method.containing_service.name}Stub(channel)",
             "stream = EventStream(",
             f"    open=lambda config: stub.{method.name}(",
             f"        {request}({_configuration(stream).name}=config), metadata=auth),"]
    if ack_rpc is not None:
        value = ack.name
        lines += [f"    ack=lambda {value}: stub.{ack_rpc.method.name}(",
                  f"        {_ack_request(ack_rpc, ack, value)}, metadata=auth),"]
    else:
        lines += [f"    ack=lambda {ack.name}: ...,  # the API's ack RPC"]
    limit = f"{in_flight}={_DEFAULT_IN_FLIGHT}" if in_flight else ""
    lines += [f"    configuration={configuration}({limit}),", ")", "stream.run(handle)"]
    return tuple(lines)


def _configuration(stream: catalog.EventStream) -> FieldDescriptor:
    assert stream.configuration is not None  # streams without one have no client
    return stream.configuration


def _ack_request(rpc: catalog.Ack, ack: FieldDescriptor, value: str) -> str:
    """``Request(outer=Inner(ack_id=value))``: the ack RPC's request around what the event carries
    (the ack message itself, or the ack id string)."""
    message, path = rpc.method.input_type, list(rpc.ack)
    fields = []
    for name in path:
        fields.append(message.fields_by_name[name])
        message = fields[-1].message_type or message
    if ack.message_type is not None:
        if len(fields) > 1 and fields[-2].message_type is ack.message_type:
            fields.pop()  # the ack message is passed whole
        else:
            value = f"{value}.{path[-1]}"
    text = f"{fields[-1].name}={value}"
    for field in reversed(fields[:-1]):
        text = f"{field.name}={_class(_message(field))}({text})"
    return f"{_class(rpc.method.input_type)}({text})"
