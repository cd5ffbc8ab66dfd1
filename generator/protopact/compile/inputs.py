"""Turning an INPUT argument into an :class:`Input`: an Image plus the config that governs it.

INPUT is a directory (default ``.``), an image file (binary or JSON ``FileDescriptorSet``, buf images
included), a git reference (``git:REF``, ``PATH.git#branch=B,subdir=D``), an installed generated package
(``pkg:NAME``) or a wheel of one (generated packages embed ``descriptor_set.binpb``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from ..config.bufyaml import Module, Workspace, default_workspace, find_config, load_workspace
from ..deps import resolve
from ..deps.local import EMBEDDED_IMAGE, embedded_image
from ..errors import ProtopactError
from . import git
from .build import compile_listing
from .cache import Cache
from .image import Image, image_from_bytes, image_from_json
from .imports import with_imports
from .workspace import ListedFile, check_modules, discover, list_directory, targets_for

# A control character in an INPUT is never meant, and would break the one line naming it (a NUL
# cannot even reach the system or git).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Input:
    """An Image with its workspace config; ``module_of`` maps target files to their module."""

    image: Image
    workspace: Workspace
    module_of: Mapping[str, Module] = field(default_factory=dict)
    project: Path | None = None  # whose pyproject.toml may say where dependencies come from

    def module(self, name: str) -> Module:
        return self.module_of.get(name, self.workspace.modules[0])

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
    if _CONTROL.search(text):
        shown = _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)
        raise ProtopactError(f"{shown}: an input cannot hold control characters")
    source = git.parse_git_input(text, cwd)
    if source is not None:
        return _from_git(source, cache, cwd)
    if text.startswith("pkg:"):
        return _image_input(_package_image(text), cwd)
    path = cwd / text
    try:
        is_directory, is_file = path.is_dir(), path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ProtopactError(f"{text}: {getattr(exc, 'strerror', None) or exc}") from None
    if is_directory:
        return _from_directory(path, cwd, cache, label=text)
    if is_file:
        if path.suffix == ".whl":
            return _image_input(_wheel_image(path, text), cwd)
        return _image_input(read_image_file(path, text), cwd)
    if path.exists():  # a FIFO or a device: reading it could block or never end
        raise ProtopactError(f"{text}: not a directory or a regular file")
    raise ProtopactError(f"{text}: no such file or directory")


def read_image_file(path: Path, label: str) -> Image:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProtopactError(f"{label}: cannot read image: {exc.strerror}") from None
    if path.suffix == ".json" or re.match(rb"\s*\{", data):
        try:
            return image_from_json(data.decode("utf-8"), label=label)
        except UnicodeDecodeError:
            raise ProtopactError(f"{label}: not a valid JSON image: invalid UTF-8") from None
    return image_from_bytes(data, label=label)


def _image_input(image: Image, cwd: Path) -> Input:
    config = find_config(cwd)
    workspace = load_workspace(config, shown_as=config.name) if config else default_workspace(cwd)
    return Input(image, workspace, project=cwd)


def _from_directory(directory: Path, cwd: Path, cache: Cache, *, label: str) -> Input:
    workspace, inside = discover(directory, cwd)
    check_modules(workspace)
    files = list_directory(workspace)
    modules = targets_for(workspace, inside)

    try:
        prefix = workspace.root.relative_to(cwd.resolve()).as_posix() + "/"
    except ValueError:
        prefix = str(workspace.root) + "/"
    prefix = "" if prefix == "./" else prefix

    def shown(f: ListedFile) -> str:
        return prefix + f.workspace_path

    image = compile_listing(
        workspace=workspace,
        files=files,
        target_modules=modules,
        within=str(inside),
        cache_=cache,
        shown=shown,
        label=label,
        place=f"directory:{workspace.root}",
        project=cwd,
    )
    return Input(image, workspace, _module_map(files, workspace), cwd)


def _module_map(files: Iterable[ListedFile], workspace: Workspace) -> dict[str, Module]:
    by_path = {m.path: m for m in workspace.modules}
    return {f.name: by_path[f.module] for f in files}


def _from_git(remote_or_local: git.GitInput, cache: Cache, cwd: Path) -> Input:
    with git.cloned(remote_or_local) as source:
        tree = git.resolve_tree(source)
        workspace, files = git.read_workspace(source, tree, root=Path(source.text))
        image = compile_listing(
            workspace=workspace,
            files=files,
            target_modules=workspace.modules,
            within=".",
            cache_=cache,
            materialize=lambda: git.extracted(source, tree),
            shown=lambda f: git.shown_path(source, f.workspace_path),
            label=source.text,
            place=f"git:{source.remote or source.repo}#{source.subdir}",
            project=cwd,
        )
    return Input(image, workspace, _module_map(files, workspace), cwd)


def _package_image(text: str) -> Image:
    name = text[4:]
    path = embedded_image(name)
    if path is None:
        raise ProtopactError(f"{text}: no installed package named {name!r} with an embedded "
                             f"{EMBEDDED_IMAGE}")
    return read_image_file(path, text)


def _wheel_image(path: Path, label: str) -> Image:
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
