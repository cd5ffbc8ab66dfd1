"""An image pruned to some types, as buf prunes it for ``buf.gen.yaml``'s ``types`` and
``exclude_types``.

A name is a message, an enum, a service, a method, an extension or a package (all its files). The
pruned image keeps the named types and what they need: the types of their fields, the inputs and
outputs of their methods, the custom options they and their enclosing elements use (with the option
types), the extensions of the messages they reach, and the messages they are nested in (those only
as a namespace: without fields, ranges or comments). ``exclude_types`` removes types, and the fields
and methods that use them, from whatever is kept (with no ``types``: from every file). A file left
with none of the types is dropped, an import no file still imports too; a changed file's imports
are the ones it still needs (public imports become plain ones) and its source info follows its
elements' new positions.

The pruning mirrors buf's own (its ``bufimageutil`` package) decision for decision, quirks included:
an enum anywhere in a file counts as a change to it, so that buf's plugins and protopact's see the
same request. Pure functions over descriptors; nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf import descriptor_pb2 as d
from google.protobuf.message import Message

from ..errors import ProtopactError
from .image import field_numbers, without_field

_EXPLICIT, _ENCLOSING, _IMPLICIT, _EXCLUDED = "explicit", "enclosing", "implicit", "excluded"
_OPTIONS_TYPES = {
    "google.protobuf.FileOptions": d.FileOptions, "google.protobuf.MessageOptions": d.MessageOptions,
    "google.protobuf.FieldOptions": d.FieldOptions, "google.protobuf.OneofOptions": d.OneofOptions,
    "google.protobuf.ExtensionRangeOptions": d.ExtensionRangeOptions,
    "google.protobuf.EnumOptions": d.EnumOptions,
    "google.protobuf.EnumValueOptions": d.EnumValueOptions,
    "google.protobuf.ServiceOptions": d.ServiceOptions,
    "google.protobuf.MethodOptions": d.MethodOptions,
}
_OPTIONS_NAME = {cls: name for name, cls in _OPTIONS_TYPES.items()}
_REFERENCES = (d.FieldDescriptorProto.TYPE_MESSAGE, d.FieldDescriptorProto.TYPE_ENUM,
               d.FieldDescriptorProto.TYPE_GROUP)
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


def pruned(files: Sequence[d.FileDescriptorProto], imports: frozenset[str],
           include: Iterable[str] = (), exclude: Iterable[str] = ()
           ) -> list[d.FileDescriptorProto]:
    """``files`` (in dependency order; ``imports`` names those that are not targets) pruned to
    ``include`` less ``exclude``; an unknown name, an included one only the imports declare, and
    one both included and excluded are refused, in buf's words."""
    include, exclude = list(dict.fromkeys(include)), list(dict.fromkeys(exclude))
    if not include and not exclude:
        return list(files)
    index = _Index(files)
    closure = _Closure(index)
    for name in exclude:
        for element in index.named(name, imports, "exclusion"):
            closure.exclude(element)
    for name in include:
        for element in index.named(name, imports, "inclusion"):
            if closure.mode(element) == _EXCLUDED:
                raise ProtopactError(f'inclusion of type "{name}": type excluded by filter')
            closure.add(element, "", False)
    if not include:
        for f in files:
            if f.name not in imports:
                closure.add(f, "", False)
    closure.add_extensions()
    kept: list[d.FileDescriptorProto] = []
    imported: set[str] = set()
    for f in reversed(files):
        if f.name in imports and f.name not in imported:
            continue
        new = _Remap(index, closure, bool(include)).file(f)
        if new is None:
            if f.name in imported:
                raise ProtopactError(f"{f.name}: imported, but pruned away by types")
            continue
        imported.update(new.dependency)
        kept.append(new)
    return kept[::-1]


class _Index:
    """Every named element by full name and by identity, with its parent and file."""

    def __init__(self, files: Sequence[d.FileDescriptorProto]) -> None:
        self.by_name: dict[str, Message] = {}
        self.info: dict[int, tuple[str, Message | None, str]] = {}  # id -> name, parent, file
        self.packages: dict[str, list[d.FileDescriptorProto]] = {}
        self.options: dict[str, dict[int, d.FieldDescriptorProto]] = {}
        self.extensions: dict[str, list[d.FieldDescriptorProto]] = {}
        for f in files:
            self.packages.setdefault(f.package, []).append(f)
            prefix = f"{f.package}." if f.package else ""
            for message in f.message_type:
                self._message(message, prefix, f)
            for enum in f.enum_type:
                self._add(prefix + enum.name, enum, f)
            for service in f.service:
                self._add(prefix + service.name, service, f)
                for method in service.method:
                    self._add(f"{prefix}{service.name}.{method.name}", method, f)
            for extension in f.extension:
                self._extension(prefix + extension.name, extension, f)

    def _message(self, message: d.DescriptorProto, prefix: str, f: d.FileDescriptorProto) -> None:
        name = prefix + message.name
        self._add(name, message, f)
        for nested in message.nested_type:
            self._message(nested, name + ".", f)
        for enum in message.enum_type:
            self._add(f"{name}.{enum.name}", enum, f)
        for extension in message.extension:
            self._extension(f"{name}.{extension.name}", extension, f)

    def _extension(self, name: str, extension: d.FieldDescriptorProto,
                   f: d.FileDescriptorProto) -> None:
        self._add(name, extension, f)
        extendee = extension.extendee.lstrip(".")
        if extendee in _OPTIONS_TYPES:
            self.options.setdefault(extendee, {})[extension.number] = extension
        self.extensions.setdefault(extendee, []).append(extension)

    def _add(self, name: str, element: Message, f: d.FileDescriptorProto) -> None:
        # as buf finds a parent: the element named by the name's prefix, else the file (none for
        # a top-level element of a file without a package)
        parent: Message | None = None
        if "." in name:
            parent = self.by_name.get(name.rsplit(".", 1)[0], f)
        self.by_name[name] = element
        self.info[id(element)] = (name, parent, f.name)

    def file_of(self, element: Message) -> str:
        return self.info[id(element)][2] if id(element) in self.info else ""

    def named(self, name: str, imports: frozenset[str], verb: str) -> list[Message]:
        """The elements a ``types`` (``verb`` "inclusion") or ``exclude_types`` ("exclusion")
        entry names: one element, or a package's files; only exclusion reaches the imports."""
        if name in self.by_name:
            found = [self.by_name[name]]
            declared_in = {self.file_of(found[0])}
        elif name in self.packages:
            found = list(self.packages[name])
            declared_in = {f.name for f in found}
        else:
            raise ProtopactError(f'{verb} of type "{name}": not found')
        if verb == "inclusion" and declared_in <= imports:
            raise ProtopactError(f'{verb} of type "{name}": type declared in imported module')
        return found

    def custom_options(self, element: Message) -> list[tuple[int, d.FieldDescriptorProto]]:
        """The custom options ``element`` sets: each number with its extension."""
        if not element.HasField("options"):
            return []
        options = element.options
        known = options.DESCRIPTOR.fields_by_number
        by_number = self.options.get(_OPTIONS_NAME[type(options)], {})
        return [(n, by_number[n]) for n in field_numbers(options.SerializeToString())
                if n not in known and n in by_number]

    def type_of(self, field: d.FieldDescriptorProto) -> Message:
        name = field.type_name.lstrip(".")
        if name not in self.by_name:
            raise ProtopactError(f"{field.name}: its type {name} is not in the image")
        return self.by_name[name]


class _Closure:
    """The elements kept, each with how it came to be, and the imports each file needs."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self.modes: dict[int, str] = {}
        self.imports: dict[str, dict[str, None]] = {}

    def mode(self, element: Message | None) -> str:
        return self.modes.get(id(element), "") if element is not None else ""

    def has(self, element: Message, filtering: bool) -> bool:
        mode = self.mode(element)
        return mode in (_EXPLICIT, _ENCLOSING, _IMPLICIT) or (mode == "" and not filtering)

    def _import(self, referrer: str, element: Message) -> None:
        target = self.index.file_of(element)
        if referrer and referrer != target:
            self.imports.setdefault(referrer, {})[target] = None

    def add(self, element: Message, referrer: str, implied: bool) -> None:
        if referrer:
            self._import(referrer, element)
        mode = self.mode(element)
        if mode and mode != _ENCLOSING:
            if mode == _IMPLICIT and not implied:
                self.modes[id(element)] = _EXPLICIT
            return
        self.modes[id(element)] = _IMPLICIT if implied else _EXPLICIT
        own = self.index.file_of(element)
        if isinstance(element, d.FileDescriptorProto):
            for child in _children(element):
                self.add(child, "", False)
        elif isinstance(element, d.DescriptorProto):
            for field in element.field:
                if self._field_type(field, own):
                    self._options(field, own)
            for oneof in element.oneof_decl:
                self._options(oneof, own)
            for extension_range in element.extension_range:
                self._options(extension_range, own)
        elif isinstance(element, d.EnumDescriptorProto):
            for value in element.value:
                self._options(value, own)
        elif isinstance(element, d.ServiceDescriptorProto):
            for method in element.method:
                self.add(method, "", False)
        elif isinstance(element, d.MethodDescriptorProto):
            types = [self.index.by_name[n.lstrip(".")] for n in (element.input_type,
                                                                 element.output_type)]
            if any(self.mode(t) == _EXCLUDED for t in types):  # buf names the input either way
                raise ProtopactError(f'cannot include method "{self.index.info[id(element)][0]}" '
                                     f'as its input type "{element.input_type.lstrip(".")}" is '
                                     "type excluded by filter")
            for type_ in types:
                self.add(type_, own, False)
        elif isinstance(element, d.FieldDescriptorProto):  # an extension
            extendee = self.index.by_name.get(element.extendee.lstrip("."))
            if extendee is None or self.mode(extendee) == _EXCLUDED:
                self.modes[id(element)] = _EXCLUDED
                return
            self.add(extendee, own, implied)
            if not self._field_type(element, own):
                self.modes[id(element)] = _EXCLUDED
                return
        if id(element) in self.index.info:
            self._enclosing(self.index.info[id(element)][1], own)
        self._options(element, own)

    def _field_type(self, field: d.FieldDescriptorProto, referrer: str) -> bool:
        if field.type not in _REFERENCES:
            return True
        target = self.index.type_of(field)
        if self.mode(target) == _EXCLUDED:
            return False
        self.add(target, referrer, False)
        return True

    def _enclosing(self, parent: Message | None, referrer: str) -> None:
        while isinstance(parent, (d.DescriptorProto, d.ServiceDescriptorProto,
                                  d.FileDescriptorProto)):
            if id(parent) in self.modes:
                break
            self.modes[id(parent)] = _ENCLOSING
            self._options(parent, referrer)
            info = self.index.info.get(id(parent))
            parent = info[1] if info else None

    def _options(self, element: Message, referrer: str) -> None:
        """Add the extensions that define the custom options ``element`` sets (an excluded one
        is dropped from the options instead, see _Remap.options)."""
        for _, extension in self.index.custom_options(element):
            if self.mode(extension) != _EXCLUDED:
                self.add(extension, referrer, True)

    def exclude(self, element: Message) -> None:
        mode = self.mode(element)
        if mode:
            if mode != _EXCLUDED:
                name = self.index.info.get(id(element), (getattr(element, "name", ""),))[0]
                raise ProtopactError(f'type "{name}" is already included')
            return
        self.modes[id(element)] = _EXCLUDED
        if isinstance(element, d.FileDescriptorProto):
            children: Iterable[Message] = [*element.message_type, *element.enum_type,
                                           *element.service, *element.extension]
        elif isinstance(element, d.DescriptorProto):
            children = [*element.nested_type, *element.enum_type, *element.extension]
        elif isinstance(element, d.ServiceDescriptorProto):
            children = element.method
        else:
            children = ()
        for child in children:
            self.exclude(child)

    def add_extensions(self) -> None:
        """The extensions of every message reached directly (not only as a namespace)."""
        for name, element in list(self.index.by_name.items()):
            if isinstance(element, d.DescriptorProto) and self.mode(element) == _EXPLICIT:
                for extension in self.index.extensions.get(name, ()):
                    self.add(extension, "", False)


def _children(f: d.FileDescriptorProto) -> Iterable[Message]:
    """Every named element of a file (messages, enums, services, methods, extensions, nested)."""
    pending: list[Message] = [*f.message_type, *f.enum_type, *f.service, *f.extension]
    while pending:
        element = pending.pop(0)
        yield element
        if isinstance(element, d.DescriptorProto):
            pending += [*element.nested_type, *element.enum_type, *element.extension]
        elif isinstance(element, d.ServiceDescriptorProto):
            pending += list(element.method)


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


class _Remap:
    """One file rebuilt with only what the closure keeps."""

    def __init__(self, index: _Index, closure: _Closure, filtering: bool) -> None:
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
                   if self.closure.mode(extension) == _EXCLUDED]
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
        if self.closure.mode(message) == _ENCLOSING:
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
        if field.type in _REFERENCES and not self.has(self.index.type_of(field)):
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
