"""Server reflection for the mock, as ``grpc.reflection.v1`` and ``grpc.reflection.v1alpha``.

Clients differ in the version they ask for first (``buf curl`` and ``grpcurl`` try v1, older tools
only know v1alpha), and grpcio-reflection serves v1alpha alone. The two protocols are the same
messages under another package, field for field, so one servicer answers both: v1 calls are decoded
with v1alpha's classes, and the pool reflection reads holds a v1 copy of the reflection file, so
``grpc.reflection.v1.ServerReflection`` resolves like every service it lists.
"""

from __future__ import annotations

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_health.v1 import health, health_pb2
from grpc_reflection.v1alpha import reflection, reflection_pb2

from ..compile.image import Image

V1_SERVICE = "grpc.reflection.v1.ServerReflection"
SERVICE_NAMES = (reflection.SERVICE_NAME, V1_SERVICE)


def enable(server: grpc.aio.Server, image: Image, services: list[str]) -> None:
    """Serve reflection of ``services`` (and of health and reflection itself) over ``image``'s files."""
    servicer = reflection.aio.ReflectionServicer(
        [*services, health.SERVICE_NAME, *SERVICE_NAMES], pool=_pool(image))
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        name, {"ServerReflectionInfo": handler}) for name in SERVICE_NAMES])


def _pool(image: Image) -> descriptor_pool.DescriptorPool:
    """The Image's files plus the health and reflection protos, so every listed service resolves."""
    pool = descriptor_pool.DescriptorPool()
    for f in image.files:
        pool.Add(f)
    for proto in (_file(health_pb2), _file(reflection_pb2), _v1(_file(reflection_pb2))):
        if proto.name not in image.by_name:
            pool.Add(proto)
    return pool


def _file(module: object) -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(proto)  # type: ignore[attr-defined]
    return proto


def _v1(alpha: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """``grpc/reflection/v1/reflection.proto``: v1alpha's file under v1's name and package."""
    proto = descriptor_pb2.FileDescriptorProto()
    proto.CopyFrom(alpha)
    proto.name = "grpc/reflection/v1/reflection.proto"
    proto.package = "grpc.reflection.v1"
    old, new = f".{alpha.package}.", f".{proto.package}."
    for message in proto.message_type:
        for field in message.field:
            if field.type_name.startswith(old):
                field.type_name = new + field.type_name[len(old):]
    for service in proto.service:
        for method in service.method:
            method.input_type = new + method.input_type[len(old):]
            method.output_type = new + method.output_type[len(old):]
    return proto
