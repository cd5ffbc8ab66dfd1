"""Images that import ``buf/validate/validate.proto``, compiled against the descriptor the installed
``protovalidate`` distribution carries (it ships generated code, not ``.proto`` sources)."""

from __future__ import annotations

import ast
from pathlib import Path

from google.protobuf import descriptor_pb2, duration_pb2, field_mask_pb2, timestamp_pb2
from grpc_tools import protoc

from protopact.compile.image import Image, image_from_bytes


def validate_proto_set() -> descriptor_pb2.FileDescriptorSet:
    """``validate.proto`` and the well-known files it imports, as one descriptor set."""
    from protovalidate._gen.buf.validate import validate_pb

    tree = ast.parse(Path(validate_pb.__file__).read_text())
    literal = next(node.args[0] for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and getattr(node.func, "id", "") == "file_desc")
    out = descriptor_pb2.FileDescriptorSet()
    for module in (descriptor_pb2, duration_pb2, field_mask_pb2, timestamp_pb2):
        module.DESCRIPTOR.CopyToProto(out.file.add())
    out.file.add().ParseFromString(ast.literal_eval(literal))
    return out


def validated_image(root: Path, files: dict[str, str]) -> Image:
    """Compile ``files`` (written under ``root``) with ``validate.proto`` importable; the image
    holds every file, the written ones as targets."""
    deps = root / "validate.binpb"
    deps.write_bytes(validate_proto_set().SerializeToString())
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    out = root / "image.binpb"
    code = protoc.main(["protoc", f"--descriptor_set_in={deps}", f"-I{root}",
                        "--include_imports", "--include_source_info",
                        f"--descriptor_set_out={out}", *sorted(files)])
    assert code == 0, f"protoc failed on {sorted(files)}"
    image = image_from_bytes(out.read_bytes(), label=str(out))
    return image.with_targets(files)
