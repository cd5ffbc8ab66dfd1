"""protoc's Python code and mypy-protobuf's stubs for the files of an Image, all in process.

Nothing is recompiled: protoc reads the Image through ``--descriptor_set_in`` and writes ``_pb2.py``
and ``_pb2_grpc.py``; mypy-protobuf's generator runs on a ``CodeGeneratorRequest`` built from the same
descriptors and writes ``_pb2.pyi`` and ``_pb2_grpc.pyi`` (no plugin subprocess).

mypy-protobuf reads its options (``casttype`` 1151, ``keytype`` 1152, ``valuetype`` 1153, ``options``
1154) from ``FieldOptions`` by number. Other projects reuse those numbers: googleapis'
``google/cloud/extended_operations.proto`` declares ``operation_response_field = 1151``, so on
googleapis mypy-protobuf 5.1 takes ``"name"`` for a cast type and fails an assertion. protoc resolves
an option through the file's imports, so those numbers mean mypy-protobuf's options only in files that
import ``mypy_protobuf/extensions.proto``; everywhere else they are cleared before generating.
"""

from __future__ import annotations

import copy
import io
import keyword
import re
import tempfile
import tokenize
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, NamedTuple, cast

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from mypy_protobuf import extensions_pb2
from mypy_protobuf import main as mypy_protobuf

from ..compile.image import Image
from ..compile.protoc import invoke_protoc
from ..schema import walk
from ..writes import write_bytes

_MYPY_EXTENSIONS_FILE = "mypy_protobuf/extensions.proto"
_JSON_NAME = 10  # FieldDescriptorProto.json_name, the end of its source path
_KEYWORD_ATTRIBUTE = re.compile(rb"\.(?:%s)\b" % "|".join(keyword.kwlist).encode())
_MYPY_OPTIONS = (extensions_pb2.casttype, extensions_pb2.keytype, extensions_pb2.valuetype,
                 extensions_pb2.options)
# The keys those options are read with (length-delimited, two-byte varints): a file whose bytes
# hold none of them sets none, and is not walked field by field.
_MYPY_OPTION_KEYS = re.compile(b"|".join(
    re.escape(bytes([(key & 0x7F) | 0x80, key >> 7]))
    for key in ((o.number << 3) | 2 for o in _MYPY_OPTIONS)))


def python_code(image: Image, names: Sequence[str]) -> dict[str, bytes]:
    """protoc's ``_pb2.py`` and ``_pb2_grpc.py`` for ``names``; grpc modules only for services."""
    wanted = set(names)
    with_services = {module_path(f.name) + "_pb2_grpc.py" for f in image.files
                     if f.name in wanted and f.service}
    with tempfile.TemporaryDirectory(prefix="protopact-python-") as tmp:
        root = Path(tmp)
        descriptor_set = root / "image.binpb"
        write_bytes(descriptor_set, _for_python_out(image))
        # One run for both outputs: parsing the descriptor set is a large share of protoc's time.
        # Into one zip archive: thousands of small files written and read back cost as much again.
        out = root / "out.zip"
        invoke_protoc([f"--descriptor_set_in={descriptor_set}", f"--python_out={out}",
                       f"--grpc_python_out={out}", *names])
        with zipfile.ZipFile(out) as archive:
            generated = {name: archive.read(name) for name in archive.namelist()}
        return {path: _keyword_attributes(data) if path.endswith("_pb2_grpc.py") else data
                for path, data in sorted(generated.items())
                if not path.endswith("_pb2_grpc.py") or path in with_services}


def _keyword_attributes(source: bytes) -> bytes:
    """grpc's generator names messages as attributes (``a_pb2.None.FromString``), a syntax error
    when a message is named after a Python keyword; protoc's module defines it all the same, so
    such names are reached with ``getattr``. Tokens, not text, so docstrings are left alone."""
    if _KEYWORD_ATTRIBUTE.search(source) is None:
        return source  # tokenizing every module would cost seconds on googleapis
    tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    text = source.decode()
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        # A chain NAME . NAME . NAME ...; only names after a dot can be keywords used as attributes.
        j = i
        while j + 2 < len(tokens) and tokens[j].type == tokenize.NAME and \
                tokens[j + 1].exact_type == tokenize.DOT and tokens[j + 2].type == tokenize.NAME:
            j += 2
        chain = tokens[i:j + 1:2]
        if j > i and any(keyword.iskeyword(t.string) for t in chain[1:]):
            expression = chain[0].string
            for t in chain[1:]:
                expression = f"getattr({expression}, {t.string!r})" if keyword.iskeyword(t.string) \
                    else f"{expression}.{t.string}"
            begin = starts[chain[0].start[0] - 1] + chain[0].start[1]
            end = starts[chain[-1].end[0] - 1] + chain[-1].end[1]
            edits.append((begin, end, expression))
        i = j + 1
    for begin, end, expression in reversed(edits):
        text = text[:begin] + expression + text[end:]
    return text.encode()


def _for_python_out(image: Image) -> bytes:
    """The Image as a FileDescriptorSet with only the source locations the outputs use: protoc's
    Python generator reads none, the gRPC one only service and method comments. Parsing the rest
    is most of protoc's time."""
    stripped = image.without_source_info()  # new files, changed here before they are written
    for f, out in zip(image.files, stripped.files, strict=True):
        services: list[descriptor_pb2.SourceCodeInfo.Location] = []
        written: set[tuple[int, ...]] = set()
        for loc in f.source_code_info.location:
            depth = len(path := loc.path)  # the file's own location has an empty path
            if depth and path[0] == walk.FILE_SERVICE:
                services.append(loc)
            elif depth > 2 and path[-1] == _JSON_NAME:
                written.add(tuple(path[:-1]))
        if f.source_code_info.location:
            _json_names_as_written(out, written)
        if services:
            out.source_code_info.location.extend(services)
    return stripped.to_binary(mark_imports=False)


class _Request(NamedTuple):
    proto_file: list[descriptor_pb2.FileDescriptorProto]
    file_to_generate: Sequence[str]


class _UnderRoot:
    """A generated file as mypy-protobuf is shown it: named under the package root, it and the
    generated files it imports, so that the stubs import generated modules from inside the package
    (``root.a.b_pb2``) without being rewritten. mypy-protobuf reads a file's name and imports only
    to name modules; everything else is the file's own."""

    def __init__(self, f: descriptor_pb2.FileDescriptorProto, renamed: Mapping[str, str]) -> None:
        self._file = f
        self.name = renamed[f.name]
        self.dependency = [renamed.get(d, d) for d in f.dependency]
        # Read for every type a stub names: as attributes, not through __getattr__.
        self.package, self.syntax = f.package, f.syntax

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._file, attribute)


class Stubs:
    """mypy-protobuf over an Image: the descriptors are read once, then stubs are made for any
    files, a few at a time. The stubs import generated modules from the package ``root``."""

    def __init__(self, image: Image, names: Sequence[str], *, root: str) -> None:
        self._prefix = f"{root}/"
        renamed = {name: self._prefix + name for name in names}
        files = [_for_mypy_protobuf(image, f) for f in image.files]
        # Descriptors reads only these two fields of its request; copying every file into a real
        # CodeGeneratorRequest took three times as long as reading them.
        request = _Request(
            proto_file=[cast(descriptor_pb2.FileDescriptorProto, _UnderRoot(f, renamed))
                        if f.name in renamed else f for f in files],
            file_to_generate=list(renamed.values()))
        self._descriptors = mypy_protobuf.Descriptors(cast(plugin_pb2.CodeGeneratorRequest, request))

    def of(self, names: Iterable[str]) -> dict[str, str]:
        """``_pb2.pyi`` for ``names`` and ``_pb2_grpc.pyi`` for those of them with services (for
        the others they would be dropped, and cost a quarter more), by path in the package."""
        everything = self._descriptors.to_generate
        messages = {self._prefix + name: everything[self._prefix + name] for name in names}
        # Servicer stubs are concrete because the generated servicer base classes are: every
        # method exists and answers UNIMPLEMENTED.
        flags = {"quiet": True, "readable_stubs": False, "relax_strict_optional_primitives": False,
                 "use_default_deprecation_warnings": False, "generate_concrete_servicer_stubs": True}
        response = plugin_pb2.CodeGeneratorResponse()
        mypy_protobuf.generate_mypy_stubs(self._generating(messages), response, **flags)
        mypy_protobuf.generate_mypy_grpc_stubs(
            self._generating({n: f for n, f in messages.items() if f.service}), response, **flags,
            grpc_type=mypy_protobuf.GRPCType.from_parameter(""))
        return {f.name.removeprefix(self._prefix): f.content for f in response.file}

    def _generating(self, files: dict[str, descriptor_pb2.FileDescriptorProto]
                    ) -> mypy_protobuf.Descriptors:
        subset = copy.copy(self._descriptors)
        subset.to_generate = files
        return subset


def _for_mypy_protobuf(image: Image, f: descriptor_pb2.FileDescriptorProto
                       ) -> descriptor_pb2.FileDescriptorProto:
    """``f``, or a copy whose mypy-protobuf options are recognised or, where they are other
    projects' options under the same numbers, cleared. The Image's own files are never changed."""
    data = image.file_bytes(f)
    if not _MYPY_OPTION_KEYS.search(data):
        return f
    # Re-parsed now that mypy-protobuf's extensions are registered, so they are recognised.
    parsed = descriptor_pb2.FileDescriptorProto.FromString(data)
    if _MYPY_EXTENSIONS_FILE not in _imports(image, parsed):
        _clear_mypy_options(parsed)
    return parsed


def module_path(proto: str) -> str:
    """Where protoc and mypy-protobuf put a file's modules, without suffix: ``a/b-c.proto`` -> ``a/b_c``."""
    return proto.removesuffix(".proto").replace("-", "_").replace(".", "/")


def _imports(image: Image, f: descriptor_pb2.FileDescriptorProto) -> set[str]:
    """Files whose definitions ``f`` can name: its imports and what they import publicly."""
    seen: set[str] = set()
    pending = list(f.dependency)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        dependency = image.by_name.get(name)
        if dependency is not None:
            pending.extend(dependency.dependency[i] for i in dependency.public_dependency)
    return seen


def _clear_mypy_options(f: descriptor_pb2.FileDescriptorProto) -> None:
    for _, field in _fields(f):
        for extension in _MYPY_OPTIONS:
            if field.options.HasExtension(extension):
                field.options.ClearExtension(extension)


def _json_names_as_written(f: descriptor_pb2.FileDescriptorProto,
                           written: AbstractSet[tuple[int, ...]]) -> None:
    """Keep only the ``json_name`` s the source sets (``written``: the paths of their fields). A
    compiled set carries one on every field; protoc compiling the source embeds only the written
    ones in ``_pb2.py``, and so must we. A written one has a source location (``json_name`` is
    field 10), so without source info all stay."""
    for path, field in _fields(f):
        if path not in written:
            field.ClearField("json_name")


def _fields(f: descriptor_pb2.FileDescriptorProto
            ) -> Iterator[tuple[tuple[int, ...], descriptor_pb2.FieldDescriptorProto]]:
    """Every field and extension of ``f`` with its source path."""
    for i, extension in enumerate(f.extension):
        yield (walk.FILE_EXTENSION, i), extension
    pending: list[tuple[tuple[int, ...], descriptor_pb2.DescriptorProto]] = [
        ((walk.FILE_MESSAGE, i), message) for i, message in enumerate(f.message_type)]
    while pending:
        path, message = pending.pop()
        for i, field in enumerate(message.field):
            yield (*path, walk.MESSAGE_FIELD, i), field
        for i, extension in enumerate(message.extension):
            yield (*path, walk.MESSAGE_EXTENSION, i), extension
        pending += (((*path, walk.MESSAGE_NESTED, i), nested)
                    for i, nested in enumerate(message.nested_type))
