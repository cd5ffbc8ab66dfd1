"""Managed mode: the file options ``buf generate`` rewrites before plugins see the Image.

As buf does with ``managed.enabled``: every file but the well-known types gets the options below,
unless ``disable`` rules (by ``file_option``, ``path``, ``module``) leave it alone; ``override``
rules set a value, or a prefix or suffix of the default one, and the last matching rule wins. An
option already holding the value is left as it is; a rewritten option loses its source location,
as the value no longer comes from the file. ``module`` names a Buf Schema Registry module: it
matches the files of a workspace module that ``buf.yaml`` gives that name, and those of the
dependencies protopact knows by it. Field options (``jstype``) are refused, naming the rule.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2

from ..compile.image import Image
from ..deps.known import known_module_for
from ..errors import ProtopactError

_OPTIONS = descriptor_pb2.FileDescriptorProto.OPTIONS_FIELD_NUMBER
_WKT = "google/protobuf/"
_MODES = descriptor_pb2.FileOptions.OptimizeMode


@dataclass(frozen=True)
class Rule:
    file_option: str = ""  # "" in a disable rule: every option
    path: str = ""
    module: str = ""
    value: Any = None

    def matches(self, name: str, module: str) -> bool:
        """Whether the rule applies to file ``name`` of ``module`` (its registry name, or "")."""
        if self.path and not (self.path in (".", name) or name.startswith(self.path.rstrip("/")
                                                                       + "/")):
            return False
        return not self.module or module == self.module


@dataclass(frozen=True)
class Managed:
    disable: tuple[Rule, ...] = ()
    override: tuple[Rule, ...] = ()

    def disabled(self, name: str, module: str, option: str) -> bool:
        return any(r.file_option in ("", option) and r.matches(name, module) for r in self.disable)


def _pascal(text: str) -> str:
    """buf's PascalCase: words split at . - _ and blanks; a capital stays one."""
    out, previous = [], ""
    for i, c in enumerate(text.strip()):
        if c not in ".-_ \t\n\r":
            out.append(c.upper() if i == 0 or previous in ".-_ \t\n\r" or c.isupper() else c.lower())
        previous = c
    return "".join(out)


def _is_version(part: str) -> bool:
    """A package's version part: v1, v1beta1, v2alpha, v1test2..."""
    rest = part[1:]
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if not part.startswith("v") or digits == 0 or rest[0] == "0":
        return False
    tail = rest[digits:]
    for stability in ("alpha", "beta", "test"):
        if tail.startswith(stability):
            tail = tail[len(stability):]
            return tail == "" or (tail.isdigit() and tail[0] != "0")
    return tail == "" or tail.startswith("p") and tail[1:2].isdigit()


_PHP_RESERVED = frozenset("""directory exception errorexception closure generator arithmeticerror
assertionerror divisionbyzeroerror error throwable parseerror typeerror abstract and array as break
callable case catch class clone const continue declare default die do echo else elseif empty
enddeclare endfor endforeach endif endswitch endwhile eval exit extends final finally fn for foreach
function global goto if implements include include_once instanceof insteadof interface isset list
match namespace new or print private protected public require require_once return static switch
throw trait try unset use var while xor yield int float bool string true false null void
iterable""".split())


def _parts(f: descriptor_pb2.FileDescriptorProto) -> list[str]:
    return f.package.split(".") if f.package else []


def _php(f: descriptor_pb2.FileDescriptorProto) -> str:
    return "\\".join(_pascal(p) + ("_" if p.lower() in _PHP_RESERVED else "") for p in _parts(f))


def _objc(f: descriptor_pb2.FileDescriptorProto) -> str:
    parts = _parts(f)
    if not parts:
        return ""
    if _is_version(parts[-1]):
        parts = parts[:-1]
    prefix = "".join(p[0].upper() for p in parts).ljust(3, "X")
    return "GPX" if prefix == "GPB" else prefix


def _joined(separator: str) -> Callable[[descriptor_pb2.FileDescriptorProto], str]:
    return lambda f: separator.join(_pascal(p) for p in _parts(f))


def _go(f: descriptor_pb2.FileDescriptorProto, prefix: str) -> str:
    path = posixpath.join(prefix, posixpath.dirname(f.name))
    parts = _parts(f)
    if parts and _is_version(parts[-1]) and len(parts) >= 2:
        path += ";" + parts[-2] + parts[-1]
    return path


@dataclass(frozen=True)
class _Text:
    """A string option: its default (a value, or a default prefix/suffix), and how a prefix or a
    suffix makes the value."""

    field: str
    value: Callable[[descriptor_pb2.FileDescriptorProto, str, str], str]
    prefix: str = ""  # the default prefix; "" when there is none
    prefixed: bool = False  # whether OPTION_prefix exists
    suffixed: bool = False  # whether OPTION_suffix exists


def _affixed(base: Callable[[descriptor_pb2.FileDescriptorProto], str], join: str
             ) -> Callable[[descriptor_pb2.FileDescriptorProto, str, str], str]:
    def value(f: descriptor_pb2.FileDescriptorProto, prefix: str, suffix: str) -> str:
        core = base(f)
        if not core:
            return ""
        return join.join(filter(None, (prefix, core, suffix)))
    return value


_TEXT = {
    "java_package": _Text("java_package", _affixed(lambda f: f.package, "."), prefix="com",
                          prefixed=True, suffixed=True),
    "java_outer_classname": _Text("java_outer_classname",
                                  lambda f, _p, _s: _pascal(posixpath.basename(f.name))),
    "csharp_namespace": _Text("csharp_namespace", _affixed(_joined("."), "."), prefixed=True),
    "objc_class_prefix": _Text("objc_class_prefix", lambda f, _p, _s: _objc(f)),
    "php_namespace": _Text("php_namespace", lambda f, _p, _s: _php(f)),
    "php_metadata_namespace": _Text("php_metadata_namespace",
                                    lambda f, _p, s: _affixed(_php, "\\")(f, "", s or "GPBMetadata"),
                                    suffixed=True),
    "ruby_package": _Text("ruby_package", _affixed(_joined("::"), "::"), suffixed=True),
    "go_package": _Text("go_package", lambda f, p, _s: _go(f, p) if p else "", prefixed=True),
}
# bool and enum options, with the value managed mode gives them by default (the protobuf default
# for the last three: unchanged unless overridden)
_PLAIN: dict[str, Any] = {"java_multiple_files": True, "cc_enable_arenas": True,
                          "java_string_check_utf8": False, "optimize_for": "SPEED"}
FILE_OPTIONS = frozenset(_TEXT) | frozenset(_PLAIN) | {
    f"{name}_prefix" for name, t in _TEXT.items() if t.prefixed} | {
    f"{name}_suffix" for name, t in _TEXT.items() if t.suffixed}


def apply(image: Image, managed: Managed, modules: Mapping[str, str]) -> Image:
    """``image`` with its files' options rewritten as buf's managed mode rewrites them;
    ``modules`` maps files to the registry name of the workspace module that holds them."""
    files = []
    for original in image.files:
        if original.name.startswith(_WKT):
            files.append(original)
            continue
        f = descriptor_pb2.FileDescriptorProto()
        f.CopyFrom(original)
        module = modules.get(f.name) or known_module_for(f.name) or ""
        changed = [name for name in (*_TEXT, *_PLAIN) if _rewrite(f, module, name, managed)]
        if changed:
            _sweep(f, changed)
        files.append(f if changed else original)
    return Image(tuple(files), image.targets, image.shown_paths)


def _rewrite(f: descriptor_pb2.FileDescriptorProto, module: str, name: str,
             managed: Managed) -> bool:
    if managed.disabled(f.name, module, name):
        return False
    if name in _PLAIN:
        value = _PLAIN[name]
        for rule in managed.override:
            if rule.file_option == name and rule.matches(f.name, module):
                value = rule.value
        if name == "optimize_for":
            value = _MODES.Value(value)
    else:
        value = _text_value(f, module, _TEXT[name], managed)
        if not value:
            return False
    if getattr(f.options, name) == value:
        return False
    setattr(f.options, name, value)
    return True


def _text_value(f: descriptor_pb2.FileDescriptorProto, module: str, option: _Text,
                managed: Managed) -> str:
    prefix_off = not option.prefixed or managed.disabled(f.name, module, f"{option.field}_prefix")
    suffix_off = not option.suffixed or managed.disabled(f.name, module, f"{option.field}_suffix")
    value, prefix, suffix = "", "" if prefix_off else option.prefix, ""
    for rule in managed.override:
        if not rule.matches(f.name, module):
            continue
        if rule.file_option == option.field:
            value, prefix, suffix = rule.value, "", ""
        elif rule.file_option == f"{option.field}_prefix" and not prefix_off:
            value, prefix = "", rule.value
        elif rule.file_option == f"{option.field}_suffix" and not suffix_off:
            value, suffix = "", rule.value
    return value or option.value(f, prefix, suffix)


def _sweep(f: descriptor_pb2.FileDescriptorProto, names: list[str]) -> None:
    numbers = {descriptor_pb2.FileOptions.DESCRIPTOR.fields_by_name[n].number for n in names}
    kept = [loc for loc in f.source_code_info.location
            if not (len(loc.path) >= 2 and loc.path[0] == _OPTIONS and loc.path[1] in numbers)]
    if len(kept) != len(f.source_code_info.location):
        del f.source_code_info.location[:]
        f.source_code_info.location.extend(kept)


def parse(data: Any, label: str, version: str) -> Managed | None:
    """The ``managed`` mapping of a template, or None when managed mode is off."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ProtopactError(f"{label}: managed must be a mapping")
    if not data.get("enabled"):
        return None
    allowed = {"enabled", "disable", "override"} if version == "v2" else {"enabled"}
    for key in data:
        if key not in allowed:
            raise ProtopactError(f"{label}: managed.{key} is not supported in a {version} "
                                 "template; in v2 use managed.disable and managed.override")
    return Managed(tuple(_rule(r, label, "disable") for r in data.get("disable") or ()),
                   tuple(_rule(r, label, "override") for r in data.get("override") or ()))


def _rule(entry: Any, label: str, kind: str) -> Rule:
    if not isinstance(entry, dict):
        raise ProtopactError(f"{label}: every managed.{kind} entry must be a mapping")
    if "field_option" in entry:
        raise ProtopactError(f"{label}: managed.{kind} field_option {entry['field_option']} is not "
                             "supported (field options are no matter for Python and OpenAPI)")
    known = {"file_option", "path", "module"} | ({"value"} if kind == "override" else set())
    for key in entry:
        if key not in known:
            raise ProtopactError(f"{label}: unknown key {key!r} in managed.{kind}")
    option = entry.get("file_option", "")
    if option and option not in FILE_OPTIONS:
        raise ProtopactError(f"{label}: managed.{kind} file_option {option} is not one of "
                             f"{', '.join(sorted(FILE_OPTIONS))}")
    if kind == "override":
        if not option or "value" not in entry:
            raise ProtopactError(f"{label}: every managed.override needs file_option and value")
        _check_value(option, entry["value"], label)
    elif not (option or entry.get("path") or entry.get("module")):
        raise ProtopactError(f"{label}: a managed.disable rule needs file_option, path or module")
    return Rule(option, str(entry.get("path", "")), str(entry.get("module", "")),
                entry.get("value"))


def _check_value(option: str, value: Any, label: str) -> None:
    if option == "optimize_for":
        ok = value in _MODES.DESCRIPTOR.values_by_name
    elif option in _PLAIN:
        ok = isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ProtopactError(f"{label}: managed.override {option}: {value!r} is not a valid value")
