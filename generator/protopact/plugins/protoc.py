"""The protoc plugin protocol: a ``CodeGeneratorRequest`` on stdin, a ``CodeGeneratorResponse`` out.

``protoc-gen-protopact-{openapi,docs,python}`` each run one renderer of ``protopact generate`` on the
files the request names, imports included as the request carries them, so one protoc call (or buf's
``strategy: all``) over a tree writes exactly what ``protopact generate`` writes under that
renderer's subdirectory (under buf, the Python package's embedded descriptor set carries the spans
and comments of buf's own compiler). Bad input (an option, a schema the renderer refuses) is answered in the
response's ``error`` field, one line, as protoc expects; only a broken request exits non-zero.
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from google.protobuf.message import DecodeError, Message

from ..compile.image import Image
from ..errors import ProtopactError, report
from ..render.targets import renderers
from .options import settings_from_parameter
from .wire import response_class

_FEATURES = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL


def respond(request: plugin_pb2.CodeGeneratorRequest, target: str) -> Any:
    """The response of the renderer ``target`` to ``request`` (a :func:`wire.response_class`)."""
    response = response_class()(supported_features=_FEATURES)
    try:
        settings = settings_from_parameter(request.parameter)
        image = Image(tuple(map(_as_compiled, request.proto_file)),
                      frozenset(request.file_to_generate))
        entry = next(r for r in renderers() if r.name == target)
        files = entry.render(image, settings)
    except ProtopactError as exc:
        response.error = report(exc)
        return response
    for name, data in sorted(files.items()):
        response.file.add(name=name, content=data)
    return response


def _as_compiled(file: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """``file`` as protopact's compile step has it: without source-retention options, which protoc
    strips from descriptor sets but leaves in a plugin request (extension declarations of
    ``descriptor.proto``, for one), nor their source locations. An options message left empty goes
    too, as protoc drops it."""
    stripped = _strip_source_retention(file, ())
    if stripped:
        kept = [location for location in file.source_code_info.location
                if not any(tuple(location.path[:len(p)]) == p for p in stripped)]
        del file.source_code_info.location[:]
        file.source_code_info.location.extend(kept)
    return file


def _strip_source_retention(message: Message, path: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Clear ``message``'s source-retention fields, recursively; the paths of those cleared."""
    stripped: list[tuple[int, ...]] = []
    for field, value in message.ListFields():
        here = (*path, field.number)
        if field.GetOptions().retention == descriptor_pb2.FieldOptions.RETENTION_SOURCE:
            message.ClearField(field.name)
            stripped.append(here)
        elif field.message_type is not None and field.message_type.name != "SourceCodeInfo":
            children = enumerate(value) if field.is_repeated else ((None, value),)
            for index, child in children:
                inner = here if index is None else (*here, index)
                below = _strip_source_retention(child, inner)
                if below and field.name == "options" and not child.ByteSize():
                    message.ClearField(field.name)
                    stripped.append(here)
                else:
                    stripped += below
    return stripped


def run(target: str, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    source = stdin or sys.stdin.buffer
    sink = stdout or sys.stdout.buffer
    try:
        request = plugin_pb2.CodeGeneratorRequest.FromString(source.read())
    except DecodeError:
        print(f"protoc-gen-protopact-{target}: stdin is not a CodeGeneratorRequest; this program is "
              "run by protoc or buf generate", file=sys.stderr)
        return 1
    sink.write(respond(request, target).SerializeToString(deterministic=True))
    sink.flush()
    return 0


def openapi() -> None:
    sys.exit(run("openapi"))


def docs() -> None:
    sys.exit(run("docs"))


def python() -> None:
    sys.exit(run("python"))
