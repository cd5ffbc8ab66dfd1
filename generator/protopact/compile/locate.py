"""Source info for a few files of an image compiled without it.

A file's source info depends on its text alone, its descriptor on its text and its imports. So a
file of an image compiled without source info gets it by compiling it again with source info, the
workspace's other files it imports read as the descriptors the image holds and the dependencies'
served as a full compile serves them: the file a full compile with source info gives. Its
descriptor is checked to be the image's, so a file edited since fails loudly.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ..deps.model import Resolution
from ..errors import ProtopactError
from .build import source_of
from .columns import to_buf_columns
from .image import Image, decoded_files, encode_set
from .protoc import run_protoc


_LATER = ContextVar("located_later", default="")


@contextmanager
def located_later(*, anywhere: bool = False) -> Iterator[None]:
    """Within, a compile leaves source info out (see :func:`.build.compile_listing`) where its
    files stay at hand to be located later (a directory, a local git repository), or
    ``anywhere``: for a command that shows the locations of a few files only (``breaking``
    places findings on a few files of its input, never on the baseline) or of none (``format``
    needs protoc's verdict alone, and reads the files again as text)."""
    token = _LATER.set("anywhere" if anywhere else "at hand")
    try:
        yield
    finally:
        _LATER.reset(token)


def bare(at_hand: bool) -> bool:
    """Whether a compile leaves source info out, its files staying ``at_hand`` or not."""
    later = _LATER.get()
    return later == "anywhere" or (later == "at hand" and at_hand)


@dataclass(frozen=True)
class Origin:
    """The workspace of an image compiled without source info."""

    own: frozenset[str]  # its files, by import path
    texts: Callable[[Sequence[str]], Mapping[str, bytes]]  # their text, by import path


def located(image: Image, names: Collection[str], origin: Origin, resolution: Resolution,
            ) -> Image:
    """``image`` with its files ``names`` compiled again with source info; ``resolution``
    serves the dependencies."""
    wanted = [f.name for f in image.files if f.name in names]
    if not wanted:
        return image
    imported = image.with_imports(wanted).difference(wanted)
    # protoc reads a dependency's source root before a descriptor: a workspace file that one
    # also holds is given as text, as the workspace's module roots come first in a full compile
    sourced = {n for d in resolution.dependencies for n in d.contents.sources}
    written = [n for n in wanted if n in origin.own]
    written += [n for n in imported if n in origin.own and n in sourced]
    texts = origin.texts(written)
    reused = [f for f in image.files if f.name in imported and f.name in origin.own
              and f.name not in texts]
    descriptors = (resolution.descriptor_set(beside=origin.own)
                   + encode_set(image.file_bytes(f) for f in reused))
    roots = resolution.include_path([])
    with tempfile.TemporaryDirectory(prefix="protopact-located-") as tmp:
        for name, text in texts.items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as out:
                out.write(text)
        on_disk = {os.path.join(tmp, n): n for n in texts}
        run = run_protoc([Path(tmp), *roots], wanted,
                         shown=lambda p: image.shown(on_disk.get(p, p)), sources=texts,
                         descriptor_set=descriptors)
    compiled, _, _ = decoded_files(run.files)
    found = {f.name: f for f in compiled if f.name in names}
    for name in wanted:
        _check(found[name], image.by_name[name], image.shown(name))
        source = texts[name] if name in texts else source_of(name, roots)
        if source is not None:
            to_buf_columns(found[name], source)
    files = tuple(found.get(f.name, f) for f in image.files)
    encoded = {n: data for n, data in image.encoded.items() if n not in found}
    return Image(files, image.targets, image.shown_paths, encoded, image.clashes)


def _check(with_info: FileDescriptorProto, without: FileDescriptorProto, shown: str) -> None:
    bare = FileDescriptorProto()
    bare.CopyFrom(with_info)
    bare.ClearField("source_code_info")
    if bare.SerializeToString(deterministic=True) != without.SerializeToString(deterministic=True):
        raise ProtopactError(f"{shown}: changed while it was checked; run again")
