"""Generation settings: the ``[tool.protopact]`` table of the project's ``pyproject.toml``.

Read once, validated into a frozen :class:`Settings`; renderers never read files themselves. Every
value has a default, so a tree without ``pyproject.toml`` still generates. The output directory must
stay inside the project.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ProtopactError
from .pyproject import protopact_table

FLAVORS = ("betterproto2", "protobuf")
# [tool.protopact.conventions] keys, each naming message types of one kind (of those
# protopact.schema.conventions recognises)
KINDS = ("pagination", "cursor_pagination", "selection", "update_wrapper", "event_metadata",
         "stream_configuration", "timestamp", "phone_number")
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$")
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?\s*([<>=!~;].*)?$")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What to generate and how to name it."""

    name: str = "proto-api"  # the distribution name
    version: str = "0.0.0"
    description: str = ""
    package: str = ""  # the top-level import package; derived from ``name`` when empty
    dependencies: tuple[str, ...] = ()  # extra requirements of the generated distribution
    flavors: tuple[str, ...] = ("protobuf",)
    out: Path = Path("generated")  # relative to the project root
    # RPCs without google.api.http get POST /{package}.{Service}/{Method} in the OpenAPI document
    default_bindings: bool = True
    # the message types of each kind of contract convention, where recognition by shape is not enough
    conventions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def import_name(self) -> str:
        return self.package or re.sub(r"[^A-Za-z0-9_]", "_", self.name).lower()


def load_settings(project: Path) -> Settings:
    """Settings from ``project/pyproject.toml`` (defaults when the file or the table is missing)."""
    table = _settings_table(project)
    return Settings() if table is None else settings_from_table(table, project=project)


def has_settings(project: Path) -> bool:
    """Whether ``project/pyproject.toml`` has a ``[tool.protopact]`` table that sets more than
    where dependencies come from."""
    return _settings_table(project) is not None


def _settings_table(project: Path) -> dict[str, Any] | None:
    """``[tool.protopact]`` without ``deps`` (where dependencies come from: :mod:`.depsources`),
    None when nothing else is set."""
    table = protopact_table(project)
    if table is None:
        return None
    settings = {k: v for k, v in table.items() if k != "deps"}
    return settings if settings or "deps" not in table else None


def settings_from_table(table: dict[str, Any], *, project: Path) -> Settings:
    known = {"name", "version", "description", "package", "dependencies", "flavors", "out",
             "default_bindings", "conventions"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ProtopactError(f"pyproject.toml: unknown [tool.protopact] key {unknown[0]!r}")
    defaults = Settings()
    name = _string(table, "name", defaults.name)
    if not _NAME.match(name):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] name {name!r} is not a valid "
                             "distribution name")
    version = _string(table, "version", defaults.version)
    if not _VERSION.match(version):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] version {version!r} is not a version")
    dependencies = _strings(table, "dependencies", defaults.dependencies)
    for requirement in dependencies:
        if not _REQUIREMENT.match(requirement):
            raise ProtopactError(f"pyproject.toml: [tool.protopact] dependency {requirement!r} is "
                                 "not a requirement")
    flavors = _strings(table, "flavors", defaults.flavors)
    for flavor in flavors:
        if flavor not in FLAVORS:
            raise ProtopactError(f"pyproject.toml: [tool.protopact] flavor {flavor!r} is not one of "
                                 f"{', '.join(FLAVORS)}")
    if "protobuf" not in flavors:
        raise ProtopactError('pyproject.toml: [tool.protopact] flavors must include "protobuf"')
    settings = Settings(
        name=name,
        version=version,
        description=_string(table, "description", defaults.description),
        package=_string(table, "package", defaults.package),
        dependencies=tuple(sorted(set(dependencies))),
        flavors=tuple(sorted(set(flavors))),
        out=_inside(project, _string(table, "out", str(defaults.out))),
        default_bindings=_bool(table, "default_bindings", defaults.default_bindings),
        conventions=_conventions(table.get("conventions", {})),
    )
    package = settings.import_name
    if not package.isidentifier() or keyword.iskeyword(package):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] package {package!r} is not a Python "
                             "identifier")
    return settings


def _conventions(table: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise ProtopactError("pyproject.toml: [tool.protopact.conventions] must be a table")
    for kind in table:
        if kind not in KINDS:
            raise ProtopactError(f"pyproject.toml: unknown [tool.protopact.conventions] key {kind!r} "
                                 f"(one of {', '.join(KINDS)})")
    return {kind: tuple(n.lstrip(".") for n in _strings(table, kind, ())) for kind in table}


def _inside(project: Path, text: str) -> Path:
    path = Path(text)
    try:
        resolved = (project / path).resolve()
    except (OSError, ValueError):  # a NUL byte, a loop of links
        resolved = project.resolve()
    if path.is_absolute() or not resolved.is_relative_to(project.resolve()) or resolved == \
            project.resolve():
        raise ProtopactError(f"pyproject.toml: [tool.protopact] out {text!r} must be a directory "
                             "inside the project")
    return path


def _string(table: dict[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] {key} must be a string")
    return value


def _bool(table: dict[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] {key} must be true or false")
    return value


def _strings(table: dict[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtopactError(f"pyproject.toml: [tool.protopact] {key} must be a list of strings")
    return tuple(value)
