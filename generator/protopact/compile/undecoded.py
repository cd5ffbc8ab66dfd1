"""Files of a cache entry decoded where first read beyond their name, package and imports.

A lint after a one-file edit reads most files of a large tree only by name, package and imports
(which files to compile again, the package graph, which findings to keep): decoding all 7,200
files of a googleapis-sized entry, even without their source info, cost 0.15 s and 150 MB, most of
a warm lint's memory. Within :func:`.sourceinfo.on_demand` the cache gives each file as an
:class:`Undecoded`, which holds what its entry's header says of it and decodes the file (without
its source info, see :mod:`.sourceinfo`) on the first read of anything else: reading an attribute
of it reads the decoded file's. Code that hands a file to protobuf itself (a descriptor pool, a
message's field, ``CopyFrom``) takes it through :func:`decoded`; anything else that needs the very
message fails loudly (a TypeError), never silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from .sourceinfo import decoded_without


class Undecoded:
    """A file of a cache entry, decoded on the first read of more than ``name`` and ``package``
    (its imports are known to :func:`.order.imports_of` by the entry)."""

    __slots__ = ("name", "package", "_payload", "_span", "_file")

    def __init__(self, name: str, package: str, payload: bytes,
                 span: Sequence[int] | None) -> None:
        self.name = name
        self.package = package
        self._payload = payload
        self._span = span
        self._file: FileDescriptorProto | None = None

    def decoded(self) -> FileDescriptorProto:
        f = self._file
        if f is None:
            f = self._file = decoded_without(self._payload, self._span)
        return f

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.decoded(), attribute)

    def __eq__(self, other: object) -> bool:
        return self.decoded() == (other.decoded() if isinstance(other, Undecoded) else other)

    __hash__ = None  # type: ignore[assignment]  # as a message's


def undecoded(names: Sequence[str], packages: Sequence[str], payloads: Sequence[bytes],
              spans: Sequence[Sequence[int] | None]) -> list[FileDescriptorProto]:
    """Files, each given by its name, package, bytes and source info's span, read as
    ``FileDescriptorProto`` s (see :class:`Undecoded`)."""
    return cast(list[FileDescriptorProto], list(map(Undecoded, names, packages, payloads, spans)))


def decoded(f: FileDescriptorProto) -> FileDescriptorProto:
    """``f`` as the message protobuf's own code takes."""
    return f.decoded() if type(f) is Undecoded else f  # type: ignore[attr-defined]

