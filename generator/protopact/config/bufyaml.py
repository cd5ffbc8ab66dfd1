"""``buf.yaml`` read exactly as buf reads it, in two steps.

First the YAML is loaded safely and checked key by key against the schema of its version (buf decodes
strictly: an unknown key is an error). Then it is validated into read-only objects: a
:class:`Workspace` of :class:`Module` s, each with its resolved lint and breaking :class:`CheckConfig`.
Paths in the file are kept inside the project; every problem is one line naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, NamedTuple

from ..errors import ProtopactError
from .buflock import LOCK_NAME, DepRef, LockedDep, parse_deps, parse_lock
from .yamlparse import YamlError, parsed

CONFIG_NAMES = ("buf.yaml", "buf.yml")
# A v1 workspace: a list of module directories, each with its own v1 (or no) buf.yaml.
WORK_NAMES = ("buf.work.yaml", "buf.work.yml")
VERSIONS = ("v1beta1", "v1", "v2")

_CHECK_KEYS = {"use", "except", "ignore", "ignore_only"}
_LINT_KEYS = _CHECK_KEYS | {
    "enum_zero_value_suffix",
    "rpc_allow_same_request_response",
    "rpc_allow_google_protobuf_empty_requests",
    "rpc_allow_google_protobuf_empty_responses",
    "service_suffix",
}
_LINT_KEYS_BY_VERSION = {
    "v1beta1": _LINT_KEYS | {"allow_comment_ignores"},
    "v1": _LINT_KEYS | {"allow_comment_ignores"},
    "v2": _LINT_KEYS | {"disallow_comment_ignores"},
}
_BREAKING_KEYS = _CHECK_KEYS | {"ignore_unstable_packages"}
_TOP_KEYS = {
    "v1beta1": {"version", "name", "deps", "build", "lint", "breaking"},
    "v1": {"version", "name", "deps", "build", "lint", "breaking"},
    "v2": {"version", "name", "modules", "deps", "lint", "breaking", "plugins", "policies"},
}
_BUILD_KEYS = {"v1beta1": {"roots", "excludes"}, "v1": {"excludes"}}
_MODULE_KEYS = {"path", "name", "excludes", "lint", "breaking"}
_NAME_MAX = 255  # bytes in one path component, on every common file system


@dataclass(frozen=True, kw_only=True)
class CheckConfig:
    """Rule selection and ignores for lint or breaking. Paths are relative to the config's root."""

    version: str
    use: tuple[str, ...]
    except_: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # lint only
    enum_zero_value_suffix: str = "_UNSPECIFIED"
    rpc_allow_same_request_response: bool = False
    rpc_allow_google_protobuf_empty_requests: bool = False
    rpc_allow_google_protobuf_empty_responses: bool = False
    service_suffix: str = "Service"
    comment_ignores: bool = False
    # breaking only
    ignore_unstable_packages: bool = False


class Module(NamedTuple):
    """One root of ``.proto`` files. ``path`` is relative to the workspace root, POSIX style."""

    path: str
    excludes: tuple[str, ...]
    lint: CheckConfig
    breaking: CheckConfig
    # The buf module this root belongs to when it is not a module of its own: a v1beta1 buf.yaml's
    # several build.roots are one module, built, checked and compared together.
    group: str = ""
    name: str = ""  # the module's name in a registry (``buf.build/acme/weather``), when it has one

    @property
    def key(self) -> str:
        return self.group or self.path


class Workspace(NamedTuple):
    """A directory of modules, with the config file that described it (None when there was none)."""

    root: Path
    config_file: Path | None
    version: str
    modules: tuple[Module, ...]
    # what the config asks buf to run that protopact does not: check plugins and policies
    not_run: tuple[str, ...] = ()
    # buf.yaml ``deps`` (every module's, in a buf.work.yaml workspace) and their buf.lock pins
    deps: tuple[DepRef, ...] = ()
    locked: tuple[LockedDep, ...] = ()
    # the directories (relative to root) whose buf.yaml configured it, each maybe with a buf.lock
    config_dirs: tuple[str, ...] = (".",)

    def with_locks(self, read: Callable[[str], tuple[str, str] | None]) -> Workspace:
        """The workspace with the pins of every ``buf.lock`` beside its configs; ``read(directory)``
        gives that file's text and the name to show in errors, or None."""
        pins: dict[str, LockedDep] = {}
        for directory in self.config_dirs:
            found = read(directory)
            if found is not None:
                for pin in parse_lock(*found):
                    pins.setdefault(pin.name, pin)
        return self._replace(locked=tuple(pins.values())) if pins else self


def find_config(directory: Path) -> Path | None:
    """The directory's ``buf.yaml``, else its ``buf.work.yaml``."""
    for name in CONFIG_NAMES + WORK_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def default_workspace(root: Path) -> Workspace:
    """A directory without ``buf.yaml``: one module at its root with buf's v1 defaults."""
    return Workspace(
        root=root,
        config_file=None,
        version="v1",
        modules=(
            Module(
                path=".",
                excludes=(),
                lint=_check_config({}, "lint", "v1", Path("buf.yaml")),
                breaking=_check_config({}, "breaking", "v1", Path("buf.yaml")),
            ),
        ),
    )


def load_workspace(config_file: Path, *, shown_as: str | None = None) -> Workspace:
    """Parse and validate a ``buf.yaml`` or ``buf.work.yaml``; ``shown_as`` names it in errors."""
    label = shown_as or str(config_file)
    root = config_file.parent
    text = read_config(config_file, label)

    def lock(directory: str) -> tuple[str, str] | None:
        path = root / directory / LOCK_NAME
        if not path.is_file():
            return None
        shown = str(PurePosixPath(label).parent / directory / LOCK_NAME)
        return read_config(path, shown), shown

    if config_file.name not in WORK_NAMES:
        return parse_workspace(text, root=root, config_file=config_file,
                               label=label).with_locks(lock)

    def module_config(directory: str) -> tuple[str, str] | None:
        found = find_config(root / directory)
        if found is None or found.name in WORK_NAMES:
            return None
        shown = str(PurePosixPath(label).parent / directory / found.name)
        return read_config(found, shown), shown

    return parse_work(text, root=root, config_file=config_file, label=label,
                      module_config=module_config).with_locks(lock)


def read_config(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtopactError(f"{label}: cannot read config: {exc}") from None


def parse_work(text: str, *, root: Path, config_file: Path | None, label: str,
               module_config: Callable[[str], tuple[str, str] | None]) -> Workspace:
    """A ``buf.work.yaml``: each listed directory is a module configured by its own ``buf.yaml``
    (v1 or v1beta1; buf's v1 defaults without one). ``module_config(directory)`` gives that file's
    text and the name to show in errors."""
    raw = _yaml_mapping(text, label)
    where = _Where(label)
    where.keys(raw, {"version", "directories"}, "")
    if raw.get("version") != "v1":
        raise where.fail("version must be v1")
    directories = _strings(raw, "directories", where)
    if not directories:
        raise where.fail("directories must list at least one module directory")
    modules = []
    deps: list[DepRef] = []
    for directory in directories:
        directory = safe_relative(directory, where, "directories entry")
        found = module_config(directory)
        if found is None:
            config = default_workspace(root / directory)
        else:
            config = parse_workspace(found[0], root=root / directory, config_file=None,
                                     label=found[1])
            if config.version == "v2":
                raise ProtopactError(f"{found[1]}: a module of a buf.work.yaml workspace needs a v1 "
                                     "or v1beta1 buf.yaml")
        if len(config.modules) > 1:
            raise ProtopactError(f"{found[1]}: a module of a buf.work.yaml workspace has one root; "
                                 "list each of build.roots in directories instead")
        (module,) = config.modules
        deps += [d for d in config.deps if d not in deps]
        modules.append(module._replace(path=_join(directory, module.path),
                                      excludes=tuple(_join(directory, e) for e in module.excludes)))
    return Workspace(root=root, config_file=config_file, version="v1", modules=tuple(modules),
                     deps=tuple(deps), config_dirs=tuple(safe_relative(d, where, "directories entry")
                                                         for d in directories))


def _join(directory: str, path: str) -> str:
    return directory if path == "." else f"{directory}/{path}"


def _yaml_mapping(text: str, label: str) -> dict[str, Any]:
    try:
        raw = parsed(text)
    except RecursionError:
        raise ProtopactError(f"{label}: invalid YAML: nested too deeply") from None
    except YamlError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProtopactError(f"{label}{position}: invalid YAML: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ProtopactError(f"{label}: expected a mapping at the top level")
    return raw


def parse_workspace(text: str, *, root: Path, config_file: Path | None, label: str) -> Workspace:
    raw = _yaml_mapping(text, label)
    version = raw.get("version", "v1beta1")
    if version not in VERSIONS:
        raise ProtopactError(
            f"{label}: unknown version {version!r}: must be one of {', '.join(VERSIONS)}"
        )
    where = _Where(label)
    where.keys(raw, _TOP_KEYS[version], "")
    if version == "v2":
        modules = _v2_modules(raw, where)
    else:
        modules = _v1_modules(raw, version, where)
    return Workspace(root=root, config_file=config_file, version=version, modules=modules,
                     not_run=_not_run(raw), deps=parse_deps(raw.get("deps"), label))


def _not_run(raw: Mapping[str, Any]) -> tuple[str, ...]:
    out = []
    for key, field_name in (("plugins", "plugin"), ("policies", "policy")):
        entries = raw.get(key) or []
        for entry in entries if isinstance(entries, list) else []:
            name = entry.get(field_name) if isinstance(entry, dict) else entry
            out.append(f"{field_name} {name}")
    return tuple(out)


class _Where:
    """Error reporting for one config file."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, message: str) -> ProtopactError:
        return ProtopactError(f"{self.label}: {message}")

    def keys(self, raw: Mapping[str, Any], allowed: set[str], section: str) -> None:
        for key in raw:
            if key not in allowed:
                where = f" in {section}" if section else ""
                raise self.fail(f"unknown key {key!r}{where}")


def _mapping(raw: Mapping[str, Any], key: str, where: _Where) -> Mapping[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise where.fail(f"{key} must be a mapping")
    return value


def _strings(raw: Mapping[str, Any], key: str, where: _Where, section: str = "") -> tuple[str, ...]:
    """``raw[key]`` as strings; ``section`` is the dotted place of ``raw`` named in the error."""
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        place = f"{section}.{key}" if section else key
        raise where.fail(f"{place} must be a list of strings")
    return tuple(value)


def _bool(raw: Mapping[str, Any], key: str, where: _Where, default: bool = False) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise where.fail(f"{key} must be true or false")
    return value


def safe_relative(path: str, where: _Where, what: str) -> str:
    """Normalise a config path and refuse one that leaves the project, or that no file system
    can hold (a NUL byte, a name over 255 bytes), which the system would refuse later without
    naming the config."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise where.fail(f"{what} {path!r} must be a relative path inside the project")
    if "\0" in path or any(len(part.encode("utf-8", "surrogatepass")) > _NAME_MAX
                            for part in pure.parts):
        raise where.fail(f"{what} {path!r} is not a possible path (a NUL byte, or a name over "
                         f"{_NAME_MAX} bytes)")
    normal = str(pure)
    return "." if normal in ("", ".") else normal


def _check_config(
    raw: Mapping[str, Any], kind: str, version: str, where: _Where | Path
) -> CheckConfig:
    """Validate one ``lint``/``breaking`` section.

    Ignore paths stay as written: relative to the module root in v1, to the workspace root in v2.
    """
    if isinstance(where, Path):
        where = _Where(str(where))
    allowed = _LINT_KEYS_BY_VERSION[version] if kind == "lint" else _BREAKING_KEYS
    where.keys(raw, allowed, kind)

    def rooted(path: str) -> str:
        return safe_relative(path, where, f"{kind}.ignore path")

    ignore_only_raw = raw.get("ignore_only") or {}
    if not isinstance(ignore_only_raw, dict):
        raise where.fail(f"{kind}.ignore_only must be a mapping of rule IDs to paths")
    ignore_only = {
        str(rule): tuple(rooted(p) for p in _strings(ignore_only_raw, rule, where, f"{kind}.ignore_only"))
        for rule in ignore_only_raw
    }
    default_use = ("DEFAULT",) if kind == "lint" else ("FILE",)
    if kind == "lint" and version == "v2":
        default_use = ("STANDARD",)
    config = partial(
        CheckConfig,
        version=version,
        use=_strings(raw, "use", where, kind) or default_use,
        except_=_strings(raw, "except", where, kind),
        ignore=tuple(rooted(p) for p in _strings(raw, "ignore", where, kind)),
        ignore_only=ignore_only,
    )
    if kind == "breaking":
        return config(ignore_unstable_packages=_bool(raw, "ignore_unstable_packages", where))
    if version == "v2":
        comment_ignores = not _bool(raw, "disallow_comment_ignores", where)
    else:
        comment_ignores = _bool(raw, "allow_comment_ignores", where)
    suffix = raw.get("enum_zero_value_suffix", "_UNSPECIFIED")
    service_suffix = raw.get("service_suffix", "Service")
    for key, value in (("enum_zero_value_suffix", suffix), ("service_suffix", service_suffix)):
        if not isinstance(value, str):
            raise where.fail(f"lint.{key} must be a string")
    return config(
        enum_zero_value_suffix=suffix,
        rpc_allow_same_request_response=_bool(raw, "rpc_allow_same_request_response", where),
        rpc_allow_google_protobuf_empty_requests=_bool(
            raw, "rpc_allow_google_protobuf_empty_requests", where
        ),
        rpc_allow_google_protobuf_empty_responses=_bool(
            raw, "rpc_allow_google_protobuf_empty_responses", where
        ),
        service_suffix=service_suffix,
        comment_ignores=comment_ignores,
    )


def _v1_modules(raw: Mapping[str, Any], version: str, where: _Where) -> tuple[Module, ...]:
    """A v1 module, or a v1beta1 one with its ``build.roots`` (each a root of import paths; excludes
    are relative to the config's directory and belong to the root that holds them)."""
    build = _mapping(raw, "build", where)
    where.keys(build, _BUILD_KEYS[version], "build")
    roots = _strings(build, "roots", where, "build") if version == "v1beta1" else ()
    roots = tuple(safe_relative(r, where, "build.roots entry") for r in roots) or (".",)
    if len(set(roots)) != len(roots):
        raise where.fail("build.roots lists a root twice")
    excludes = tuple(
        safe_relative(p, where, "build.excludes path") for p in _strings(build, "excludes", where, "build")
    )
    for exclude in excludes:
        if not any(within(exclude, root) for root in roots):
            raise where.fail(f"build.excludes path {exclude!r} is not within any of build.roots")
    lint = _check_config(_mapping(raw, "lint", where), "lint", version, where)
    breaking = _check_config(_mapping(raw, "breaking", where), "breaking", version, where)
    return tuple(
        Module(path=root, excludes=tuple(e for e in excludes if within(e, root)), lint=lint,
               breaking=breaking, group="." if len(roots) > 1 else "", name=_name(raw, where))
        for root in roots
    )


def within(path: str, parent: str) -> bool:
    """``path`` is ``parent`` or under it (POSIX paths relative to one root; ``.`` holds all)."""
    return parent == "." or path == parent or path.startswith(parent + "/")


def _v2_modules(raw: Mapping[str, Any], where: _Where) -> tuple[Module, ...]:
    top_lint = _mapping(raw, "lint", where)
    top_breaking = _mapping(raw, "breaking", where)
    modules_raw = raw.get("modules") or [{"path": "."}]
    if not isinstance(modules_raw, list):
        raise where.fail("modules must be a list")
    modules: list[Module] = []
    seen: set[str] = set()
    for entry in modules_raw:
        if not isinstance(entry, dict):
            raise where.fail("each entry of modules must be a mapping")
        where.keys(entry, _MODULE_KEYS, "modules")
        path = safe_relative(str(entry.get("path", ".")), where, "module path")
        if path in seen:
            raise where.fail(f"module path {path!r} is listed twice")
        seen.add(path)
        excludes = tuple(
            safe_relative(p, where, "module excludes path") for p in _strings(entry, "excludes", where, "modules")
        )
        for exclude in excludes:
            if path != "." and not (exclude + "/").startswith(path + "/"):
                raise where.fail(f"excluded path {exclude!r} is not within module {path!r}")
        lint_raw = entry["lint"] if "lint" in entry else top_lint
        breaking_raw = entry["breaking"] if "breaking" in entry else top_breaking
        modules.append(
            Module(
                path=path,
                excludes=excludes,
                lint=_check_config(lint_raw or {}, "lint", "v2", where),
                breaking=_check_config(breaking_raw or {}, "breaking", "v2", where),
                name=_name(entry, where),
            )
        )
    return tuple(modules)


def _name(raw: Mapping[str, Any], where: _Where) -> str:
    name = raw.get("name") or ""
    if not isinstance(name, str):
        raise where.fail("name must be a string")
    return name
