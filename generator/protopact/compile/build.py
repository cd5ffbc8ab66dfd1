"""Compiling a listed workspace into an Image, through the cache.

The cache key covers every module file (targets may import any of them), the toolchain's versions
and what each dependency resolved to (:mod:`protopact.deps`: protopact's own building blocks and the
libraries included), so a hit never needs the files on disk: a git baseline that is already cached
is not even extracted, and no dependency is read. An incremental compile puts on disk only the files
it does not reuse.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from .. import __version__
from ..config.bufyaml import Module, Workspace
from ..deps import resolve
from ..deps.missing import explained, undeclared
from ..deps.model import Resolution
from ..errors import ProtopactError
from ..versions import code_stamp, grpcio_tools, protobuf
from . import dependent_texts, incremental, sourceinfo
from .cache import Cache, cache_key
from .columns import to_buf_columns
from .extension_numbers import taken_twice
from .image import Decoded, Image, decoded_ahead, decoded_files
from .protoc import Protoc, begin, run_protoc
from .workspace import ListedFile, check_unique, read_source


class NotCached(Exception):
    """A compile the cache does not hold, under :func:`cached_only`."""


_CACHED_ONLY = ContextVar("cached_only", default=False)


@contextmanager
def cached_only() -> Iterator[None]:
    """Within, a compile the cache does not hold raises :class:`NotCached` before anything is
    compiled or put on disk."""
    token = _CACHED_ONLY.set(True)
    try:
        yield
    finally:
        _CACHED_ONLY.reset(token)


# Set while a compile without source info is asked for protoc's verdict alone (see verdict_only)
_VERDICT = ContextVar("verdict_only", default=False)


@contextmanager
def verdict_only() -> Iterator[None]:
    """Within, a compile without source info serves protoc's verdict alone (``format``, which
    reads the files again as text): protoc keeps the options of source retention in its output
    instead of stripping them, a fifth of its work (callgrind, an eighth of the benchmark corpus:
    11.4 G instructions, 9.3 G without stripping). Its image then differs from a full compile's
    where a file declares such options (``descriptor.proto`` does), so it is cached under a key of
    its own and offers its files to no other kind of compile; it takes any compile's."""
    token = _VERDICT.set(True)
    try:
        yield
    finally:
        _VERDICT.reset(token)


@cache
def toolchain() -> dict[str, str]:
    # "columns": images hold buf's source columns (see .columns); older entries hold protoc's.
    # "deps": imports come from the dependency resolver (protoc reads some as descriptors).
    return {"protopact": __version__, "code": code_stamp(), "columns": "buf", "imports": "deps",
            "grpcio-tools": grpcio_tools(), "protobuf": protobuf()}


# Yields a directory holding the workspace's files (at least those given; None: the whole tree).
Materialize = Callable[[Sequence[ListedFile] | None], AbstractContextManager[Path]]
# The bytes of the files given, by workspace path, read without putting them on disk.
Read = Callable[[Sequence[ListedFile]], Mapping[str, bytes]]


def compile_listing(
    *,
    workspace: Workspace,
    files: Sequence[ListedFile],
    target_modules: Sequence[Module],
    within: str,
    cache_: Cache,
    materialize: Materialize | None = None,
    read: Read | None = None,
    shown: Callable[[ListedFile], str],
    label: str,
    place: str,
    project: Path | None = None,
    texts: Mapping[str, bytes] | None = None,
    source_info: bool = True,
) -> Image:
    """Compile the files of ``target_modules`` found under ``within`` (a workspace-relative path).

    ``materialize`` puts the workspace's files on disk and ``read`` reads some without doing so
    (default: they are under ``workspace.root``); ``project``'s ``pyproject.toml`` may say where
    dependencies come from.
    ``place`` names where the files come from (a directory, a repository): its previous compile,
    found in the cache, and this process's latest compiles offer the files that did not change
    (see :mod:`.incremental`); only the others are materialized. ``texts`` holds files' bytes as
    read for their digests, by workspace path: the compile reads those from there, so that what
    it compiles is what the digests (the cache key) say.

    Without ``source_info`` the files carry none (protoc spends a quarter of its time on it, and
    reading its output as much again): for a command that needs the locations of a few files only
    (see :mod:`.locate`) or of none (``format``). An image this refuses is compiled again with
    source info, to show where.
    """
    check_unique(files)
    targets = listed_targets(files, target_modules, within)
    if not targets:
        raise ProtopactError(f"{label}: no .proto files found")
    shown_paths = {f.name: shown(f) for f in files}
    resolution = resolve(workspace, project)
    base = {"toolchain": toolchain(), "deps": resolution.fingerprint()}
    described = {**base, "modules": [m.path for m in workspace.modules],
                 "files": [[f.module, f.name, f.digest] for f in files],
                 "targets": [f.name for f in targets]}
    retained = _retained(source_info)
    bare = {**described, "source_info": False}
    key = cache_key(described if source_info else {**bare, "options": "retained"} if retained
                    else bare)
    text_key = incremental.text_keys(cache_key(base), {f.name: f.digest for f in files})
    compiled = _cached(cache_, key, source_info, retained)
    if compiled is None and retained:  # one whose options were stripped serves as well
        compiled = _cached(cache_, cache_key(bare), False, retained)
    if compiled is None and not source_info:  # one with source info serves as well
        compiled = _cached(cache_, cache_key(described), True, retained)
    if compiled is None and _CACHED_ONLY.get():
        raise NotCached(label)
    if compiled is None:
        # the latest compile of each kind is kept: one without source info offers nothing to
        # one with it
        latest_of = place if source_info else f"{place} without source info" + \
            (", options retained" if retained else "")
        latest = cache_.latest(latest_of)
        donors = [d for d in [*incremental.recent(),
                              *([replace(latest, source_info=source_info,
                                         options_retained=retained)] if latest else [])]
                  if (d.source_info or not source_info) and (retained or not d.options_retained)]
        offers, stale = incremental.reusable(donors, text_key)
        job = _Job(workspace, files, targets, resolution, shown_paths,
                   materialize or (lambda _files: nullcontext(workspace.root)), read, texts or {},
                   source_info, retained, cache_, place)
        image = (job.changed(offers, stale, donors) if offers or stale else None) or job.full()
        extensions = incremental.extensions_of(image.files, donors, _by_name(files, texts or {}))
        compiled = incremental.Compiled(
            image, incremental.closure_keys(image.files, text_key, offers),
            taken_twice(image.files, extensions, image.encoded), extensions,
            deferred=sourceinfo.deferred(),  # it may hold files a deferring donor gave
            source_info=source_info, options_retained=retained, key=key)
        cache_.put(key, compiled, place=latest_of)
    incremental.remember(compiled)
    image = Image(compiled.image.files, compiled.image.targets, shown_paths, compiled.image.encoded,
                  compiled.clashes)
    refused = undeclared(image, resolution, workspace, shown_paths)
    if not compiled.source_info and (refused is not None or image.clashes):
        return compile_listing(workspace=workspace, files=files, target_modules=target_modules,
                               within=within, cache_=cache_, materialize=materialize, read=read,
                               shown=shown, label=label, place=place, project=project,
                               texts=texts)
    if refused is not None:
        raise refused
    return image


def begin_listing(*, workspace: Workspace, files: Sequence[ListedFile],
                  target_modules: Sequence[Module], within: str, project: Path | None,
                  source_info: bool) -> None:
    """protoc begun (see :func:`.protoc.begin`) on the full compile of a directory's files that
    :func:`compile_listing` runs when nothing is reused, before their digests are known (the
    cache may still hold the compile: the run is then killed)."""
    targets = listed_targets(files, target_modules, within)
    if not targets:
        return
    resolution = resolve(workspace, project)
    begin(_include_path(resolution, workspace, workspace.root), [f.name for f in targets],
          descriptor_set=resolution.descriptor_set(beside=frozenset(f.name for f in files)),
          source_info=source_info, retain_options=_retained(source_info))


def _retained(source_info: bool) -> bool:
    """Whether protoc keeps the options of source retention (see :func:`verdict_only`)."""
    return not source_info and _VERDICT.get()


def _include_path(resolution: Resolution, workspace: Workspace, root: Path) -> list[Path]:
    """protoc's include path for the workspace's files under ``root``."""
    return resolution.include_path(_module_roots(workspace, root))


def _module_roots(workspace: Workspace, root: Path) -> list[Path]:
    return [root / m.path for m in workspace.modules]


def listed_targets(files: Sequence[ListedFile], target_modules: Sequence[Module],
                   within: str) -> list[ListedFile]:
    """The files of ``target_modules`` under ``within``, by import path (buf orders an image by
    import path across all modules, each file after its imports)."""
    module_paths = {m.path for m in target_modules}
    return sorted((f for f in files
                   if f.module in module_paths and _under(f.workspace_path, within)),
                  key=lambda f: f.name)


def _cached(cache_: Cache, key: str, source_info: bool, retained: bool = False,
            ) -> incremental.Compiled | None:
    """The compile cached under ``key``, as carrying source info or not, and as a verdict's
    (``retained``: see :func:`verdict_only`) or not."""
    found = cache_.get(key)
    return None if found is None else replace(found, source_info=source_info,
                                              options_retained=retained)


@dataclass(frozen=True)
class _Job:
    """One compile of a workspace."""

    workspace: Workspace
    files: Sequence[ListedFile]
    targets: Sequence[ListedFile]
    resolution: Resolution
    shown_paths: Mapping[str, str]
    materialize: Materialize
    read: Read | None  # None: the files are under the materialized root
    texts: Mapping[str, bytes]  # by workspace path, as read for the files' digests
    source_info: bool
    retain_options: bool  # a verdict's compile (see verdict_only)
    # keep the texts of the dependents looked at (see .dependent_texts) by where the files come
    # from, whether compiled with source info or without
    cache: Cache
    place: str

    def full(self) -> Image:
        with self.materialize(None) as root:
            sources = {f.name: self._text(root, f) for f in self.targets}
            files, encoded = self._compile(root, self._include(root),
                                           [f.name for f in self.targets], b"", frozenset(), sources)
        return Image(tuple(files), frozenset(f.name for f in self.targets), encoded=encoded)

    def changed(self, offers: Mapping[str, incremental.Offer],
                stale: Mapping[str, incremental.Offer],
                donors: Sequence[incremental.Compiled]) -> Image | None:
        """The image compiled reusing ``offers`` and, where they compile as before, ``stale``
        (see :func:`incremental.reusable`); None when a full compile is needed."""
        served = frozenset(n for d in self.resolution.dependencies for n in d.contents.sources)
        by_name = {f.name: f for f in self.files}
        worth = incremental.worth_reusing([f.name for f in self.targets], by_name, served, offers,
                                          stale)
        if worth is None:
            return None
        usable, maybe = worth
        # the dependents that may compile as before are read, not put on disk: after an edit of
        # a widely imported file, thousands of them are, and most stay as they were
        needed = [f for f in self.files if f.name not in usable and f.name not in maybe]
        with self.materialize(needed) as root, dependent_texts.texts_of(
                self.cache, self.place, [f for f in self.files if f.name in maybe],
                lambda missing: self._read(root, missing)) as looked_at:
            module_roots = _module_roots(self.workspace, root)
            dependency_roots = self._include(root)[len(module_roots):]

            def compile_(include: Sequence[Path], names: Sequence[str], reused: bytes,
                         reused_names: frozenset[str],
                         ) -> tuple[list[FileDescriptorProto], dict[str, bytes]]:
                sources = {n: self._text(root, by_name[n], looked_at) for n in names}
                return self._compile(root, include, names, reused, reused_names, sources)

            return incremental.compile_changed(
                targets=[f.name for f in self.targets],
                on_disk={f.name: root / f.workspace_path for f in needed},
                in_memory=looked_at,
                dependency_roots=dependency_roots, offers=usable, stale=maybe,
                donors=donors, imports=incremental.known_imports(donors),
                compile_=compile_)

    def _text(self, root: Path, f: ListedFile, read: Mapping[str, bytes] | None = None) -> bytes:
        """``f``'s bytes (see :meth:`_bytes`), which must be UTF-8."""
        return _utf8(self._bytes(root, f, read), self.shown_paths[f.name])

    def _bytes(self, root: Path, f: ListedFile, read: Mapping[str, bytes] | None = None) -> bytes:
        """``f``'s bytes as read for its digest or among the dependents' (``read``, by import
        path), else as under ``root``."""
        data = self.texts.get(f.workspace_path)
        if data is None and read is not None:
            data = read.get(f.name)
        # a path joined as a string: thousands of dependents are read after a hub edit
        return read_source(os.path.join(root, f.workspace_path), self.shown_paths[f.name]) \
            if data is None else data

    def _read(self, root: Path, files: Sequence[ListedFile]) -> Mapping[str, bytes]:
        """The bytes of ``files`` by workspace path, read without putting them on disk."""
        if self.read is not None:
            return self.read(files)
        return {f.workspace_path: self._bytes(root, f) for f in files}

    def _include(self, root: Path) -> list[Path]:
        return _include_path(self.resolution, self.workspace, root)

    def _compile(self, root: Path, include: Sequence[Path], names: Sequence[str], reused: bytes,
                 reused_names: frozenset[str], sources: Mapping[str, bytes],
                 ) -> tuple[list[FileDescriptorProto], dict[str, bytes]]:
        """protoc's files for ``names`` (imports served by ``include``, the dependencies and the
        set ``reused``), columns as buf counts them, and their bytes where protoc's are kept."""
        @cache
        def disk_to_shown() -> dict[str, str]:  # for protoc's diagnostics only: built when needed
            return {str(root / f.workspace_path): self.shown_paths[f.name] for f in self.files}

        beside = frozenset(self.shown_paths) | reused_names

        ahead: dict[bytes, Decoded] = {}

        def protoc(whole: bool) -> Protoc:
            try:
                return run_protoc(
                    include, names,
                    shown=lambda p: disk_to_shown().get(p) or self.shown_paths.get(p, p),
                    sources=sources,
                    descriptor_set=self.resolution.descriptor_set(beside=beside) + reused,
                    whole=whole,
                    source_info=self.source_info,
                    retain_options=self.retain_options,
                    ended_first=lambda files: ahead.update(decoded_ahead(files)),
                )
            except ProtopactError as exc:
                raise explained(exc, self.resolution, self.workspace) from None

        run = protoc(whole=False)
        compiled, _, encoded = decoded_files(run.files, ahead)
        if run.apart and incremental.collides(compiled, run.apart):
            # a name defined in both halves: one run reports it, in protoc's words
            protoc(whole=True)
        for file in compiled if self.source_info else ():
            source = sources.get(file.name) or source_of(file.name, include)
            if source is not None and to_buf_columns(file, source):
                del encoded[file.name]
        return compiled, encoded


def _by_name(files: Sequence[ListedFile], texts: Mapping[str, bytes]) -> dict[str, bytes]:
    """``texts`` (by workspace path) by the import paths of ``files``."""
    return {f.name: texts[f.workspace_path] for f in files if f.workspace_path in texts}


def _under(path: str, within: str) -> bool:
    return within == "." or path == within or path.startswith(within.rstrip("/") + "/")


def source_of(name: str, include: Sequence[Path]) -> bytes | None:
    """The text protoc compiled for an imported file: the first include root that has it."""
    for root in include:
        path = root / name
        if path.is_file():
            return path.read_bytes()
    return None


def _utf8(data: bytes, shown: str) -> bytes:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ProtopactError(f"{shown}:{line}:{column}: invalid UTF-8 encoding") from None
    return data
