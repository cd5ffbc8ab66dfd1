"""Turning an INPUT argument into an :class:`Input`: an Image plus the config that governs it.

INPUT is any reference buf reads (see :mod:`.refs`): a directory (default ``.``), a ``.proto`` file,
an image (binary, JSON, text or YAML, compressed or not, local, downloaded or on standard input), an
archive (tar or zip, local or downloaded), a git repository; or an installed generated package
(``pkg:NAME``) or a wheel of one (generated packages embed ``descriptor_set.binpb``). Archives and
directories are read by the same code, so each is laid out by its own ``buf.yaml``.

The code that reads git, archives, images and wheels is imported by the branch that reads one: a
directory, the input of nearly every run, then pays nothing for them at start-up (git, tarfile,
gzip and the image formats took about 10 ms to import).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..config.buflock import LOCK_NAME
from ..config.bufyaml import (
    CONFIG_NAMES,
    WORK_NAMES,
    Module,
    Workspace,
    default_workspace,
    find_config,
    load_workspace,
)
from ..config.yamlparse import kept_in
from ..deps import resolve
from ..deps.local import EMBEDDED_IMAGE, embedded_image
from ..errors import ProtopactError
from . import refs
from .build import (NotCached, Read, begin_listing, cached_only, compile_listing,
                    listed_targets)
from .cache import Cache
from .digests import known_digests, listed_before
from .extension_numbers import refusal
from .image import Image, image_from_bytes
from .imports import with_imports
from .locate import Origin, bare, located
from .protoc import may_begin
from .workspace import (ListedFile, blob_id, check_modules, discover, list_directory,
                        read_source, targets_for)

if TYPE_CHECKING:
    from .git import GitInput

# A control character in an INPUT is never meant, and would break the one line naming it (a NUL
# cannot even reach the system or git).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# Called with a directory's targets once they are listed, before they are compiled (see listed)
_ON_LISTING: ContextVar[Callable[[Input], None] | None] = ContextVar("on_listing", default=None)


@contextmanager
def listed(hook: Callable[[Input], None]) -> Iterator[None]:
    """Within, a directory's files, once listed, go to ``hook`` before they are compiled: an Input
    with the targets and their paths but no descriptors yet (``image.files`` is empty), so work on
    the sources can go on beside protoc. The compile may still refuse them."""
    token = _ON_LISTING.set(hook)
    try:
        yield
    finally:
        _ON_LISTING.reset(token)


@dataclass(frozen=True)
class Input:
    """An Image with its workspace config; ``module_of`` maps target files to their module."""

    image: Image
    workspace: Workspace
    module_of: Mapping[str, Module] = field(default_factory=dict)
    project: Path | None = None  # whose pyproject.toml may say where dependencies come from
    # where the files of a workspace that stays at hand come from, for those of them compiled
    # without source info (see :func:`.locate.located_later`)
    origin: Origin | None = None
    # by import path, the bytes of the files read as they were listed (those whose digest the
    # cache held were not), which protoc compiles: given to a listing's hook (see listed), whose
    # work on the sources need not read them again
    texts: Mapping[str, bytes] = field(default_factory=dict)

    def module(self, name: str) -> Module:
        return self.module_of.get(name, self.workspace.modules[0])

    def located(self, names: Iterable[str]) -> Input:
        """This input with source info for its files ``names`` where its image lacks it."""
        if self.origin is None:
            return self
        lacking = {n for n in names if n in self.image.by_name
                   and not self.image.by_name[n].HasField("source_code_info")}
        if not lacking:
            return self
        resolution = resolve(self.workspace, self.project)
        return replace(self, image=located(self.image, lacking, self.origin, resolution))

    def completed(self, label: str) -> Input:
        """This input with the imports its image lacks compiled from the include path (for
        commands that need every descriptor; see :mod:`.imports`)."""
        module_roots = [self.workspace.root / m.path for m in self.workspace.modules]
        resolution = resolve(self.workspace, self.project)
        roots = resolution.include_path(module_roots)
        served = resolution.descriptor_set(beside=frozenset(self.image.by_name))
        return replace(self, image=with_imports(self.image, roots, label=label,
                                                descriptor_set=served))

    def restricted(self, paths: Iterable[str], exclude_paths: Iterable[str]) -> Input:
        """Only the targets under ``paths`` (all when empty) and not under ``exclude_paths``."""
        paths, exclude_paths = [_norm(p) for p in paths], [_norm(p) for p in exclude_paths]

        def keep(name: str) -> bool:
            candidates = {name, _norm(self.image.shown(name))}
            if paths and not any(_under(c, p) for c in candidates for p in paths):
                return False
            return not any(_under(c, p) for c in candidates for p in exclude_paths)

        targets = [n for n in self.image.targets if keep(n)]
        if not targets:
            raise ProtopactError("--path and --exclude-path leave no files to check")
        return replace(self, image=self.image.with_targets(targets))


def _norm(path: str) -> str:
    return Path(path).as_posix().removeprefix("./").rstrip("/") or "."


def _under(path: str, parent: str) -> bool:
    return parent == "." or path == parent or path.startswith(parent + "/")


def load_input(text: str, *, cwd: Path, cache: Cache) -> Input:
    """INPUT compiled as buf builds it, which refuses an extension number taken twice."""
    loaded = _loaded(text, cwd, cache)
    if loaded.image.clashes:
        raise refusal(loaded.image.clashes, loaded.image.shown_paths)
    return loaded


def _loaded(text: str, cwd: Path, cache: Cache) -> Input:
    with kept_in(cache.directory):
        return _loaded_from(text, cwd, cache)


def _loaded_from(text: str, cwd: Path, cache: Cache) -> Input:
    ref = _parsed(text, cwd)
    if ref.format == "pkg":
        return _image_input(_package_image(text), cwd)
    if ref.format == "wheel":
        return _image_input(_wheel_image(cwd / text, text), cwd)
    if ref.format == "git":
        from .git import from_ref

        return _from_git(from_ref(ref, cwd), cache, cwd)
    if ref.is_image:
        from .fetch import decompressed, read_location
        from .imageformats import image_of

        data = read_location(ref.path, cwd, ref.text, cache.directory)
        data = decompressed(data, ref.compression, ref.text)
        return _image_input(image_of(data, ref.format, ref.text), cwd)
    if ref.is_archive:
        return _from_archive(ref, cwd, cache)
    if ref.format == "protofile":
        return _from_proto_file(ref, cwd, cache)
    if ref.remote:
        raise ProtopactError(f"{ref.text}: invalid dir path: a URL is read as a git repository, "
                             "an archive or an image by its extension or #format=")
    path = cwd / ref.path
    try:
        is_directory, is_file = path.is_dir(), path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ProtopactError(f"{text}: {getattr(exc, 'strerror', None) or exc}") from None
    if is_directory:
        return _from_directory(path, cwd, cache, label=text)
    if is_file:  # an image without an extension that names its format
        return _image_input(read_image_file(path, text), cwd)
    if path.exists():  # a FIFO or a device: reading it could block or never end
        raise ProtopactError(f"{text}: not a directory or a regular file")
    raise ProtopactError(f"{text}: no such file or directory")


def cached_input(text: str, *, cwd: Path, cache: Cache) -> Input | None:
    """A local git input (the usual baseline of ``breaking``), when the cache holds its compile:
    nothing is compiled or written out of git. Loaded before the other side, it offers that side
    every file the two share; otherwise None, and the other side is compiled first."""
    try:
        ref = _parsed(text, cwd)
        if ref.format != "git" or cache.directory is None:
            return None
        from .git import from_ref

        source = from_ref(ref, cwd)
        if source.remote or source.recurse_submodules:
            return None  # reading one costs a clone or a checkout
        with cached_only(), kept_in(cache.directory):
            loaded = _from_git(source, cache, cwd)
        return None if loaded.image.clashes else loaded
    except (NotCached, ProtopactError):
        return None  # reported, if it still is, when the input is loaded in its turn


@contextmanager
def source_input(text: str, *, cwd: Path, cache: Cache) -> Iterator[Input]:
    """INPUT loaded with its ``.proto`` sources on disk (under its workspace root) while the block
    runs: a directory or a file as it is, an archive unpacked, a git repository checked out. An
    image holds no sources: it is refused. As protoc and ``buf format``, it lets an extension
    number taken twice pass."""
    ref = _parsed(text, cwd)
    if ref.format == "git":
        from .git import from_ref

        with _git_checkout(from_ref(ref, cwd), cache, cwd) as loaded:
            yield loaded
    elif ref.is_archive:
        with _archive_tree(ref, cwd, cache) as loaded:
            yield loaded
    elif ref.is_image or ref.format in ("pkg", "wheel"):
        raise ProtopactError(f"{text}: an image holds no .proto sources; give a directory, a "
                             ".proto file, an archive or a git repository")
    else:
        yield _loaded(text, cwd, cache)


def from_sources(text: str, cwd: Path) -> bool:
    """Whether INPUT is compiled from ``.proto`` sources (not read as an image); False for one
    that is neither, which loading it reports."""
    try:
        ref = _parsed(text, cwd)
    except ProtopactError:
        return False
    if ref.format in ("git", "protofile") or ref.is_archive:
        return True
    try:
        return ref.format == "dir" and not ref.remote and (cwd / ref.path).is_dir()
    except (OSError, ValueError):
        return False


def _parsed(text: str, cwd: Path) -> refs.Ref:
    if _CONTROL.search(text):
        shown = _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)
        raise ProtopactError(f"{shown}: an input cannot hold control characters")
    return refs.parse(text, cwd)


def read_image_file(path: Path, label: str) -> Image:
    from .imageformats import image_of

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProtopactError(f"{label}: cannot read image: {exc.strerror}") from None
    is_json = path.suffix == ".json" or re.match(rb"\s*\{", data)
    return image_of(data, "json" if is_json else "binpb", label)


def _image_input(image: Image, cwd: Path) -> Input:
    config = find_config(cwd)
    workspace = load_workspace(config, shown_as=config.name) if config else default_workspace(cwd)
    return Input(image, workspace, project=cwd)


def _from_directory(directory: Path, cwd: Path, cache: Cache, *, label: str,
                    project: Path | None = None, place: str | None = None,
                    whole_modules: bool = False, tree: bool = False) -> Input:
    """The modules of the workspace controlling ``directory`` (its config looked for up to the
    filesystem root, or up to ``cwd`` for a ``tree`` unpacked there), their files under
    ``directory`` as targets (all their files with ``whole_modules``). Paths are shown as buf
    shows them: relative to ``cwd`` (``../other/a.proto``), or whole for a directory written
    whole, wherever it is."""
    workspace, inside = discover(directory, cwd, boundary=cwd if tree else None)
    check_modules(workspace)
    # each file's text as its digest was taken, by workspace path: the compile reads it from here
    texts: dict[str, bytes] = {}

    def digest_kept(path: str, at: str, st: os.stat_result | None) -> str:
        texts[at] = text = read_source(path, at, st)
        return blob_id(text)

    modules = targets_for(workspace, inside)
    project = project or cwd
    within = "." if whole_modules else str(inside)
    # a tree unpacked or checked out is gone when its files are to be located
    without = bare(at_hand=not tree)

    def begun(found: list[ListedFile]) -> None:
        begin_listing(workspace=workspace, files=found, target_modules=modules, within=within,
                      project=project, source_info=not without)

    # protoc begun while the files are read for their digests, where they must all be read (asked
    # before the walk: a lint's listing makes no files for it)
    walked = begun if may_begin() and not listed_before(cache, workspace.root) else None
    with known_digests(cache, workspace.root, digest_kept) as digest:
        files = list_directory(workspace, digest, walked)
    here = cwd.resolve()

    try:
        prefix = workspace.root.relative_to(here).as_posix() + "/"
    except ValueError:
        prefix = None
    prefix = "" if prefix == "./" else prefix
    whole = Path(label.split("#", 1)[0]).is_absolute()

    def shown(f: ListedFile) -> str:
        if prefix is not None and not whole:
            return prefix + f.workspace_path
        path = workspace.root / f.workspace_path
        return str(path) if whole else Path(os.path.relpath(path, here)).as_posix()

    hook = _ON_LISTING.get()
    if hook is not None:
        targets = frozenset(f.name for f in listed_targets(files, modules, within))
        hook(Input(Image((), targets, {f.name: shown(f) for f in files}), workspace,
                   _module_map(files, workspace), project,
                   texts={f.name: texts[f.workspace_path] for f in files
                          if f.workspace_path in texts}))

    def read(some: Sequence[ListedFile]) -> dict[str, bytes]:
        # the files' text as read for their digests, else as on disk
        return {f.workspace_path: texts[f.workspace_path] if f.workspace_path in texts
                else read_source(workspace.root / f.workspace_path, f.workspace_path)
                for f in some}

    origin = _origin(files, read, cache) if without and not tree else None
    image = compile_listing(
        workspace=workspace,
        files=files,
        target_modules=modules,
        within=within,
        cache_=cache,
        shown=shown,
        label=label,
        place=place or f"directory:{workspace.root}",
        project=project,
        texts=texts,
        source_info=not without,
    )
    return Input(image, workspace, _module_map(files, workspace), project, origin)


def _from_archive(ref: refs.Ref, cwd: Path, cache: Cache) -> Input:
    with _archive_tree(ref, cwd, cache) as loaded:
        return loaded


@contextmanager
def _archive_tree(ref: refs.Ref, cwd: Path, cache: Cache) -> Iterator[Input]:
    """The archive unpacked in a temporary directory, read as a directory (``subdir`` of it, its
    config looked for up to the archive's root), paths shown from that root as buf shows them."""
    from .fetch import decompressed, read_location, unpack

    data = read_location(ref.path, cwd, ref.text, cache.directory)
    data = decompressed(data, ref.compression, ref.text)
    with tempfile.TemporaryDirectory(prefix="protopact-archive-") as tmp:
        root = Path(tmp).resolve()
        unpack(data, root, label=ref.text, keep=_read_by_builds, zip_=ref.format == "zip",
               strip_components=ref.strip_components)
        where = ref.path if ref.remote else str((cwd / ref.path).resolve())
        yield _from_tree(root, ref.subdir, cwd, cache, label=ref.text,
                         place=f"archive:{where}#{ref.subdir}")


def _from_tree(root: Path, subdir: str, cwd: Path, cache: Cache, *, label: str,
               place: str) -> Input:
    """A tree unpacked or checked out under ``root``, read as a directory: ``subdir`` of it, its
    config looked for up to ``root``, paths shown from ``root`` as buf shows them."""
    directory = root / subdir
    if not directory.is_dir():
        raise ProtopactError(f"{label}: {subdir!r} does not exist in it")
    return _from_directory(directory, root, cache, label=label, project=cwd, place=place,
                           tree=True)


def _read_by_builds(name: str) -> bool:
    return name.endswith(".proto") or name.rsplit("/", 1)[-1] in _CONFIG_FILES


_CONFIG_FILES = frozenset({*CONFIG_NAMES, *WORK_NAMES, LOCK_NAME})


def _from_proto_file(ref: refs.Ref, cwd: Path, cache: Cache) -> Input:
    """The module holding the file compiled, the file alone its target (with the files of its
    package, ``include_package_files=true``); as buf does, without a config the working directory
    is the module root when the file is under it."""
    try:
        path = (cwd / ref.path).resolve()
        if not path.is_file():
            problem = "not a regular file" if path.exists() else "no such file or directory"
            raise ProtopactError(f"{ref.text}: {problem}")
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ProtopactError(f"{ref.text}: {getattr(exc, 'strerror', None) or exc}") from None
    workspace, _ = discover(path.parent, cwd)
    start = path.parent
    if workspace.config_file is None and cwd.resolve() in path.parents:
        start = cwd
    loaded = _from_directory(start, cwd, cache, label=ref.text, whole_modules=True)
    image = loaded.image
    by_path = {(cwd / image.shown(n)).resolve(): n for n in image.targets}
    name = by_path.get(path)
    if name is None:
        owner = loaded.workspace.config_file or loaded.workspace.root
        raise ProtopactError(f"{ref.text}: not in a module of {owner}")
    targets = {name}
    if ref.include_package_files:
        package = image.by_name[name].package
        targets = {n for n in image.targets if image.by_name[n].package == package}
    kept = image.with_imports(targets)
    pruned = Image(tuple(f for f in image.files if f.name in kept), frozenset(targets),
                   image.shown_paths, image.encoded)
    return replace(loaded, image=pruned)


def _module_map(files: Iterable[ListedFile], workspace: Workspace) -> dict[str, Module]:
    by_path = {m.path: m for m in workspace.modules}
    return {f.name: by_path[f.module] for f in files}


def _from_git(remote_or_local: GitInput, cache: Cache, cwd: Path) -> Input:
    from . import git

    if remote_or_local.recurse_submodules:
        with _git_checkout(remote_or_local, cache, cwd) as loaded:
            return loaded
    with git.cloned(remote_or_local) as source:
        found = git.read_workspace(source, root=Path(source.text))
        workspace, files = found.workspace, found.files

        def shown(f: ListedFile) -> str:
            return f.workspace_path if found.directory == "." else \
                f"{found.directory}/{f.workspace_path}"

        # a linked file's blob holds the link's target: only the tree written resolves it
        read = None if found.linked else lambda some: git.blobs(source, some)
        # a clone is gone when its files are to be located
        at_hand = read is not None and not source.remote
        without = bare(at_hand)
        origin = _origin(files, read, cache) if read is not None and without and at_hand else None
        image = compile_listing(
            workspace=workspace,
            files=files,
            target_modules=targets_for(workspace, PurePosixPath(found.inside)),
            within=found.inside,
            cache_=cache,
            materialize=lambda needed: git.extracted(source, found.tree)
            if needed is None or found.linked else git.written(source, needed),
            read=read,
            shown=shown,
            label=source.text,
            place=f"git:{source.remote or source.repo}#{source.subdir}",
            project=cwd,
            source_info=not without,
        )
    return Input(image, workspace, _module_map(files, workspace), cwd, origin)


def _origin(files: Sequence[ListedFile], read: Read, cache: Cache) -> Origin:
    """Where ``files`` come from, ``read`` giving their bytes by workspace path."""
    by_name = {f.name: f for f in files}

    def texts(names: Sequence[str]) -> dict[str, bytes]:
        found = read([by_name[n] for n in names])
        return {n: found[by_name[n].workspace_path] for n in names}

    return Origin(texts, {f.name: f.digest for f in files}, cache)


@contextmanager
def _git_checkout(source: GitInput, cache: Cache, cwd: Path) -> Iterator[Input]:
    """A working tree of the repository at the ref (submodules in it), read as a directory."""
    from .git import checked_out

    with checked_out(source) as checkout:
        yield _from_tree(checkout, source.subdir, cwd, cache, label=source.text,
                         place=f"checkout:{source.remote or source.repo}")


def _package_image(text: str) -> Image:
    name = text[4:]
    path = embedded_image(name)
    if path is None:
        raise ProtopactError(f"{text}: no installed package named {name!r} with an embedded "
                             f"{EMBEDDED_IMAGE}")
    return read_image_file(path, text)


def _wheel_image(path: Path, label: str) -> Image:
    import zipfile

    try:
        with zipfile.ZipFile(path) as wheel:
            members = sorted(
                (n for n in wheel.namelist() if n.endswith("/" + EMBEDDED_IMAGE)),
                key=lambda n: n.count("/"),
            )
            if not members:
                raise ProtopactError(f"{label}: the wheel has no embedded {EMBEDDED_IMAGE}")
            return image_from_bytes(wheel.read(members[0]), label=f"{label}!{members[0]}")
    except (zipfile.BadZipFile, OSError) as exc:
        raise ProtopactError(f"{label}: not a readable wheel: {exc}") from None
