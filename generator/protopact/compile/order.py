"""Files in dependency order: each after the files it imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from google.protobuf.descriptor_pb2 import FileDescriptorProto

# Each file's imports as first read, by the identity of the file (held, so that no other object
# takes its id). Dropped whole past this many files, about the two latest compiles of a large
# tree (which a process keeps anyway, see incremental.recent): a long-running process compiles
# again and again, and must not hold its earlier files; forgetting costs only a read.
_IMPORTS: dict[int, tuple[FileDescriptorProto, tuple[str, ...]]] = {}
_IMPORTS_HELD = 1 << 14


def imports_of(f: FileDescriptorProto) -> tuple[str, ...]:
    """``f``'s imports, read once: each read of a descriptor's repeated field makes its strings
    anew, and a compile that reuses a large tree looks at every file's imports several times. The
    files of images are not changed once made."""
    known = _IMPORTS.get(id(f))
    if known is not None and known[0] is f:
        return known[1]
    if len(_IMPORTS) >= _IMPORTS_HELD:
        _IMPORTS.clear()
    found = tuple(f.dependency)
    _IMPORTS[id(f)] = (f, found)
    return found


def remember_imports(files: Sequence[FileDescriptorProto],
                     imports: Sequence[tuple[str, ...]]) -> None:
    """Take ``imports`` as the imports of ``files``, one for one, as :func:`imports_of` read them
    when the files were stored (see :mod:`.cache`): unmarshalling them costs a tenth of reading
    7,200 files' imports from their descriptors."""
    if len(_IMPORTS) + len(files) > _IMPORTS_HELD:
        _IMPORTS.clear()
    _IMPORTS.update((id(f), (f, found)) for f, found in zip(files, imports, strict=True))


def dependencies_first(names: Iterable[str], imports: Callable[[str], Iterable[str]]) -> list[str]:
    """``names`` and the files ``imports`` says they import, directly or not, each after its own
    imports and otherwise in the order met: depth first, in import order, as protoc lists files
    (without recursion: imports may chain thousands deep). A file on an import cycle comes after
    the part of the cycle already met."""
    order: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        pending = [(name, iter(imports(name)))]
        while pending:
            current, dependencies = pending[-1]
            for dependency in dependencies:
                if dependency not in seen:
                    seen.add(dependency)
                    pending.append((dependency, iter(imports(dependency))))
                    break
            else:
                pending.pop()
                order.append(current)
    return order


def imports_as_before(files: Iterable[FileDescriptorProto],
                      before: Mapping[str, FileDescriptorProto]) -> bool:
    """Whether each of ``files`` is in ``before`` and imports what it did there: then any order
    of ``before``'s files that puts each after its imports does so for ``files`` too."""
    for f in files:
        # a file reused as it is, the very descriptor ``before`` holds, imports what it did
        was = before.get(f.name)
        if was is not f and (was is None or imports_of(f) != imports_of(was)):
            return False
    return True
