"""An image from its bytes in any of buf's encodings: binary, JSON, text format, YAML.

buf writes its images as ``buf.alpha.image.v1.Image``: a ``FileDescriptorSet`` whose files carry
``buf_extension`` (field 8042) marking imports. The binary and JSON readers of :mod:`.image`
honour it; the text format is read through a message type that has the field, then re-encoded.
"""

from __future__ import annotations

import json
from functools import cache

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format
from google.protobuf.message import DecodeError, EncodeError, Message

from ..errors import ProtopactError
from .image import Image, image_from_bytes, image_from_json


def image_of(data: bytes, format_: str, label: str) -> Image:
    """The image ``data`` holds in ``format_`` (one of :data:`.refs.IMAGE_FORMATS`)."""
    if format_ in ("binpb", "bin", "bingz"):
        return image_from_bytes(data, label=label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtopactError(f"{label}: not a valid {format_} image: invalid UTF-8") from None
    if format_ == "txtpb":
        return image_from_bytes(_text_to_binary(text, label), label=label)
    if format_ == "yaml":
        import yaml  # only YAML images need it here

        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ProtopactError(f"{label}: not a valid yaml image: "
                                 f"{' '.join(str(exc).split())}") from None
        text = json.dumps(loaded if loaded is not None else {})
    return image_from_json(text, label=label)


def _text_to_binary(text: str, label: str) -> bytes:
    image = _image_type()()
    try:
        text_format.Parse(text, image)
        return image.SerializeToString()
    except (text_format.ParseError, EncodeError, DecodeError, RecursionError) as exc:
        reason = " ".join(str(exc).split()) or "nested too deeply"
        raise ProtopactError(f"{label}: not a valid txtpb image: {reason}") from None


@cache
def _image_type() -> type[Message]:
    """buf's ``Image`` message: ``FileDescriptorSet`` with ``ImageFile`` s that have
    ``buf_extension`` (``is_import``; the extension's other fields are left unknown)."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(descriptor_pb2.DESCRIPTOR.serialized_pb)
    proto = descriptor_pb2.FileDescriptorProto(
        name="buf/alpha/image/v1/image.proto", package="buf.alpha.image.v1", syntax="proto2",
        dependency=[descriptor_pb2.DESCRIPTOR.name])
    extension = proto.message_type.add(name="ImageFileExtension")
    _field(extension, "is_import", 1, descriptor_pb2.FieldDescriptorProto.TYPE_BOOL)
    _field(extension, "is_syntax_unspecified", 3, descriptor_pb2.FieldDescriptorProto.TYPE_BOOL)
    repeated = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
    _field(extension, "unused_dependency", 4, descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
           label=repeated)
    image_file = proto.message_type.add()
    descriptor_pb2.FileDescriptorProto.DESCRIPTOR.CopyToProto(image_file)
    image_file.name = "ImageFile"
    for field in image_file.field:  # the copy's relative type names, made absolute
        if field.type_name and not field.type_name.startswith("."):
            field.type_name = f".google.protobuf.{field.type_name}"
    _field(image_file, "buf_extension", 8042, descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
           type_name=".buf.alpha.image.v1.ImageFileExtension")
    image = proto.message_type.add(name="Image")
    _field(image, "file", 1, descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE, label=repeated,
           type_name=".buf.alpha.image.v1.ImageFile")
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("buf.alpha.image.v1.Image"))


def _field(message: descriptor_pb2.DescriptorProto, name: str, number: int, type_: int, *,
           label: int = descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
           type_name: str = "") -> None:
    field = message.field.add(name=name, number=number, type=type_, label=label, json_name=name)
    if type_name:
        field.type_name = type_name
