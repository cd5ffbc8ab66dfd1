"""Files decoded without their source info, which is read in where it is first needed.

Source info is most of a compiled file (44 of a googleapis-sized image's 60 MB) and most of the cost
of decoding it, yet a lint that keeps earlier findings reads it only in the files it checks again
and in those a finding needs placing in. Within :func:`on_demand`, the cache decodes each file
without it, where first read (an entry says where each file holds it, see :mod:`.cache` and
:mod:`.undecoded`), and every reader of source info takes the file through
:func:`with_source_info`, which reads it in, once, from the bytes the file was read from
(``Image.encoded``): the file is then the very file a whole decode gives. A
file's bytes as read stay whole, so writing, comparing or digesting it is unaffected. Only lint
asks for it: commands that serialize descriptors or hand them to other code decode them whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from .wire import field_span

SOURCE_CODE_INFO = 9  # FileDescriptorProto.source_code_info
_ON_DEMAND = ContextVar("source_info_on_demand", default=False)


@contextmanager
def on_demand() -> Iterator[None]:
    """Within, images read from the cache hold their files' source info only once asked for."""
    token = _ON_DEMAND.set(True)
    try:
        yield
    finally:
        _ON_DEMAND.reset(token)


def deferred() -> bool:
    return _ON_DEMAND.get()


def spans(payloads: Sequence[bytes]) -> list[tuple[int, int] | None]:
    """Where each serialized file holds its source info (None: nowhere, or in pieces)."""
    return [field_span(p, SOURCE_CODE_INFO) for p in payloads]


def decoded_without(payload: bytes, span: Sequence[int] | None) -> FileDescriptorProto:
    """The file of ``payload`` without the source info at ``span`` (see :func:`spans`)."""
    if span is None:
        return FileDescriptorProto.FromString(payload)
    # parsed in two parts, as protobuf merges a message's fields read in parts: the bytes around
    # the source info are not copied into one (protobuf reads any buffer; its stubs say bytes)
    start, end = span
    view = memoryview(payload)
    f = FileDescriptorProto.FromString(view[:start])  # type: ignore[arg-type]
    if end < len(payload):
        f.MergeFromString(view[end:])  # type: ignore[arg-type]
    return f


def with_source_info(f: FileDescriptorProto, encoded: bytes | None) -> FileDescriptorProto:
    """``f`` with its source info, read in from ``encoded`` (its bytes as read) if it was decoded
    without it."""
    if encoded is not None and not f.HasField("source_code_info"):
        span = field_span(encoded, SOURCE_CODE_INFO)
        if span is not None:
            f.MergeFromString(encoded[span[0]:span[1]])
    return f
