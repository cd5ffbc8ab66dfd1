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
from pathlib import Path
from typing import NamedTuple

from google.protobuf.descriptor_pb2 import FileDescriptorProto, SourceCodeInfo
from google.protobuf.message import DecodeError

from ..deps.model import Resolution
from ..errors import ProtopactError
from .build import source_of, toolchain
from .cache import Cache, cache_key, digest_of
from .columns import to_buf_columns
from .image import Image, decoded_files, encode_set
from .protoc import run_protoc
from .workspace import blob_id

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


class Origin(NamedTuple):
    """The workspace of an image compiled without source info."""

    texts: Callable[[Sequence[str]], Mapping[str, bytes]]  # its files' text, by import path
    digests: Mapping[str, str]  # the blob ids of the texts the image was compiled from, by the same
    cache: Cache  # holds the source info of files located before


def located(image: Image, names: Collection[str], origin: Origin, resolution: Resolution,
            ) -> Image:
    """``image`` with its files ``names`` compiled again with source info; ``resolution``
    serves the dependencies. A workspace file whose source info the cache holds for its text,
    the text the image was compiled from, takes it from there."""
    wanted = [f.name for f in image.files if f.name in names]
    if not wanted:
        return image
    own = origin.texts([n for n in wanted if n in origin.digests])
    found = _stored(image, own, origin)
    rest = [n for n in wanted if n not in found]
    if rest:
        compiled = _compiled(image, rest, own, origin, resolution)
        for name, text in own.items():
            if name in compiled:
                origin.cache.write_entry(_KIND, _key(image, name, text),
                                         compiled[name].source_code_info.SerializeToString())
        origin.cache.bound(_KIND, _LIMIT)
        found.update(compiled)
    files = tuple(found.get(f.name, f) for f in image.files)
    encoded = {n: data for n, data in image.encoded.items() if n not in found}
    return Image(files, image.targets, image.shown_paths, encoded, image.clashes)


_KIND = "located"
_LIMIT = 2**26  # bytes of located files' source info kept, the least recently used removed first


def _key(image: Image, name: str, text: bytes) -> str:
    # A file's source info (columns as buf counts them) depends on its text, and on its imports
    # only through what its descriptor holds: a custom option's location names the extension's
    # number, which an import defines.
    return cache_key({"toolchain": toolchain(), "name": name, "text": blob_id(text),
                      "descriptor": digest_of(image.file_bytes(image.by_name[name]))})


def _stored(image: Image, own: Mapping[str, bytes], origin: Origin,
            ) -> dict[str, FileDescriptorProto]:
    """The files of ``own`` whose source info the cache holds, for the text the image was
    compiled from."""
    found: dict[str, FileDescriptorProto] = {}
    for name, text in own.items():
        if blob_id(text) != origin.digests.get(name):
            continue  # edited since: compiled again, which says so
        data = origin.cache.read_entry(_KIND, _key(image, name, text))
        if data is None:
            continue
        try:
            info = SourceCodeInfo.FromString(data)
        except DecodeError:
            continue
        with_info = FileDescriptorProto()
        with_info.CopyFrom(image.by_name[name])
        with_info.source_code_info.CopyFrom(info)
        found[name] = with_info
    return found


def _compiled(image: Image, wanted: Sequence[str], own: Mapping[str, bytes], origin: Origin,
              resolution: Resolution) -> dict[str, FileDescriptorProto]:
    """The files ``wanted`` compiled with source info; ``own`` holds the text of those of them
    the workspace has."""
    imported = image.with_imports(wanted).difference(wanted)
    # protoc reads a dependency's source root before a descriptor: a workspace file that one
    # also holds is given as text, as the workspace's module roots come first in a full compile
    sourced = {n for d in resolution.dependencies for n in d.contents.sources}
    texts = {n: own[n] for n in wanted if n in own}
    texts.update(origin.texts([n for n in imported if n in origin.digests and n in sourced]))
    reused = [f for f in image.files if f.name in imported and f.name in origin.digests
              and f.name not in texts]
    descriptors = (resolution.descriptor_set(beside=frozenset(origin.digests))
                   + encode_set(image.file_bytes(f) for f in reused))
    roots = resolution.include_path([])
    with tempfile.TemporaryDirectory(prefix="protopact-located-") as tmp:
        for name, text in texts.items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as out:
                out.write(text)
        on_disk = {os.path.join(tmp, n): n for n in texts}
        run = run_protoc([Path(tmp), *roots], list(wanted),
                         shown=lambda p: image.shown(on_disk.get(p, p)), sources=texts,
                         descriptor_set=descriptors)
    compiled, _, _ = decoded_files(run.files)
    chosen = set(wanted)
    found = {f.name: f for f in compiled if f.name in chosen}
    for name in wanted:
        _check(found[name], image.by_name[name], image.shown(name))
        source = texts[name] if name in texts else source_of(name, roots)
        if source is not None:
            to_buf_columns(found[name], source)
    return found


def _check(with_info: FileDescriptorProto, without: FileDescriptorProto, shown: str) -> None:
    bare = FileDescriptorProto()
    bare.CopyFrom(with_info)
    bare.ClearField("source_code_info")
    if bare.SerializeToString(deterministic=True) != without.SerializeToString(deterministic=True):
        raise ProtopactError(f"{shown}: changed while it was checked; run again")
