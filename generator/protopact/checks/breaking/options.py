"""Breaking rules over file options that change generated code: one rule per option, as buf has."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileOptions

from ..findings import Finding, quote
from . import REGISTRY
from .adapters import Pairing, file_pairs, pair_rule

FILE_OPTIONS = 8


def _value(options: FileOptions, name: str) -> str:
    value = getattr(options, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "optimize_for":
        return FileOptions.OptimizeMode.Name(value)
    return str(value)


def _option_rule(rule_id: str, option: str) -> None:
    number = FileOptions.DESCRIPTOR.fields_by_name[option].number

    def check(p: Pairing, prev: FileDescriptorProto, cur: FileDescriptorProto) -> Iterator[Finding]:
        before, after = _value(prev.options, option), _value(cur.options, option)
        if before != after:
            yield p.finding(rule_id, f'File option "{option}" changed from {quote(before)} to {quote(after)}.',
                            cur, (FILE_OPTIONS, number), against=prev)

    check.__name__ = rule_id.lower()
    check.__doc__ = (f'Changing the "{option}" file option changes the generated code\'s names or '
                     "behaviour for that language.")
    pair_rule(REGISTRY.rule, rule_id, over=file_pairs)(check)


for _option in ("cc_enable_arenas", "cc_generic_services", "csharp_namespace", "go_package",
                "java_generic_services", "java_multiple_files", "java_outer_classname",
                "java_package", "objc_class_prefix", "optimize_for", "php_class_prefix",
                "php_metadata_namespace", "php_namespace", "py_generic_services", "ruby_package",
                "swift_prefix"):
    _option_rule(f"FILE_SAME_{_option.upper()}", _option)
