"""The files protopact supplies without being asked: its own building blocks (``protopact/v1``),
googleapis-common-protos (``google/api/annotations.proto``, ...), protovalidate's
``buf/validate/validate.proto`` (the building blocks carry their rules in it) and protobuf's
well-known types.

They come after every declared dependency, so a module listed in ``buf.yaml`` wins over them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

from .. import __version__
from ..paths import bundled_proto_root
from ..versions import grpcio_tools
from .distributions import distribution_dependency
from .model import Contents, Dependency

WELL_KNOWN_TYPES = "buf.build/protocolbuffers/wellknowntypes"
GOOGLEAPIS = "buf.build/googleapis/googleapis"
BUILDING_BLOCKS = "protopact"
GOOGLEAPIS_DISTRIBUTION = "googleapis-common-protos"
PROTOVALIDATE = "buf.build/bufbuild/protovalidate"
PROTOVALIDATE_DISTRIBUTION = "protovalidate"


@cache
def well_known_root() -> Path:
    return Path(str(resources.files("grpc_tools") / "_proto"))


@cache
def library_dependencies() -> tuple[Dependency, ...]:
    found = [_building_blocks(),
             distribution_dependency(GOOGLEAPIS, GOOGLEAPIS_DISTRIBUTION, library=True),
             distribution_dependency(PROTOVALIDATE, PROTOVALIDATE_DISTRIBUTION, library=True),
             _well_known_types()]
    return tuple(d for d in found if d is not None)


@cache
def library_files() -> frozenset[str]:
    """Import paths of every file the libraries serve."""
    return frozenset(n for d in library_dependencies() for n in d.contents.files)


def _tree(root: Path) -> frozenset[str]:
    return frozenset(p.relative_to(root).as_posix() for p in root.rglob("*.proto"))


def _building_blocks() -> Dependency:
    root = bundled_proto_root()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.proto")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return Dependency(module=BUILDING_BLOCKS, origin="bundled with protopact", version=__version__,
                      fingerprint=digest.hexdigest(), library=True,
                      load=lambda: Contents((root,), _tree(root)))


def _well_known_types() -> Dependency:
    version = grpcio_tools()
    root = well_known_root()
    return Dependency(module=WELL_KNOWN_TYPES, origin="installed distribution grpcio-tools",
                      version=version, fingerprint=f"grpcio-tools {version}", library=True,
                      load=lambda: Contents((root,), _tree(root)))
