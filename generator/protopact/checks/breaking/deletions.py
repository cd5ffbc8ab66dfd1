"""Deleted elements, per file and per package, located as buf locates them.

A deleted nested element is reported on its nearest enclosing message that still exists; a deleted
top-level element on the file without a span (line 1, column 1); an element whose file is gone too
on no file at all (``<input>``), with the baseline file kept for ignores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...schema import walk
from ..findings import Finding
from .adapters import Pairing, nested_name

Path = tuple[int, ...]
# nested name -> source path of the element, for one file
Index = Callable[[FileDescriptorProto], dict[str, Path]]


def message_index(file: FileDescriptorProto) -> dict[str, Path]:
    return {nested_name(m.full_name, file.package): m.path for m in walk.messages(file)}


def enum_index(file: FileDescriptorProto) -> dict[str, Path]:
    return {nested_name(e.full_name, file.package): e.path for e in walk.enums(file)}


def extension_index(file: FileDescriptorProto) -> dict[str, Path]:
    out = {}
    for ext in walk.extensions(file):
        scope = nested_name(ext.scope.full_name, file.package) + "." if ext.scope else ""
        out[scope + ext.field.name] = ext.path
    return out


def _parent(name: str, messages: dict[str, tuple[FileDescriptorProto, Path]]
            ) -> tuple[FileDescriptorProto, Path] | None:
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        found = messages.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def deleted_from_file(p: Pairing, rule: str, kind: str, index: Index) -> Iterator[Finding]:
    for prev, cur in p.files:
        after = index(cur)
        messages = {n: (cur, path) for n, path in message_index(cur).items()}
        for name, path in index(prev).items():
            if name not in after:
                text = f'Previously present {kind} "{name}" was deleted from file.'
                yield _located(p, rule, text, _parent(name, messages), cur, prev, path)


def deleted_from_package(p: Pairing, rule: str, kind: str, index: Index, *,
                         package_parents: bool = False) -> Iterator[Finding]:
    """``package_parents``: look for the surviving parent in the whole package (buf does so for
    messages), not only in the element's own file."""
    current_packages = p.current.packages
    for package, prev_files in p.previous.packages.items():
        cur_files = current_packages.get(package)
        if cur_files is None or all(f.name in p.unchanged for f in prev_files):
            continue
        after = {n for f in cur_files for n in index(f)}
        if not after:
            continue  # buf's quirk: a package left with none of these elements reports nothing
        package_messages = {n: (f, path) for f in cur_files for n, path in message_index(f).items()}
        for prev in prev_files:
            if prev.name in p.unchanged:
                continue  # still in the package, element for element
            for name, deleted in index(prev).items():
                if name in after:
                    continue
                text = f'Previously present {kind} "{name}" was deleted from package "{package}".'
                cur = p.current.files.get(prev.name)
                if cur is None:
                    yield Finding(rule, text, "", against_file=prev.name, against_path=deleted)
                    continue
                messages = (package_messages if package_parents
                            else {n: (cur, path) for n, path in message_index(cur).items()})
                yield _located(p, rule, text, _parent(name, messages), cur, prev, deleted)


def _located(p: Pairing, rule: str, text: str, parent: tuple[FileDescriptorProto, Path] | None,
             cur: FileDescriptorProto, prev: FileDescriptorProto, deleted: Path) -> Finding:
    if parent is None:
        return p.finding(rule, text, cur, against=prev, against_path=deleted)
    return p.finding(rule, text, parent[0], parent[1], against=prev, against_path=deleted)
