"""Run a :class:`~protopact.bufgen.template.Template` over an Image, as ``buf generate`` does.

Each plugin gets what buf would send it: with ``strategy: directory`` (the default) one
``CodeGeneratorRequest`` per directory of files to generate, with ``all`` one for everything; the
files to generate are the targets, plus their imports with ``include_imports`` (the well-known
types only with ``include_wkt`` as well); ``proto_file`` holds those files and everything they
import, in dependency order; ``parameter`` is ``opt`` joined by commas. Local plugins run as
programs (protopact's own in process); protoc's built-in generators run in grpc_tools' protoc over
the Image. Every plugin runs before anything is written, so a failing plugin leaves the output as
it was; then each file is replaced atomically. A plugin with ``types`` or ``exclude_types`` is given
the image pruned to them. ``clean: true`` replaces each ``out`` directory
whole, as buf empties it first. An ``out`` ending in ``.zip`` or ``.jar`` is one archive of the
plugin's files (see :mod:`.archive`).
"""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from google.protobuf.compiler import plugin_pb2

from ..compile import refs
from ..compile.image import Image
from ..compile.protoc import invoke_protoc
from ..compile.prune import pruned
from ..console import tracked
from ..deps.library import well_known_root
from ..dirswap import exchange, recover, staged
from ..errors import ProtopactError
from ..plugins import protoc as own
from ..plugins.wire import response_class
from ..render.writer import write_file
from .archive import archive, is_archive
from .template import Plugin, Template

_OWN = "protoc-gen-protopact-"
_WKT = "google/protobuf/"


def render(template: Template, image: Image) -> dict[Path, bytes]:
    """Every plugin's files for ``image``: output path (relative to the project) -> content."""
    files: dict[Path, bytes] = {}
    archived: dict[Path, dict[str, bytes]] = {}
    runs = [(plugin, request) for plugin in template.plugins
            for request in requests(pruned_to(image, plugin.types, plugin.exclude_types), plugin)]
    for plugin, request in tracked(runs, "Running plugins"):
        for name, data in _run(plugin, request, image):
            if is_archive(plugin.out):
                archived.setdefault(plugin.out, {})[_relative(name, plugin)] = data
            else:
                files[plugin.out / _relative(name, plugin)] = data
    for out, members in archived.items():
        files[out] = archive(out, members)
    return dict(sorted(files.items()))


def write(template: Template, files: Mapping[Path, bytes], *, project: Path) -> None:
    """Write ``files``; with ``clean``, each out directory is replaced whole, in one step (the old
    tree until the new one is complete), which deletes exactly what buf's clean deletes: the out
    directories' contents, never the project or anything outside them."""
    roots = clean_roots(template) if template.clean else []
    for path, data in files.items():
        if not any(path.is_relative_to(out) for out in roots):
            target = project / path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data)
    for out in roots:
        target = project / out
        recover(target)
        with staged(target) as stage:
            for path, data in files.items():
                if path.is_relative_to(out):
                    (stage / path.relative_to(out)).parent.mkdir(parents=True, exist_ok=True)
                    (stage / path.relative_to(out)).write_bytes(data)
            exchange(stage, target)


def clean_roots(template: Template) -> list[Path]:
    """The out directories that ``clean`` replaces: each plugin's, less those inside another (an
    archive is replaced as any file is)."""
    outs = sorted({p.out for p in template.plugins if not is_archive(p.out)})
    return [out for out in outs if not any(out != o and out.is_relative_to(o) for o in outs)]


# Names that mark a tree someone writes by hand: a module, a workspace, a repository.
_AUTHORED = ("buf.yaml", "buf.work.yaml", ".git")


def guard_clean(template: Template, inputs: Sequence[str], *, project: Path) -> None:
    """Refuse ``clean`` when an out directory holds the template, an input or a tree marked as
    written by hand, which buf would delete with the rest."""
    if not template.clean:
        return
    for out in clean_roots(template):
        root = (project / out).resolve()
        held = [template.path, *(project / ref.path for ref in
                                 (refs.parse(text, project) for text in inputs) if not ref.remote)]
        held += [p for name in _AUTHORED for p in root.rglob(name)] if root.is_dir() else []
        for path in held:
            if path.resolve().is_relative_to(root):
                raise ProtopactError(f"{template.path.name}: clean: true would delete "
                                     f"{path.resolve().relative_to(project.resolve()).as_posix()}, "
                                     f"which is inside out {out.as_posix()}")


def stale(template: Template, files: Mapping[Path, bytes], *, project: Path) -> list[Path]:
    """The files whose content on disk differs from ``files``', and with ``clean`` the files in the
    out directories that writing would remove."""
    changed = {path for path, data in files.items() if _read(project / path) != data}
    if template.clean:
        for out in clean_roots(template):
            changed.update(p.relative_to(project) for p in (project / out).rglob("*")
                           if not p.is_dir() and p.relative_to(project) not in files)
    return sorted(changed)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def pruned_to(image: Image, types: Sequence[str], exclude_types: Sequence[str]) -> Image:
    """``image`` pruned to ``types`` less ``exclude_types`` (see :mod:`..compile.prune`)."""
    if not types and not exclude_types:
        return image
    imports = frozenset(f.name for f in image.files if f.name not in image.targets)
    files = pruned(image.files, imports, types, exclude_types)
    return Image(tuple(files), image.targets & {f.name for f in files}, image.shown_paths)


def requests(image: Image, plugin: Plugin) -> Iterator[plugin_pb2.CodeGeneratorRequest]:
    """The requests buf sends ``plugin`` for ``image``, in a stable order."""
    names = set(image.targets)
    if plugin.include_imports:
        names = {n for n in image.with_imports(names)
                 if plugin.include_wkt or not n.startswith(_WKT) or n in image.targets}
    ordered = [f.name for f in image.files if f.name in names]
    groups: dict[str, list[str]] = {}
    for name in ordered:
        groups.setdefault("" if plugin.strategy == "all" else posixpath.dirname(name), []).append(name)
    for _, group in sorted(groups.items()):
        if plugin.strategy == "all":
            needed = image.with_imports(group)
            files = [f for f in image.files if f.name in needed]
        else:  # buf's image of one directory: its files in order, each after its imports
            files = [image.by_name[name] for name in _after_imports(image, group)]
        request = plugin_pb2.CodeGeneratorRequest(
            file_to_generate=group, proto_file=files,
            source_file_descriptors=[image.by_name[name] for name in group])
        if plugin.parameter:  # as buf sends it: no parameter at all rather than an empty one
            request.parameter = plugin.parameter
        yield request


def _after_imports(image: Image, names: Sequence[str]) -> list[str]:
    """``names`` and what they import, depth first: each file after its imports."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name not in seen and name in image.by_name:
            seen.add(name)
            for dependency in image.by_name[name].dependency:
                visit(dependency)
            ordered.append(name)

    for name in names:
        visit(name)
    return ordered


def _run(plugin: Plugin, request: plugin_pb2.CodeGeneratorRequest,
         image: Image) -> list[tuple[str, bytes]]:
    if plugin.builtin:
        return _builtin(plugin, request, image)
    program = plugin.command[0]
    if len(plugin.command) == 1 and Path(program).name.startswith(_OWN):
        response = own.respond(request, Path(program).name.removeprefix(_OWN))
    else:
        response = _local(plugin, request)
    if response.error:
        raise ProtopactError(f"plugin {plugin.label}: {' '.join(response.error.split())}")
    if any(f.insertion_point for f in response.file):
        raise ProtopactError(f"plugin {plugin.label}: insertion points are not supported")
    return [(f.name, f.content) for f in response.file]


def _local(plugin: Plugin, request: plugin_pb2.CodeGeneratorRequest) -> object:
    program = shutil.which(plugin.command[0])
    if program is None:
        raise ProtopactError(f"plugin {plugin.label}: {plugin.command[0]} is not found on PATH")
    done = subprocess.run([program, *plugin.command[1:]], input=request.SerializeToString(),
                          capture_output=True, check=False)
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode(errors="replace").split())[:500]
        raise ProtopactError(f"plugin {plugin.label}: exited with code {done.returncode}"
                             f"{': ' + detail if detail else ''}")
    try:
        return response_class().FromString(done.stdout)
    except Exception:  # noqa: BLE001 - any decoding failure means the same thing here
        raise ProtopactError(f"plugin {plugin.label}: its output is not a "
                             "CodeGeneratorResponse") from None


def _builtin(plugin: Plugin, request: plugin_pb2.CodeGeneratorRequest,
             image: Image) -> list[tuple[str, bytes]]:
    # The well-known types come from protoc's own copies, parsed from source, as under buf: a
    # descriptor of them carries json_name, which protoc's generators then embed.
    wkt = well_known_root()
    files = tuple(f for f in request.proto_file
                  if not (f.name.startswith(_WKT) and (wkt / f.name).is_file()))
    subset = Image(files, frozenset(request.file_to_generate))
    with tempfile.TemporaryDirectory(prefix="protopact-builtin-") as scratch:
        root = Path(scratch)
        (root / "image.binpb").write_bytes(subset.to_binary(mark_imports=False))
        (root / "out").mkdir()
        option = f"--{plugin.builtin}_opt={plugin.parameter}" if plugin.parameter else None
        invoke_protoc([f"--descriptor_set_in={root / 'image.binpb'}", f"--proto_path={wkt}",
                       f"--{plugin.builtin}_out={root / 'out'}", *([option] if option else []),
                       *request.file_to_generate], shown=image.shown)
        return [(p.relative_to(root / "out").as_posix(), p.read_bytes())
                for p in sorted((root / "out").rglob("*")) if p.is_file()]


def _relative(name: str, plugin: Plugin) -> str:
    normal = posixpath.normpath(name)
    if not name or posixpath.isabs(name) or normal == ".." or normal.startswith("../"):
        raise ProtopactError(f"plugin {plugin.label}: file name {name!r} leaves its out directory")
    return normal
