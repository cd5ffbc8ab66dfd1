"""What a pruned image keeps: every named element indexed, and the closure of the named types
(each element with how it came to be kept, and the imports each file needs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf import descriptor_pb2 as d
from google.protobuf.message import Message

from ...errors import ProtopactError
from ..image import field_numbers

EXPLICIT, ENCLOSING, IMPLICIT, EXCLUDED = "explicit", "enclosing", "implicit", "excluded"
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
REFERENCES = (d.FieldDescriptorProto.TYPE_MESSAGE, d.FieldDescriptorProto.TYPE_ENUM,
               d.FieldDescriptorProto.TYPE_GROUP)


class Index:
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


class Closure:
    """The elements kept, each with how it came to be, and the imports each file needs."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.modes: dict[int, str] = {}
        self.imports: dict[str, dict[str, None]] = {}

    def mode(self, element: Message | None) -> str:
        return self.modes.get(id(element), "") if element is not None else ""

    def has(self, element: Message, filtering: bool) -> bool:
        mode = self.mode(element)
        return mode in (EXPLICIT, ENCLOSING, IMPLICIT) or (mode == "" and not filtering)

    def _import(self, referrer: str, element: Message) -> None:
        target = self.index.file_of(element)
        if referrer and referrer != target:
            self.imports.setdefault(referrer, {})[target] = None

    def add(self, element: Message, referrer: str, implied: bool) -> None:
        if referrer:
            self._import(referrer, element)
        mode = self.mode(element)
        if mode and mode != ENCLOSING:
            if mode == IMPLICIT and not implied:
                self.modes[id(element)] = EXPLICIT
            return
        self.modes[id(element)] = IMPLICIT if implied else EXPLICIT
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
            if any(self.mode(t) == EXCLUDED for t in types):  # buf names the input either way
                raise ProtopactError(f'cannot include method "{self.index.info[id(element)][0]}" '
                                     f'as its input type "{element.input_type.lstrip(".")}" is '
                                     "type excluded by filter")
            for type_ in types:
                self.add(type_, own, False)
        elif isinstance(element, d.FieldDescriptorProto):  # an extension
            extendee = self.index.by_name.get(element.extendee.lstrip("."))
            if extendee is None or self.mode(extendee) == EXCLUDED:
                self.modes[id(element)] = EXCLUDED
                return
            self.add(extendee, own, implied)
            if not self._field_type(element, own):
                self.modes[id(element)] = EXCLUDED
                return
        if id(element) in self.index.info:
            self._enclosing(self.index.info[id(element)][1], own)
        self._options(element, own)

    def _field_type(self, field: d.FieldDescriptorProto, referrer: str) -> bool:
        if field.type not in REFERENCES:
            return True
        target = self.index.type_of(field)
        if self.mode(target) == EXCLUDED:
            return False
        self.add(target, referrer, False)
        return True

    def _enclosing(self, parent: Message | None, referrer: str) -> None:
        while isinstance(parent, (d.DescriptorProto, d.ServiceDescriptorProto,
                                  d.FileDescriptorProto)):
            if id(parent) in self.modes:
                break
            self.modes[id(parent)] = ENCLOSING
            self._options(parent, referrer)
            info = self.index.info.get(id(parent))
            parent = info[1] if info else None

    def _options(self, element: Message, referrer: str) -> None:
        """Add the extensions that define the custom options ``element`` sets (an excluded one
        is dropped from the options instead, see Remap.options)."""
        for _, extension in self.index.custom_options(element):
            if self.mode(extension) != EXCLUDED:
                self.add(extension, referrer, True)

    def exclude(self, element: Message) -> None:
        mode = self.mode(element)
        if mode:
            if mode != EXCLUDED:
                name = self.index.info.get(id(element), (getattr(element, "name", ""),))[0]
                raise ProtopactError(f'type "{name}" is already included')
            return
        self.modes[id(element)] = EXCLUDED
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
            if isinstance(element, d.DescriptorProto) and self.mode(element) == EXPLICIT:
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

