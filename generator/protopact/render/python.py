"""The ``python`` renderer: a typed, installable distribution of the contract.

Layout (``pkg`` is ``Settings.import_name``)::

    pyproject.toml                  name, version and requirements from [tool.protopact]
    pkg/__init__.py  pkg/py.typed   pkg/descriptor_set.binpb (the Image, a breaking baseline)
    pkg/<proto dirs>/x_pb2.py  x_pb2.pyi  x_pb2_grpc.py  x_pb2_grpc.pyi
    pkg/event_stream.py             typed event-stream client (when the API has event streams, with
                                    its own event metadata, stream configuration and ack RPCs)
    pkg/validation.py               ``validate(message)`` with protovalidate, the ``validate`` extra
                                    (when the contract carries ``buf.validate`` rules)
    pkg/betterproto/...             dataclass messages (flavor "betterproto2"), and
    pkg/betterproto/call_options.py ``with_options(channel, token=, metadata=, timeout=)`` for its stubs

Files that an installed distribution already provides (protobuf's well-known types,
googleapis-common-protos' ``google/api``, ``google/rpc``, ``google/type``...) are imported from it and
declared as requirements, never copied; every other file of the Image is generated, imports included.
Output depends only on the Image, the settings and the generator's versions.
"""

from __future__ import annotations

import keyword
import multiprocessing
import posixpath
import re
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import metadata
from multiprocessing.sharedctypes import Synchronized
from pathlib import PurePosixPath

from grpc_tools import grpc_version

from ..compile.image import Image
from ..compile.inputs import EMBEDDED_IMAGE
from ..config.settings import Settings
from ..errors import ProtopactError
from ..forked import beside, worth_forking
from .. import fieldpath
from . import env
from .betterproto import BETTERPROTO_PACKAGE, betterproto_modules
from .eventstream import event_stream_model
from .pycodegen import Stubs, module_path, python_code
from .pyimports import module_name, packages_of, rewrite_imports
from .targets import renderer

EVENT_STREAM_MODULE = "event_stream"
VALIDATION_MODULE = "validation"
CALL_OPTIONS_MODULE = "call_options"  # beside the betterproto2 packages
_VALIDATE_FILE = "buf/validate/validate.proto"
# The generated code only calls protovalidate's collect_violations and reads its Violation.proto.
_PROTOVALIDATE_FLOOR = ("protovalidate", "2.0")
_PROVIDERS = ("protobuf", "googleapis-common-protos")
# Floors for requirements whose generated code does not name a version.
_GOOGLEAPIS_FLOOR = ("googleapis-common-protos", "1.66")
# Typing stubs only serve type checkers: any release from the floor on will do.
_TYPING_REQUIREMENTS = ("types-grpcio>=1.0", "types-protobuf>=5.29")
# Below this many files a worker process costs more than it saves.
_PARALLEL_FILES = 300
_STUB_CHUNK = 100  # files; a tenth of a second of mypy-protobuf
# Preparing mypy-protobuf (option check, renaming, indexing) costs about three chunks (0.35 s on
# 7,200 files): the side that finishes protoc first joins in only when, that done, at least one
# chunk would still be left for it.
_JOIN_FROM = 4
_GENCODE_VERSION = re.compile(rb"^# Protobuf Python Version: ([0-9][0-9.]*)$", re.MULTILINE)


@renderer("python", subdirectory="python")
def render_python(image: Image, settings: Settings) -> dict[str, bytes]:
    root = settings.import_name
    names = [f.name for f in image.files if provider(f.name) is None]
    generated = frozenset(names)
    if not names:
        raise ProtopactError("generate: every file is provided by an installed distribution; "
                             "nothing to generate")
    _check_importable(names)
    _check_services(image, generated)
    with_services = {f.name for f in image.files if f.name in generated and f.service}
    module_names = {module_name(module_path(n) + "_pb2.py") for n in names}
    module_names |= {module_name(module_path(n) + "_pb2_grpc.py") for n in with_services}
    packages = packages_of(module_names)

    # protoc (C++) runs here while mypy-protobuf (pure Python) makes the stubs beside it: in a
    # forked process on large trees, else on a thread (small trees: protoc holds the GIL, so the
    # two take turns). The stubs come in chunks that either side claims, so once protoc is done
    # this side takes its share of what is left.
    chunks = [names[i:i + _STUB_CHUNK] for i in range(0, len(names), _STUB_CHUNK)]
    claimed = multiprocessing.Value("i", 0)

    def stubs_left(joining: bool = False) -> dict[str, bytes]:
        made: dict[str, bytes] = {}
        if joining and len(chunks) - claimed.value < _JOIN_FROM:
            return made  # reading the descriptors would cost more than the other side needs
        stubs = Stubs(image, names, root=root)
        while (index := _claim(claimed)) < len(chunks):
            made.update((path, text.encode()) for path, text in stubs.of(chunks[index]).items())
        return made

    with beside(stubs_left, fork=worth_forking(len(names), _PARALLEL_FILES)) as beside_stubs:
        modules = {path: rewrite_imports(data.decode(), module=module_name(path), root=root,
                                         modules=module_names, packages=packages).encode()
                   for path, data in python_code(image, names).items()}
        modules.update(stubs_left(joining=True))
        # Made while the other side finishes its last stubs.
        files = _package_files(image, settings, names, modules)
        modules.update(beside_stubs())
    files.update((f"{root}/{path}", data) for path, data in modules.items())
    for directory in _directories(modules):
        files[f"{root}/{directory}/__init__.py"] = b""
    return dict(sorted(files.items()))


def _package_files(image: Image, settings: Settings, names: list[str],
                   modules: dict[str, bytes]) -> dict[str, bytes]:
    """Everything but the generated modules and their packages' ``__init__.py``."""
    root, generated = settings.import_name, frozenset(names)
    files = {}
    events = event_stream_model(image, generated, settings.conventions)
    has_events = events is not None
    if events is not None:
        files[f"{root}/{EVENT_STREAM_MODULE}.py"] = env.render(
            "python", "event_stream.py.j2", package=root, m=events)
    has_rules = _VALIDATE_FILE in generated
    if has_rules:
        files[f"{root}/{VALIDATION_MODULE}.py"] = env.render(
            "python", "validation.py.j2", package=root, distribution=settings.name,
            shared=fieldpath.sources())
    if "betterproto2" in settings.flavors:
        made = betterproto_modules(image, names, root=root)
        if any(path.split("/")[0] == CALL_OPTIONS_MODULE for path in made):
            raise ProtopactError(f"betterproto2: a proto package named {CALL_OPTIONS_MODULE!r} "
                                 "cannot be generated: the name is reserved for protopact's module")
        for path, data in made.items():
            files[f"{root}/{BETTERPROTO_PACKAGE}/{path}"] = data
        files[f"{root}/{BETTERPROTO_PACKAGE}/{CALL_OPTIONS_MODULE}.py"] = env.render(
            "python", "call_options.py.j2", package=root)
    files[f"{root}/__init__.py"] = env.render(
        "python", "__init__.py.j2", settings=settings, summary=_docstring_text(_summary(settings)),
        has_events=has_events, event_stream=EVENT_STREAM_MODULE, has_rules=has_rules,
        validation=VALIDATION_MODULE)
    files[f"{root}/py.typed"] = b""
    files[f"{root}/{EMBEDDED_IMAGE}"] = image.to_binary()
    files["pyproject.toml"] = env.render(
        "python", "pyproject.toml.j2", settings=settings, package=root,
        requirements=requirements(image, generated, settings, modules), summary=_summary(settings),
        extras={"validate": [compatible(*_PROTOVALIDATE_FLOOR)]} if has_rules else {})
    return files


def _claim(counter: Synchronized[int]) -> int:
    """The next chunk's index, counted across processes (``counter`` is shared memory)."""
    with counter.get_lock():
        index: int = counter.value
        counter.value = index + 1
    return index


def _summary(settings: Settings) -> str:
    return " ".join(settings.description.split()) or \
        f"Typed Python package of the {settings.name} Protocol Buffers contract."


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def requirements(image: Image, names: AbstractSet[str], settings: Settings,
                 modules: dict[str, bytes]) -> list[str]:
    """The generated distribution's requirements, sorted, one per distribution: compatible ranges
    from the versions the code was generated with, so a release of the next major version (of the
    next minor for a 0.x library), which may break it, is not installed under it."""
    found = _GENCODE_VERSION.search(next(d for p, d in modules.items() if p.endswith("_pb2.py")))
    out = {"protobuf": compatible("protobuf", found.group(1).decode()) if found else "protobuf"}
    if any(f.service for f in image.files if f.name in names):
        out["grpcio"] = compatible("grpcio", grpc_version.VERSION)
    imported = {d for f in image.files if f.name in names for d in f.dependency}
    if any(provider(d) == "googleapis-common-protos" for d in imported):
        out["googleapis-common-protos"] = compatible(*_GOOGLEAPIS_FLOOR)
    if "betterproto2" in settings.flavors:
        out["betterproto2"] = compatible("betterproto2", metadata.version("betterproto2"))
    for requirement in _TYPING_REQUIREMENTS + settings.dependencies:
        out.setdefault(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower(), requirement)
    return sorted(out.values(), key=str.lower)


def compatible(distribution: str, floor: str) -> str:
    """``protobuf>=5.29.3,<6``; ``betterproto2>=0.10.0,<0.11``: a 0.x release may break on a minor."""
    major, minor = ([int(p) for p in re.findall(r"\d+", floor)[:2]] + [0])[:2]
    upper = f"0.{minor + 1}" if major == 0 else str(major + 1)
    return f"{distribution}>={floor},<{upper}"


def provider(proto: str) -> str | None:
    """The distribution that ships ``proto``'s Python module, if one of the known providers does."""
    return _provided().get(proto)


@cache
def _provided() -> dict[str, str]:
    provided = {}
    for distribution in _PROVIDERS:
        for entry in metadata.files(distribution) or ():
            name = str(entry)
            if name.startswith("google/") and name.endswith("_pb2.py"):
                provided[name.removesuffix("_pb2.py") + ".proto"] = distribution
    return provided


def _check_importable(names: list[str]) -> None:
    for name in names:
        # The file's own module is ``<stem>_pb2``, so a stem such as googleapis' ``import.proto``
        # is fine; only directories have to be names on their own.
        parts = PurePosixPath(module_path(name) + "_pb2").parts
        if parts[0] in (EVENT_STREAM_MODULE, BETTERPROTO_PACKAGE):
            raise ProtopactError(f"{name}: cannot generate a Python module: {parts[0]!r} is "
                                 "reserved for protopact's own modules in the package")
        for part in parts:
            if not part.isidentifier() or keyword.iskeyword(part):
                raise ProtopactError(f"{name}: cannot generate a Python module: {part!r} is not a "
                                     "valid Python module name")


def _check_services(image: Image, names: AbstractSet[str]) -> None:
    # grpc's generator makes each service a class and each method a def and an attribute, so a
    # keyword there is a syntax error, and mypy-protobuf leaves such a service out of the stubs.
    for f in image.files:
        if f.name not in names:
            continue
        for service in f.service:
            for name in (service.name, *(m.name for m in service.method)):
                if keyword.iskeyword(name):
                    raise ProtopactError(f"{f.name}: cannot generate gRPC Python code: {name!r} "
                                         f"in service {service.name} is a Python keyword")


def _directories(modules: dict[str, bytes]) -> set[str]:
    out = set()
    for path in modules:
        parent = posixpath.dirname(path)
        while parent and parent not in out:
            out.add(parent)
            parent = posixpath.dirname(parent)
    return out
