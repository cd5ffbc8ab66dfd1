"""Completing an image that lacks some of its imports (``build --exclude-imports``, a cut image).

Lint, breaking and build read such an image as it is. Commands that need every descriptor (generate,
docs, changelog, the servers) complete it first: the missing files are compiled from the include path
(the workspace's modules, then protopact's building blocks, googleapis and the well-known types) or
taken from the descriptors that dependencies serve without sources, and an import found nowhere is an error that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from google.protobuf import descriptor_pb2

from ..errors import ProtopactError, escaped
from .image import Image, decoded_files
from .order import dependencies_first
from .protoc import run_protoc
from .validation import image_problem


def missing_imports(image: Image) -> list[str]:
    """The files that files of ``image`` import and ``image`` lacks, sorted."""
    return sorted({d for f in image.files for d in f.dependency if d not in image.by_name})


def with_imports(image: Image, include_roots: Sequence[Path], *, label: str,
                 descriptor_set: bytes = b"") -> Image:
    """``image`` with its missing imports compiled from ``include_roots`` or taken from
    ``descriptor_set`` (a FileDescriptorSet), as imports, not targets."""
    missing = missing_imports(image)
    if not missing:
        return image
    described = {f.name for f in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file}
    nowhere = [m for m in missing
               if m not in described and not any(_is_file(root / m) for root in include_roots)]
    if nowhere:
        importers = sorted(f.name for f in image.files if nowhere[0] in f.dependency)
        more = f" (and {len(nowhere) - 1} more)" if len(nowhere) > 1 else ""
        raise ProtopactError(f"{label}: the image lacks {nowhere[0]}{more}, which {importers[0]} "
                             "imports, and the include path has no such file; build the image "
                             "with its imports")
    compiled, _, encoded = decoded_files(run_protoc(
        include_roots, missing, shown=str, sources={},
        descriptor_set=descriptor_set).files)
    added = [f for f in compiled if f.name not in image.by_name]
    files = _in_dependency_order([*added, *image.files])
    completed = Image(files, image.targets, image.shown_paths,
                      {**{f.name: encoded[f.name] for f in added}, **image.encoded})
    # The image's files that needed the missing ones could not be checked without them.
    problem = image_problem([completed.file_bytes(f) for f in files], [f.name for f in files])
    if problem is not None:
        raise ProtopactError(f"{label}: not a valid image with its imports: {escaped(problem)}")
    return completed


def _in_dependency_order(
    files: Sequence[descriptor_pb2.FileDescriptorProto],
) -> tuple[descriptor_pb2.FileDescriptorProto, ...]:
    """``files`` with each after the files it imports, otherwise in the given order."""
    by_name: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for f in files:
        by_name.setdefault(f.name, f)
    order = dependencies_first(by_name, lambda n: (d for d in by_name[n].dependency if d in by_name))
    return tuple(by_name[n] for n in order)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the system, or holding a NUL
        return False
