"""Extension numbers taken twice: one message extended twice with the same field number.

protoc only warns about it, and only when it compiles both extensions in one run; buf refuses it
across every file of the image, whether or not one imports the other. So the assembled image is
checked once, whatever compiled its parts (one run, two halves, or reused descriptors). As buf
does, the extension in the file first by path keeps the number, and each other one is reported at
its number. (Two in one file never get here: protoc refuses them.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from google.protobuf.descriptor_pb2 import (
    DescriptorProto,
    FieldDescriptorProto,
    FileDescriptorProto,
)

from ..errors import CompileError
from ..schema.source import SourceIndex

# descriptor.proto's field numbers, for source locations
_FILE_MESSAGE, _FILE_EXTENSION = 4, 7
_MESSAGE_NESTED, _MESSAGE_EXTENSION = 3, 6
_FIELD_NUMBER = 3

Path = tuple[int, ...]


# An extension whose number was taken: its file's import path, line, column (None: not known)
# and the number; kept with a compiled image, which the user may name by another path later.
Clash = tuple[str, int | None, int | None, int]


# A file's extensions, each as its extendee, number and path, in the order buf looks at them.
Extensions = tuple[tuple[str, int, Path], ...]


def extensions(f: FileDescriptorProto) -> Extensions:
    return tuple((field.extendee, field.number, path) for path, field in _extensions(f))


def taken_twice(files: Sequence[FileDescriptorProto], known: Mapping[str, Extensions],
                encoded: Mapping[str, bytes]) -> list[Clash]:
    """The extensions of ``files`` whose extendee and number an earlier one holds; ``known``
    holds each file's :func:`extensions` by name, ``encoded`` the bytes files were read from."""
    holder: dict[tuple[str, int], tuple[str, Path]] = {}
    clashes: list[Clash] = []
    for f in sorted(files, key=lambda f: f.name):
        index: SourceIndex | None = None
        for extendee, number, path in known[f.name]:
            if holder.setdefault((extendee, number), (f.name, path)) == (f.name, path):
                continue
            index = index or SourceIndex(f, encoded.get(f.name))
            span = index.span(path + (_FIELD_NUMBER,))
            clashes.append((f.name, span and span.start_line, span and span.start_column, number))
    return clashes


def refusal(clashes: Sequence[Clash], shown: Mapping[str, str]) -> CompileError:
    """The error for ``clashes``, one line each, in buf's words (``shown``: the path the user
    knows each file by)."""
    lines = []
    for name, line, column, number in clashes:
        where = shown.get(name, name)
        at = f"{where}:{line}:{column}" if line is not None else where
        lines.append(f"{at}: field number `{number}` used more than once")
    return CompileError("\n".join(lines))


def _extensions(f: FileDescriptorProto) -> Iterator[tuple[Path, FieldDescriptorProto]]:
    for i, field in enumerate(f.extension):
        yield (_FILE_EXTENSION, i), field
    # depth first in declaration order, as buf looks (without recursion: nesting may be deep)
    pending: list[tuple[Path, DescriptorProto]] = [
        ((_FILE_MESSAGE, i), m) for i, m in reversed(list(enumerate(f.message_type)))]
    while pending:
        path, message = pending.pop()
        if message.extension:
            for i, field in enumerate(message.extension):
                yield path + (_MESSAGE_EXTENSION, i), field
        if message.nested_type:
            pending.extend((path + (_MESSAGE_NESTED, i), m)
                           for i, m in reversed(list(enumerate(message.nested_type))))
