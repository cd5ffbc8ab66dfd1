"""The Image: every file of a build as ``FileDescriptorProto`` s, in dependency order, plus which files
are targets (the user's) and which are imports.

Serialised as a ``FileDescriptorSet``, wire-compatible with buf's images: a file that is an import
carries buf's ``ImageFileExtension`` (field 8042, ``is_import = true``), so buf and protopact read
each other's images with the same targets. ``google.api.http`` is registered before any parsing, so
HTTP rules are typed extensions and two producers that order an option's fields differently (buf
keeps source order, protoc sorts) still give equal, identically serialised Images. Reading is fast
when a file carries no extension or carries it as its last field, as every writer puts it; otherwise
only the top level of that file is walked to find it.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from google.api import annotations_pb2  # noqa: F401  (registers google.api.http, see below)
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError, EncodeError, Message
from google.protobuf.unknown_fields import UnknownFieldSet

from ..errors import ProtopactError, escaped
from ..forked import beside, worth_forking
from .extension_numbers import Clash
from .order import imports_of
from .sourceinfo import SOURCE_CODE_INFO
from .undecoded import decoded
from .validation import image_problem
from .wire import fields as _fields
from .wire import read_varint as _read_varint
from .wire import varint as _varint

_BUF_EXTENSION = 8042
_EXT_TAG = bytes([0xD2, 0xF6, 0x03])  # varint((8042 << 3) | 2)
_IS_IMPORT = b"\x08\x01"
# Checked beside parsing from this size (a 58 MB image took 0.4 s to check and 0.6 s to parse).
_CHECK_BESIDE_FROM = 8 << 20


@dataclass(frozen=True, eq=False)
class Image:
    """Files in dependency order; ``targets`` names the files the user asked for."""

    files: tuple[descriptor_pb2.FileDescriptorProto, ...]
    targets: frozenset[str]
    # import path -> the path shown to the user (relative to the working directory when on disk)
    shown_paths: Mapping[str, str] = field(default_factory=dict)
    # import path -> the file's bytes as protoc, an image file or the cache gave them, when known
    # (see same_file); the cache may give a memoryview of its entry (see .cache), which any reader
    # of bytes-like objects takes
    encoded: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    # extension numbers taken twice, which protoc lets pass and buf refuses (see
    # load_input); only a compile finds them, an image file is read as it is
    clashes: Sequence[Clash] = ()
    # the files by name, when their maker has them at hand: made otherwise (see by_name)
    files_by_name: Mapping[str, descriptor_pb2.FileDescriptorProto] | None = field(
        default=None, repr=False)

    def shown(self, name: str) -> str:
        return self.shown_paths.get(name, name)

    @cached_property
    def by_name(self) -> Mapping[str, descriptor_pb2.FileDescriptorProto]:
        known = self.files_by_name
        return known if known is not None else {f.name: f for f in self.files}

    def target_files(self) -> Iterator[descriptor_pb2.FileDescriptorProto]:
        return iter(self._target_files)

    @cached_property
    def _target_files(self) -> tuple[descriptor_pb2.FileDescriptorProto, ...]:
        return tuple(f for f in self.files if f.name in self.targets)

    @cached_property
    def pool(self) -> descriptor_pool.DescriptorPool:
        """A descriptor pool holding every file, for code that needs live descriptors."""
        pool = descriptor_pool.DescriptorPool()
        for f in self.files:
            lacking = [d for d in imports_of(f) if d not in self.by_name]
            if lacking:
                raise ProtopactError(f"{self.shown(f.name)}: the image lacks its import "
                                     f"{lacking[0]}; build the image with its imports")
            pool.Add(decoded(f))
        return pool

    def with_targets(self, targets: Iterable[str]) -> Image:
        # the same files: lint makes one such image per batch
        return Image(self.files, frozenset(targets), self.shown_paths, self.encoded,
                     files_by_name=self.__dict__.get("by_name", self.files_by_name))

    def without_imports(self) -> Image:
        return Image(tuple(self.target_files()), self.targets, self.shown_paths, self.encoded)

    def without_unimported(self) -> Image:
        """The targets and the files they import: what buf writes for an image limited by
        ``--path``."""
        kept = self.with_imports(self.targets)
        return Image(tuple(f for f in self.files if f.name in kept), self.targets,
                     self.shown_paths, self.encoded)

    def with_imports(self, names: Iterable[str]) -> frozenset[str]:
        """``names`` and every file they import, directly or not, that the image holds."""
        seen: set[str] = set()
        pending = [n for n in names if n in self.by_name]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                pending += (d for d in imports_of(self.by_name[name]) if d in self.by_name)
        return frozenset(seen)

    def without_source_info(self) -> Image:
        # Parsing each file without its source info is cheaper than copying it whole.
        files = (descriptor_pb2.FileDescriptorProto.FromString(
            without_field(self.file_bytes(f), SOURCE_CODE_INFO)) for f in self.files)
        return Image(tuple(files), self.targets, self.shown_paths)

    def file_bytes(self, f: descriptor_pb2.FileDescriptorProto) -> bytes:
        """``f`` encoded: the bytes it was read as, else serialized."""
        return self.encoded.get(f.name) or f.SerializeToString(deterministic=True)

    def to_binary(self, *, mark_imports: bool = True, as_read: bool = False) -> bytes:
        """A ``FileDescriptorSet``, byte-identical for the same Image, imports marked as buf does
        unless ``mark_imports`` is false (a plain FileDescriptorSet). ``as_read`` reuses the bytes
        files were read as: faster, but another writer's field order is kept."""
        return b"".join(self.binary_pieces(mark_imports=mark_imports, as_read=as_read))

    def binary_pieces(self, *, mark_imports: bool = True, as_read: bool = False) -> Iterator[bytes]:
        """:meth:`to_binary`'s bytes in pieces, for a writer that need not join them all."""
        for f in self.files:
            payload = self.file_bytes(f) if as_read else f.SerializeToString(deterministic=True)
            if mark_imports and f.name not in self.targets:
                payload = b"".join((payload, _EXT_TAG, _varint(len(_IS_IMPORT)), _IS_IMPORT))
            yield b"\x0a" + _varint(len(payload))
            yield payload

    def to_json(self, *, mark_imports: bool = True) -> str:
        from google.protobuf import json_format  # see image_from_json

        data = json_format.MessageToDict(_with_options(self), preserving_proto_field_name=False)
        for entry in data.get("file", []):
            if mark_imports and entry.get("name") not in self.targets:
                entry["bufExtension"] = {"isImport": True}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _with_options(image: Image) -> Message:
    """The image's files as a ``FileDescriptorSet`` of the image's own ``descriptor.proto``, whose
    options extensions (``buf.validate`` rules, any custom option) json_format then reads and
    writes as ``[full.name]`` keys; a plain one (which drops them) when the image cannot say."""
    plain = descriptor_pb2.FileDescriptorSet(file=map(decoded, image.files))
    try:
        found = image.pool.FindMessageTypeByName(plain.DESCRIPTOR.full_name)
        files = found.fields_by_name.get("file")
        if files is None or files.message_type is None or not files.is_repeated \
                or files.message_type.GetOptions().map_entry:
            return plain  # a descriptor.proto whose set does not hold a list of files
        # an image's descriptor.proto that declares its fields otherwise cannot read them
        return message_factory.GetMessageClass(found).FromString(plain.SerializeToString())
    except (KeyError, TypeError, DecodeError, ProtopactError):
        return plain


def same_file(previous: Image, current: Image, name: str) -> bool:
    """Whether both images hold ``name`` declaring exactly the same (source locations included).

    Equal bytes as read are equal files; otherwise (different writers may order fields
    differently) the parsed files are compared."""
    before, after = previous.by_name.get(name), current.by_name.get(name)
    if before is None or after is None:
        return False
    read, now = previous.encoded.get(name), current.encoded.get(name)
    if read is not None and now is not None and same_bytes(read, now):
        return True
    return before.SerializeToString(deterministic=True) == after.SerializeToString(deterministic=True)


def same_bytes(a: bytes, b: bytes) -> bool:
    """Whether two files' bytes as read are equal: the same object at once, and views of a cache
    entry (see ``Image.encoded``) as bytes, since a view compares item by item, ten times as slowly
    as bytes do, and is never equal to itself without doing so."""
    return a is b or (len(a) == len(b) and bytes(a) == bytes(b))


def image_from_bytes(data: bytes, *, label: str) -> Image:
    """Parse and check (see :mod:`.validation`) a binary ``FileDescriptorSet`` or buf image.

    Within :func:`sharing`, a large image's check may still be running when this returns."""
    try:
        payloads = list(_length_delimited(data, field_number=1))
    except (ValueError, IndexError) as exc:
        raise ProtopactError(f"{label}: not a valid image (FileDescriptorSet): {exc}") from None
    if _READ is not None:
        _READ.settle()  # one check at a time: a fork is safe only without the last one's threads
    valid_elsewhere = _READ.valid if _READ is not None else ()

    def problem() -> str | None:
        return image_problem(payloads, [file_name(p) for p in payloads],
                             valid_elsewhere=valid_elsewhere)

    # Checking costs about as much as parsing: on a large image a forked process does it meanwhile.
    fork = worth_forking(len(data), _CHECK_BESIDE_FROM)
    with ExitStack() as running:
        checked = running.enter_context(beside(problem, fork=fork))
        try:
            files, imports, encoded = decoded_files(payloads)
        except (DecodeError, ValueError, IndexError) as exc:
            raise ProtopactError(f"{label}: not a valid image (FileDescriptorSet): {exc}") from None
        image = _checked(Image(tuple(files), frozenset(f.name for f in files if f.name not in imports),
                               encoded=encoded), label)
        check = running.pop_all()

    def settle() -> None:
        with check:
            _raise_problem(checked(), label)
        if _READ is not None:
            _READ.valid = payloads

    if _READ is not None and fork:
        _READ.pending = settle
    else:
        settle()
    return image


# a file decoded: its descriptor, whether it is marked as an import, its bytes without the mark
Decoded = tuple[descriptor_pb2.FileDescriptorProto, bool, bytes]


def decoded_files(
    payloads: Iterable[bytes], ahead: Mapping[bytes, Decoded] | None = None,
) -> tuple[list[descriptor_pb2.FileDescriptorProto], set[str], dict[str, bytes]]:
    """The files of a ``FileDescriptorSet`` or buf image, each given as its bytes, the names buf's
    extension marks as imports, and each file's bytes as read (without the extension); those in
    ``ahead`` (from :func:`decoded_ahead`) are taken as decoded there. Raises ``DecodeError``,
    ``ValueError`` or ``IndexError`` on bytes that are not files."""
    files, imports, encoded = [], set(), {}
    for payload in payloads:
        read = ahead.get(payload) if ahead is not None else None
        f, is_import, stripped = read if read is not None else _decoded(payload)
        files.append(f)
        encoded[f.name] = stripped
        if is_import:
            imports.add(f.name)
    return files, imports, encoded


def decoded_ahead(payloads: Iterable[bytes]) -> dict[bytes, Decoded]:
    """Files decoded before the rest of their set is known, by their bytes, for
    :func:`decoded_files`."""
    return {payload: _decoded(payload) for payload in payloads}


def _decoded(payload: bytes) -> Decoded:
    seen = _READ.decoded if _READ is not None else None
    read = seen.get(payload) if seen is not None else None
    if read is None:
        read = _file_with_extension(payload)
        if seen is not None:
            seen[payload] = read
    return read


@dataclass
class _Read:
    """What the images read within :func:`sharing` hold, by each file's bytes as read."""

    decoded: dict[bytes, Decoded] = field(default_factory=dict)
    valid: Sequence[bytes] = ()  # the files of the last image that passed the check
    pending: Callable[[], None] | None = None  # waits for the last image's check, raises its problem

    def settle(self, side: str | None = None) -> None:
        """Wait for the last image's check; its problem is raised naming ``side`` (``against``)."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        try:
            pending()
        except ProtopactError as exc:
            raise (exc.prefixed(side) if side else exc) from None


_READ: _Read | None = None


@contextmanager
def sharing() -> Iterator[Callable[[str], None]]:
    """Images read within share the files they hold byte for byte: each such file is parsed once
    (the images share its ``FileDescriptorProto``, which nothing changes), and its strings are
    checked once (see :func:`.validation.image_problem`). Two sides of a breaking check mostly
    agree: the second costs little more than the files that changed.

    A large image's check runs on while the block goes on with the image: call the yielded
    function, naming the side the image was read for, before relying on what the check found
    (and after a failure it may explain). The block's end waits for it in any case."""
    global _READ
    outer, _READ = _READ, _Read()
    read = _READ
    try:
        yield read.settle
    finally:
        _READ = outer
        read.settle()


def image_from_json(text: str, *, label: str) -> Image:
    """Parse the JSON form of a ``FileDescriptorSet`` (buf's ``bufExtension`` keys honoured)."""
    # imported for JSON images alone: about 4 ms (its patterns) that every command reading a
    # binary image or a tree would pay at start-up
    from google.protobuf import json_format

    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        targets = set()
        for entry in data.get("file", []):
            extension = entry.pop("bufExtension", None) or {}
            if not extension.get("isImport"):
                targets.add(entry.get("name", ""))
        fds = json_format.ParseDict(data, descriptor_pb2.FileDescriptorSet(),
                                    ignore_unknown_fields=True)
        if not fds.IsInitialized():
            raise ValueError(f"missing required field {fds.FindInitializationErrors()[0]}")
        # again, now that the files can say which options extensions there are
        described = _with_options(Image(tuple(fds.file), frozenset(targets)))
        fds = descriptor_pb2.FileDescriptorSet.FromString(
            json_format.ParseDict(data, type(described)(),
                                  descriptor_pool=described.DESCRIPTOR.file.pool).SerializeToString())
    except RecursionError:
        raise ProtopactError(f"{label}: not a valid JSON image: nested too deeply") from None
    except (ValueError, json_format.ParseError, AttributeError, TypeError, EncodeError,
            DecodeError) as exc:
        raise ProtopactError(f"{label}: not a valid JSON image: {_json_reason(exc)}") from None
    image = _checked(Image(tuple(fds.file), frozenset(targets)), label)
    _raise_problem(image_problem([f.SerializeToString() for f in image.files],
                                 [f.name for f in image.files]), label)
    return image


_PARSE_STEP = re.compile(r"Failed to parse (\w+) field: ")


def _json_reason(exc: Exception) -> str:
    """json_format's reason on one line, its chain of "Failed to parse X field: " (one per level,
    a hundred on a deeply nested image) as a dotted path, the middle of a long one elided."""
    text = " ".join(str(exc).split())
    steps = []
    while (step := _PARSE_STEP.match(text)) is not None:
        steps.append(step[1])
        text = text[step.end():]
    text = text.rstrip(".")
    if len(steps) > 6:
        steps = [*steps[:3], "…", *steps[-2:]]
    return f"{'.'.join(steps)}: {text}" if steps else text


def _raise_problem(problem: str | None, label: str) -> None:
    if problem is not None:
        raise ProtopactError(f"{label}: not a valid image: {escaped(problem)}")


def _checked(image: Image, label: str) -> Image:
    """Structural checks; imports may be missing (images built with ``--exclude-imports``)."""
    if not image.files:
        raise ProtopactError(f"{label}: the image contains no files")
    names: set[str] = set()
    for f in image.files:
        if not f.name:
            raise ProtopactError(f"{label}: the image has a file without a name")
        if f.name in names:
            raise ProtopactError(f"{label}: the image contains {f.name} twice")
        names.add(f.name)
    return image


def field_numbers(data: bytes) -> list[int]:
    """The numbers of a message's top-level fields, each once, in the order they first appear."""
    return list(dict.fromkeys(number for number, _, _, _ in _fields(data)))


def _length_delimited(data: bytes, *, field_number: int) -> Iterator[bytes]:
    for number, wire, start, end in _fields(data):
        if number == field_number and wire == 2:
            _, body = _read_varint(data, start)  # skip the key
            _, body = _read_varint(data, body)  # skip the length
            yield data[body:end]


def without_field(data: bytes, field_number: int) -> bytes:
    """A message's bytes without every top-level occurrence of ``field_number``."""
    return b"".join(data[start:end] for number, _, start, end in _fields(data)
                    if number != field_number)


def _file_with_extension(payload: bytes) -> Decoded:
    """Parse one file of a buf image; report whether its extension marks it as an import, and
    the file's bytes without the extension.

    Writers put the extension last (it has the highest field number), so it is cut off the end
    without walking the file. A cut in the wrong place leaves a truncated field (a decode error)
    or the extension itself among the unknown fields; either sends the file the slow way.
    """
    at = payload.rfind(_EXT_TAG)
    if at < 0:
        return descriptor_pb2.FileDescriptorProto.FromString(payload), False, payload
    try:
        length, body = _read_varint(payload, at + len(_EXT_TAG))
        if body + length == len(payload):
            stripped = payload[:at]
            f = descriptor_pb2.FileDescriptorProto.FromString(stripped)
            unknown = UnknownFieldSet(f)
            if all(unknown[i].field_number != _BUF_EXTENSION for i in range(len(unknown))):
                return f, _marks_import(payload[body:]), stripped
    except (DecodeError, IndexError, ValueError):
        pass
    stripped, is_import = _strip_extension(payload)
    return descriptor_pb2.FileDescriptorProto.FromString(stripped), is_import, stripped


def set_files(data: bytes) -> list[tuple[str, bytes]]:
    """The names and bytes of the files of set ``data``, without decoding them."""
    return [(_name(p), p) for p in _length_delimited(data, field_number=1)]


def set_names(data: bytes) -> list[str]:
    """The names of the files of set ``data``, without decoding them."""
    return [name for name, _ in set_files(data)]


def encode_set(files: Iterable[bytes]) -> bytes:
    """Serialized ``FileDescriptorProto`` s as the bytes of a ``FileDescriptorSet``."""
    return b"".join(b"\x0a" + _varint(len(p)) + p for p in files)


def _name(payload: bytes) -> str:
    """A file's name; writers put it first (field 1), so only that field is read."""
    if payload[:1] == b"\x0a":
        length, start = _read_varint(payload, 1)
        return payload[start : start + length].decode("utf-8")
    return descriptor_pb2.FileDescriptorProto.FromString(payload).name


def file_name(payload: bytes) -> str:
    """A serialized file's name; empty when the bytes are not a file with a valid name."""
    try:
        return _name(payload)
    except (DecodeError, ValueError, IndexError):
        return ""


def _marks_import(extension: bytes) -> bool:
    for number, wire, start, _ in _fields(extension):
        if number == 1 and wire == 0:
            return bool(_read_varint(extension, start + 1)[0])
    return False


def _strip_extension(payload: bytes) -> tuple[bytes, bool]:
    """Remove buf's ImageFileExtension from a file; report whether it marked an import."""
    kept, is_import = bytearray(), False
    for number, wire, start, end in _fields(payload):
        if number == _BUF_EXTENSION and wire == 2:
            _, body = _read_varint(payload, start)
            _, body = _read_varint(payload, body)
            is_import = _marks_import(payload[body:end])
        else:
            kept += payload[start:end]
    return bytes(kept), is_import
