"""Source locations of descriptor elements: spans and comments by source-code-info path.

Paths are the ``SourceCodeInfo`` paths of ``descriptor.proto`` (``[4, 0, 2, 1]`` is the second field of
the first message). The index of a file is built on first use only, so checks that report nothing in a
file never pay for it. Spans are 1-based with an exclusive end column, as buf prints them.

A map field's synthetic entry message (``map<K, V> x = N;`` compiles to a nested ``XEntry``) has no
location of its own: everything inside it (the entry, its ``key`` and ``value``) is located, as buf
locates it, at the map field's type (``map<K, V>``).
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, Sequence

from google.protobuf import descriptor_pb2

from ..compile.sourceinfo import with_source_info

Location = descriptor_pb2.SourceCodeInfo.Location


class Span(NamedTuple):  # a named tuple, quicker to make than a dataclass, ordered as one
    start_line: int
    start_column: int
    end_line: int
    end_column: int


def span_of(location: Location) -> Span:
    s = location.span
    end_line = s[2] if len(s) == 4 else s[0]
    end_column = s[3] if len(s) == 4 else s[2]
    return Span(s[0] + 1, s[1] + 1, end_line + 1, end_column + 1)


class SourceIndex:
    """Locations of one file by path, built lazily."""

    def __init__(self, file: descriptor_pb2.FileDescriptorProto, encoded: bytes | None = None) -> None:
        self._file = file
        self._encoded = encoded  # the bytes ``file`` was read from, when known
        self._by_path: dict[tuple[int, ...], Location] | None = None
        self._mentions: dict[str, bool] = {}
        self._searched: bytes | None = None

    def may_mention(self, text: str) -> bool:
        """False when no comment of the file holds ``text``: answered from the file's bytes, so
        True may also mean another string of the file holds it."""
        known = self._mentions.get(text)
        if known is None:
            if self._searched is None:
                # bytes: a view (see ``Image.encoded``) holds ints, and finds no bytes in itself
                self._searched = bytes(self._encoded or self._file.SerializeToString())
            known = self._mentions[text] = text.encode() in self._searched
        return known

    @property
    def file(self) -> descriptor_pb2.FileDescriptorProto:
        """The file, its source info read in if it was decoded without it."""
        return with_source_info(self._file, self._encoded)

    def _index(self) -> Mapping[tuple[int, ...], Location]:
        if self._by_path is None:
            # The first location of a path is the declaration; later ones are repeats, so the
            # locations go in backwards and the first one written last. (Slices copy protobuf's
            # repeated fields in one call: a quarter faster than iterating them.)
            self._by_path = {tuple(location.path[:]): location
                             for location in self.file.source_code_info.location[::-1]}
        return self._by_path

    def location(self, path: Sequence[int]) -> Location | None:
        return self._index().get(tuple(path))

    def span(self, path: Sequence[int]) -> Span | None:
        location = self.location(path)
        if location is None:
            declared = _map_field_type(self._file, path)
            if declared is not None:  # the map field's type, else the whole map field
                location = self.location(declared) or self.location(declared[:-1])
        # descriptor.proto promises three or four numbers; an image from elsewhere may break it
        return span_of(location) if location is not None and len(location.span) in (3, 4) else None

    def leading_comment(self, path: Sequence[int]) -> str:
        location = self.location(path)
        return location.leading_comments if location is not None else ""


_MESSAGE, _NESTED, _FIELD, _TYPE_NAME = 4, 3, 2, 6


def _map_field_type(file: descriptor_pb2.FileDescriptorProto,
                    path: Sequence[int]) -> tuple[int, ...] | None:
    """For a path inside a map entry message, the path of the type of the map field that declares
    the entry; None for any other path."""
    if len(path) < 2 or path[0] != _MESSAGE or path[1] >= len(file.message_type):
        return None
    parent, message = None, file.message_type[path[1]]
    depth = 2
    while not message.options.map_entry:
        if len(path) < depth + 2 or path[depth] != _NESTED or path[depth + 1] >= len(message.nested_type):
            return None
        parent, message = message, message.nested_type[path[depth + 1]]
        depth += 2
    if parent is None:
        return None
    for index, field in enumerate(parent.field):
        if field.type_name.rsplit(".", 1)[-1] == message.name \
                and field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED:
            return (*path[:depth - 2], _FIELD, index, _TYPE_NAME)
    return None


class Sources:
    """Source indexes of an Image's files, by file name; ``encoded`` holds the bytes files were read
    from where known (see ``Image.encoded``), which spares serializing them again."""

    def __init__(self, files: Sequence[descriptor_pb2.FileDescriptorProto],
                 encoded: Mapping[str, bytes] | None = None) -> None:
        self._files = {f.name: f for f in files}
        self._encoded = encoded or {}
        self._indexes: dict[str, SourceIndex] = {}

    def __getitem__(self, name: str) -> SourceIndex:
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = SourceIndex(self._files[name], self._encoded.get(name))
        return index
