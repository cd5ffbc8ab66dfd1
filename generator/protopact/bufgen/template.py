"""``buf.gen.yaml`` (v1 and v2) → a validated, read-only :class:`Template`.

Read as buf reads it: v1 ``plugins[].plugin`` (or ``name``) names ``protoc-gen-NAME`` on PATH, or
protoc's built-in generator of that name when no such executable exists; v2 says ``local:``,
``protoc_builtin:`` or ``remote:``. v2 ``inputs`` become protopact INPUTs (a directory, an image
file, a git repository), each with the files it limits generation to. What needs buf's registry over
the network (a ``remote:`` plugin, a ``module:`` input) is refused with the local equivalent named.
``managed`` is read by :mod:`.managed`; ``types`` and ``exclude_types`` (v2: per input and per
plugin; v1: ``types.include``) prune the image as buf prunes it (see :mod:`..compile.prune`).
Output directories and input directories stay inside the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config.settings import has_settings
from ..errors import ProtopactError
from .managed import Managed
from .managed import parse as parse_managed

STRATEGIES = ("directory", "all")
# protoc's generators that buf runs as protoc_builtin (and v1 names fall back to).
BUILTINS = frozenset({"cpp", "csharp", "java", "js", "kotlin", "objc", "php", "pyi", "python",
                      "ruby", "rust", "upb", "upbdefs"})
# Remote plugins whose local equivalent is a protoc built-in rather than protoc-gen-NAME.
_REMOTE_BUILTINS = {"protocolbuffers/python": "python", "protocolbuffers/pyi": "pyi"}


@dataclass(frozen=True, kw_only=True)
class Plugin:
    """One entry of ``plugins``: ``command`` for a local plugin, ``builtin`` for protoc's own."""

    label: str  # as the template names it, for messages
    command: tuple[str, ...] = ()
    builtin: str = ""
    out: Path
    parameter: str = ""
    strategy: str = "directory"
    include_imports: bool = False
    include_wkt: bool = False
    types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateInput:
    """A v2 ``inputs`` entry: a protopact INPUT text (relative to the project), the files it
    limits generation to (``paths``, ``exclude_paths``; a ``proto_file``) and the types it prunes
    the image to (``types`` less ``exclude_types``)."""

    text: str
    paths: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Template:
    path: Path
    plugins: tuple[Plugin, ...]
    inputs: tuple[TemplateInput, ...] = ()
    clean: bool = False
    managed: Managed | None = None
    types: tuple[str, ...] = ()  # v1: what every input is pruned to


def find_template(project: Path) -> Path | None:
    """``buf.gen.yaml`` beside ``buf.yaml`` when ``pyproject.toml`` has no ``[tool.protopact]``."""
    candidate = project / "buf.gen.yaml"
    if not candidate.is_file() or has_settings(project):
        return None
    return candidate


def load_template(path: Path, *, project: Path) -> Template:
    label = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProtopactError(f"{path}: {exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProtopactError(f"{label}: invalid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise ProtopactError(f"{label}: expected a mapping with version and plugins")
    version = data.get("version")
    if version not in ("v1", "v2"):
        raise ProtopactError(f"{label}: version must be v1 or v2, not {version!r}")
    known = {"version", "plugins", "managed"} | ({"inputs", "clean"} if version == "v2"
                                                 else {"types"})
    for key in data:
        if key not in known:
            raise ProtopactError(f"{label}: unknown key {key!r} in a {version} template")
    managed = parse_managed(data.get("managed"), label, version)
    plugins = data.get("plugins")
    if not isinstance(plugins, list) or not plugins:
        raise ProtopactError(f"{label}: plugins must be a non-empty list")
    parse = _v1_plugin if version == "v1" else _v2_plugin
    clean = data.get("clean", False)
    if not isinstance(clean, bool):
        raise ProtopactError(f"{label}: clean must be true or false")
    types = data.get("types") or {}
    if not isinstance(types, dict) or set(types) - {"include"}:
        raise ProtopactError(f"{label}: types must be a mapping with include: [TYPE, ...]")
    return Template(path=path, plugins=tuple(parse(p, label, project) for p in plugins),
                    inputs=tuple(_input(i, label, project) for i in data.get("inputs") or ()),
                    clean=clean, managed=managed, types=_strings(types, "include", label))


def _v1_plugin(entry: Any, label: str, project: Path) -> Plugin:
    entry = _mapping(entry, label)
    _known(entry, {"plugin", "name", "path", "out", "opt", "strategy", "protoc_path", "revision",
                   "include_imports", "include_wkt"}, label)
    name = entry.get("plugin", entry.get("name"))
    if not isinstance(name, str) or not name:
        raise ProtopactError(f"{label}: every v1 plugin needs plugin: NAME")
    if "/" in name:
        raise _remote(name, label)
    path = entry.get("path")
    if path is not None:
        command = _command(path, label, name)
    elif name in BUILTINS and not _on_path(f"protoc-gen-{name}"):
        return _plugin(entry, label, project, name, builtin=name)
    else:
        command = (f"protoc-gen-{name}",)
    return _plugin(entry, label, project, name, command=command)


def _v2_plugin(entry: Any, label: str, project: Path) -> Plugin:
    entry = _mapping(entry, label)
    _known(entry, {"local", "protoc_builtin", "remote", "out", "opt", "strategy", "protoc_path",
                   "include_imports", "include_wkt", "revision", "types", "exclude_types"}, label)
    kinds = [k for k in ("local", "protoc_builtin", "remote") if k in entry]
    if len(kinds) != 1:
        raise ProtopactError(f"{label}: every v2 plugin needs exactly one of local, protoc_builtin "
                             "or remote")
    if "remote" in entry:
        raise _remote(str(entry["remote"]), label)
    if "protoc_builtin" in entry:
        name = entry["protoc_builtin"]
        if name not in BUILTINS:
            raise ProtopactError(f"{label}: protoc_builtin {name!r} is not one of protoc's "
                                 f"generators ({', '.join(sorted(BUILTINS))})")
        return _plugin(entry, label, project, name, builtin=name)
    command = _command(entry["local"], label, "local")
    return _plugin(entry, label, project, command[0], command=command)


def _plugin(entry: dict[str, Any], label: str, project: Path, name: str, *,
            command: tuple[str, ...] = (), builtin: str = "") -> Plugin:
    out = entry.get("out")
    if not isinstance(out, str) or not out:
        raise ProtopactError(f"{label}: plugin {name} needs out: DIRECTORY")
    strategy = entry.get("strategy", "directory")
    if strategy not in STRATEGIES:
        raise ProtopactError(f"{label}: plugin {name}: strategy must be directory or all")
    opt = entry.get("opt", [])
    opts = [opt] if isinstance(opt, str) else opt
    if not isinstance(opts, list) or not all(isinstance(o, str) for o in opts):
        raise ProtopactError(f"{label}: plugin {name}: opt must be a string or a list of strings")
    flags = {}
    for key in ("include_imports", "include_wkt"):
        flags[key] = entry.get(key, False)
        if not isinstance(flags[key], bool):
            raise ProtopactError(f"{label}: plugin {name}: {key} must be true or false")
    if flags["include_wkt"] and not flags["include_imports"]:
        raise ProtopactError(f"{label}: plugin {name}: include_wkt needs include_imports, as in "
                             "buf")
    return Plugin(label=name, command=command, builtin=builtin, out=_inside(project, out, label),
                  parameter=",".join(opts), strategy=strategy, types=_strings(entry, "types", label),
                  exclude_types=_strings(entry, "exclude_types", label), **flags)


# Each kind of v2 input: the format of the INPUT reference it becomes, and what it may say
# besides its own key (each such key an option of the reference).
_INPUT_KINDS = {
    "directory": ("dir", set()),
    "proto_file": ("protofile", {"include_package_files"}),
    "binary_image": ("binpb", {"compression"}),
    "json_image": ("json", {"compression"}),
    "text_image": ("txtpb", {"compression"}),
    "yaml_image": ("yaml", {"compression"}),
    "tarball": ("tar", {"compression", "strip_components", "subdir"}),
    "zip_archive": ("zip", {"strip_components", "subdir"}),
    "git_repo": ("git", {"branch", "tag", "ref", "commit", "subdir", "depth",
                         "recurse_submodules"}),
}
_COMMON_INPUT_KEYS = {"paths", "exclude_paths", "types", "exclude_types"}


def _input(entry: Any, label: str, project: Path) -> TemplateInput:
    entry = _mapping(entry, label)
    kinds = [k for k in entry if k not in _COMMON_INPUT_KEYS and not any(
        k in keys for _, keys in _INPUT_KINDS.values())]
    if len(kinds) != 1:
        raise ProtopactError(f"{label}: every input needs exactly one kind "
                             f"({', '.join(sorted(_INPUT_KINDS))}), not {', '.join(sorted(kinds)) or 'none'}")
    kind = kinds[0]
    value = entry[kind]
    if kind == "module":
        raise ProtopactError(f"{label}: input module {value} comes from buf's registry over the "
                             "network; use directory: or git_repo: instead")
    if kind not in _INPUT_KINDS:
        raise ProtopactError(f"{label}: input kind {kind!r} is not supported; use "
                             f"{', '.join(sorted(_INPUT_KINDS))}")
    format_, keys = _INPUT_KINDS[kind]
    for key in entry:
        if key != kind and key not in _COMMON_INPUT_KEYS | keys:
            raise ProtopactError(f"{label}: {key!r} does not apply to a {kind} input")
    if not isinstance(value, str) or not value:
        raise ProtopactError(f"{label}: input {kind} must be a non-empty string")
    paths, exclude_paths = _strings(entry, "paths", label), _strings(entry, "exclude_paths", label)
    if "://" in value:
        location = value
    elif kind == "git_repo":  # a local repository is cloned like any other
        location = value if value.endswith(".git") else (project / value).resolve().as_uri()
    else:
        location = _inside(project, value, label, allow_root=kind == "directory").as_posix()
    options = [f"format={format_}", *(
        f"{key}={str(entry[key]).lower() if isinstance(entry[key], bool) else entry[key]}"
        for key in sorted(keys) if key in entry)]
    return TemplateInput(f"{location}#{','.join(options)}", paths, exclude_paths,
                         _strings(entry, "types", label), _strings(entry, "exclude_types", label))


def _strings(entry: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        what = "type names" if key.endswith(("types", "include")) else "paths"
        raise ProtopactError(f"{label}: {key} must be a list of {what}")
    return tuple(value)


def _remote(name: str, label: str) -> ProtopactError:
    tail = "/".join(name.split(":")[0].split("/")[-2:])
    owner, _, plugin = tail.rpartition("/")
    if tail in _REMOTE_BUILTINS:
        local = f"protoc_builtin: {_REMOTE_BUILTINS[tail]}"
    elif owner == "grpc":  # gRPC's plugins are named grpc_LANG_plugin
        local = f"local: grpc_{plugin}_plugin"
    else:
        local = f"local: protoc-gen-{plugin}"
    return ProtopactError(f"{label}: remote plugin {name} runs on buf's registry over the network; "
                          f"use {local} instead")


def _command(value: Any, label: str, name: str) -> tuple[str, ...]:
    parts = [value] if isinstance(value, str) else value
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) and p for p in parts):
        raise ProtopactError(f"{label}: plugin {name}: the command must be a string or a list of "
                             "strings")
    return tuple(parts)


def _inside(project: Path, text: str, label: str, *, allow_root: bool = False) -> Path:
    path = Path(text)
    resolved = (project / path).resolve()
    root = project.resolve()
    if path.is_absolute() or not resolved.is_relative_to(root) or (resolved == root and
                                                                    not allow_root):
        raise ProtopactError(f"{label}: {text!r} must be a directory inside the project")
    return path


def _mapping(entry: Any, label: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ProtopactError(f"{label}: every plugins and inputs entry must be a mapping")
    return entry


def _known(entry: dict[str, Any], keys: set[str], label: str) -> None:
    for key in entry:
        if key not in keys:
            raise ProtopactError(f"{label}: unknown plugin key {key!r}")


def _on_path(name: str) -> bool:
    import shutil

    return shutil.which(name) is not None
