"""``CodeGeneratorResponse`` with each file's ``content`` as bytes.

``content`` is a proto2 ``string``: protoc and buf carry it as raw bytes, but Python's protobuf
refuses bytes that are not UTF-8, which a plugin may well write (the Python package's embedded
descriptor set). The same message, declared with ``content`` of type ``bytes`` in a private pool,
reads and writes exactly the same wire format and carries any bytes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.compiler import plugin_pb2


@cache
def response_class() -> Any:
    """The message class of ``google.protobuf.compiler.CodeGeneratorResponse``, content as bytes."""
    plugin = descriptor_pb2.FileDescriptorProto()
    plugin_pb2.DESCRIPTOR.CopyToProto(plugin)
    response = next(m for m in plugin.message_type if m.name == "CodeGeneratorResponse")
    entry = next(m for m in response.nested_type if m.name == "File")
    content = next(f for f in entry.field if f.name == "content")
    content.type = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
    pool = descriptor_pool.DescriptorPool()
    described = descriptor_pb2.FileDescriptorProto()
    descriptor_pb2.DESCRIPTOR.CopyToProto(described)
    pool.Add(described)
    pool.Add(plugin)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName("google.protobuf.compiler.CodeGeneratorResponse"))
