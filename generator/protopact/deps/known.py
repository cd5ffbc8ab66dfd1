"""Buf Schema Registry modules that Python distributions on PyPI carry.

Each entry was checked by installing the distributions: which files they ship as ``.proto``
sources, which only as generated modules with embedded descriptors, and where. The first installed
distribution of an entry serves the module; a missing one is suggested by its first name.
"""

from __future__ import annotations

from typing import NamedTuple


class KnownModule(NamedTuple):
    distributions: tuple[str, ...]
    prefixes: tuple[str, ...]  # import path prefixes of the module's files
    # where the distribution installs ``.proto`` sources as data files (``<prefix>/data/...``):
    # the import path prefix they are served under
    data_prefix: str = ""


KNOWN_MODULES: dict[str, KnownModule] = {
    # .proto sources beside the _pb2 modules, at their import paths
    "buf.build/googleapis/googleapis": KnownModule(
        ("googleapis-common-protos",), ("google/api/", "google/rpc/", "google/type/",
                                        "google/longrunning/", "google/cloud/", "google/geo/",
                                        "google/logging/", "google/gapic/")),
    # protoc-gen-py modules (protovalidate 2), descriptors only
    "buf.build/bufbuild/protovalidate": KnownModule(("protovalidate",), ("buf/validate/",)),
    # _pb2 modules only
    "buf.build/opentelemetry/opentelemetry": KnownModule(
        ("opentelemetry-proto",), ("opentelemetry/proto/",)),
    # validate.proto as a data file, installed as <prefix>/data/validate.proto
    "buf.build/envoyproxy/protoc-gen-validate": KnownModule(
        ("protoc-gen-validate",), ("validate/",), data_prefix="validate"),
    # No distribution of the grpc-gateway project itself ("grpc-gateway" on PyPI is unrelated and
    # empty), and none ships the .proto sources: these four carry _pb2 modules of
    # protoc-gen-openapiv2/options/{annotations,openapiv2}.proto, newest first
    # (grpc-gateway-protoc-openapiv2 2.25.1.0 follows grpc-gateway 2.25; the others date from
    # 2021-2023 and lack the newest messages).
    "buf.build/grpc-ecosystem/grpc-gateway": KnownModule(
        ("grpc-gateway-protoc-openapiv2", "protoc-gen-openapiv2",
         "protoc-gen-openapiv2-protoc3-19", "grpc-gateway-protoc-gen-openapiv2"),
        ("protoc-gen-openapiv2/",)),
}


def known_module_for(import_path: str) -> str | None:
    """The known module whose files ``import_path`` looks like one of."""
    for name, known in KNOWN_MODULES.items():
        if import_path.startswith(known.prefixes):
            return name
    return None
