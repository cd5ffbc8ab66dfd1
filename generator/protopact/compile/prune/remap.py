"""A file rebuilt with only what a closure keeps: lists renumbered, options without excluded
extensions, imports reduced to the needed ones, source info following its elements."""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf import descriptor_pb2 as d
from google.protobuf.message import Message

from ..image import without_field
from .closure import ENCLOSING, EXCLUDED, REFERENCES, Closure, Index

# field numbers in descriptor.proto
_FILE_DEPENDENCY, _FILE_MESSAGES, _FILE_ENUMS, _FILE_SERVICES, _FILE_EXTENSIONS = 3, 4, 5, 6, 7
_FILE_PUBLIC, _FILE_WEAK = 10, 11
_MSG_FIELDS, _MSG_NESTED, _MSG_ENUMS, _MSG_RANGES, _MSG_EXTENSIONS = 2, 3, 4, 5, 6
_MSG_ONEOFS, _MSG_RESERVED_RANGES, _MSG_RESERVED_NAMES = 8, 9, 10
_SERVICE_METHODS = 2
_OPTIONS_FIELD = {d.FileDescriptorProto: 8, d.DescriptorProto: 7, d.FieldDescriptorProto: 8,
                  d.OneofDescriptorProto: 2, d.EnumDescriptorProto: 3,
                  d.EnumValueDescriptorProto: 3, d.ServiceDescriptorProto: 3,
                  d.MethodDescriptorProto: 4, d.DescriptorProto.ExtensionRange: 3}



class _Paths:
    """How source paths move: each path's element renumbered or deleted, some without comments."""

    def __init__(self) -> None:
        self.root: dict[int, list] = {}  # index -> [new index (-1: deleted), no comment, children]

    def _node(self, path: Sequence[int]) -> list:
        level, node = self.root, None
        for index in path:
            node = level.setdefault(index, [index, False, {}])
            level = node[2]
        return node

    def moved(self, path: Sequence[int], new: int) -> None:
        self._node(path)[0] = new

    def deleted(self, path: Sequence[int]) -> None:
        self._node(path)[0] = -1

    def no_comment(self, path: Sequence[int]) -> None:
        self._node(path)[1] = True

    def new(self, path: Sequence[int]) -> tuple[list[int] | None, bool]:
        level, out = self.root, []
        for i, index in enumerate(path):
            node = level.get(index)
            if node is None:
                return out + list(path[i:]), False
            if node[0] == -1:
                return None, False
            out.append(node[0])
            if i == len(path) - 1:
                return out, node[1]
            level = node[2]
        return out, False


class Remap:
    """One file rebuilt with only what the closure keeps."""

    def __init__(self, index: Index, closure: Closure, filtering: bool) -> None:
        self.index, self.closure, self.filtering = index, closure, filtering
        self.paths = _Paths()

    def has(self, element: Message) -> bool:
        return self.closure.has(element, self.filtering)

    def file(self, f: d.FileDescriptorProto) -> d.FileDescriptorProto | None:
        if not self.has(f):
            return None
        parts = [self._list([_FILE_MESSAGES], f.message_type, self._message),
                 self._list([_FILE_ENUMS], f.enum_type, self._enum),
                 self._list([_FILE_SERVICES], f.service, self._service),
                 self._list([_FILE_EXTENSIONS], f.extension, self._field)]
        options = self.options([8], f)
        if not any(changed for _, changed in parts) and options is None:
            return f
        new = d.FileDescriptorProto()
        new.CopyFrom(f)
        for field_name, (items, _) in zip(("message_type", "enum_type", "service", "extension"),
                                          parts):
            _replace(new, field_name, items)
        _set_options(new, options)
        self._imports(f, new)
        self._source_info(f, new)
        return new

    def _imports(self, f: d.FileDescriptorProto, new: d.FileDescriptorProto) -> None:
        required = dict(self.closure.imports.get(f.name, {}))
        moved: dict[int, int] = {}
        del new.dependency[:]
        for old, name in enumerate(f.dependency):
            if name in required:
                moved[old] = len(new.dependency)
                if moved[old] != old:
                    self.paths.moved([_FILE_DEPENDENCY, old], moved[old])
                new.dependency.append(name)
                del required[name]
            else:
                self.paths.deleted([_FILE_DEPENDENCY, old])
        new.dependency.extend(required)
        del new.public_dependency[:]
        self.paths.deleted([_FILE_PUBLIC])
        del new.weak_dependency[:]
        for old in f.weak_dependency:
            if old in moved:
                if moved[old] != old:
                    self.paths.moved([_FILE_WEAK, old], moved[old])
                new.weak_dependency.append(moved[old])
            else:
                self.paths.deleted([_FILE_WEAK, old])

    def _source_info(self, f: d.FileDescriptorProto, new: d.FileDescriptorProto) -> None:
        if not f.source_code_info.location:
            return
        del new.source_code_info.location[:]
        for location in f.source_code_info.location:
            path, no_comment = self.paths.new(location.path)
            if path is None:
                continue
            kept = new.source_code_info.location.add()
            kept.CopyFrom(location)
            kept.path[:] = path
            if no_comment:
                for name in ("leading_comments", "trailing_comments", "leading_detached_comments"):
                    kept.ClearField(name)

    def _list(self, path: list[int], items: Sequence[Message], remap) -> tuple[list[Message], bool]:
        """Each item remapped (None: dropped), positions moved up over the dropped ones."""
        kept, dirty = [], False
        for old, item in enumerate(items):
            new, changed = remap(path + [old], item)
            dirty = dirty or changed
            if new is None:
                self.paths.deleted(path + [old])
                continue
            if len(kept) != old:
                self.paths.moved(path + [old], len(kept))
            kept.append(new)
        if not kept:
            self.paths.deleted(path)
        return kept, dirty

    def options(self, path: list[int], element: Message) -> Message | None:
        """``element``'s new options when they change (without the custom options whose
        extension is excluded; empty: to be cleared, as buf clears options that set nothing),
        else None."""
        if not element.HasField("options"):
            return None
        dropped = [n for n, extension in self.index.custom_options(element)
                   if self.closure.mode(extension) == EXCLUDED]
        if not dropped and element.options.ByteSize():
            return None
        data = element.options.SerializeToString()
        for number in dropped:
            self.paths.deleted(path + [number])
            data = without_field(data, number)
        if not data:
            self.paths.deleted(path)
        return type(element.options).FromString(data)

    def _message(self, path: list[int], message: d.DescriptorProto
                 ) -> tuple[d.DescriptorProto | None, bool]:
        if not self.has(message):
            return None, True
        new = _copy(message)
        dirty = False
        if self.closure.mode(message) == ENCLOSING:
            dirty = True
            self.paths.no_comment(path)
            for tag in (_MSG_FIELDS, _MSG_ONEOFS, _MSG_RANGES, _MSG_RESERVED_RANGES,
                        _MSG_RESERVED_NAMES):
                self.paths.deleted(path + [tag])
            for name in ("field", "oneof_decl", "extension_range", "reserved_range",
                         "reserved_name"):
                new.ClearField(name)
        else:
            fields, changed = self._list(path + [_MSG_FIELDS], message.field, self._field)
            dirty = dirty or changed
            _replace(new, "field", fields)
            for i, oneof in enumerate(message.oneof_decl):
                options = self.options(path + [_MSG_ONEOFS, i, 2], oneof)
                dirty = _set_options(new.oneof_decl[i], options) or dirty
            for i, extension_range in enumerate(message.extension_range):
                options = self.options(path + [_MSG_RANGES, i, 3], extension_range)
                dirty = _set_options(new.extension_range[i], options) or dirty
        for field_name, tag, remap in (("extension", _MSG_EXTENSIONS, self._field),
                                       ("nested_type", _MSG_NESTED, self._message),
                                       ("enum_type", _MSG_ENUMS, self._enum)):
            items, changed = self._list(path + [tag], getattr(message, field_name), remap)
            dirty = dirty or changed
            _replace(new, field_name, items)
        dirty = _set_options(new, self.options(path + [7], message)) or dirty
        return (new if dirty else message), dirty

    def _enum(self, path: list[int], enum: d.EnumDescriptorProto
              ) -> tuple[d.EnumDescriptorProto | None, bool]:
        if not self.has(enum):
            return None, True
        # buf counts a kept enum as changed, whatever it holds
        new = _copy(enum)
        _set_options(new, self.options(path + [3], enum))
        for i, value in enumerate(enum.value):
            _set_options(new.value[i], self.options(path + [2, i, 3], value))
        return new, True

    def _service(self, path: list[int], service: d.ServiceDescriptorProto
                 ) -> tuple[d.ServiceDescriptorProto | None, bool]:
        if not self.has(service):
            return None, True
        methods, dirty = self._list(path + [_SERVICE_METHODS], service.method, self._method)
        options = self.options(path + [3], service)
        if not dirty and options is None:
            return service, False
        new = _copy(service)
        _replace(new, "method", methods)
        _set_options(new, options)
        return new, True

    def _method(self, path: list[int], method: d.MethodDescriptorProto
                ) -> tuple[d.MethodDescriptorProto | None, bool]:
        if not self.has(method):
            return None, True
        return self._reoptioned(path + [4], method)

    def _field(self, path: list[int], field: d.FieldDescriptorProto
               ) -> tuple[d.FieldDescriptorProto | None, bool]:
        if field.HasField("extendee") and not self.has(field):
            return None, True
        if field.type in REFERENCES and not self.has(self.index.type_of(field)):
            return None, True
        return self._reoptioned(path + [8], field)

    def _reoptioned(self, path: list[int], element: Message) -> tuple[Message, bool]:
        """``element`` with its options remapped (itself when they do not change)."""
        options = self.options(path, element)
        if options is None:
            return element, False
        new = _copy(element)
        _set_options(new, options)
        return new, True


def _set_options(element: Message, options: Message | None) -> bool:
    """Give ``element`` its new ``options`` (empty: none); whether there were any."""
    if options is None:
        return False
    if options.ByteSize():
        element.options.CopyFrom(options)
    else:
        element.ClearField("options")
    return True


def _copy(message: Message) -> Message:
    new = type(message)()
    new.CopyFrom(message)
    return new


def _replace(message: Message, field_name: str, items: Sequence[Message]) -> None:
    container = getattr(message, field_name)
    del container[:]
    container.extend(items)
