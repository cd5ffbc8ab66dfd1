"""Package rules: a versioned, lower_snake package per directory, with the same language options
in every file of a package.

The rules that compare files group the target files only (the module being linted), so a file left out
with ``--path`` counts for nothing; files without a package form the group ``""``, as in buf.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, at_or_file, directory, file_level, targets
from .versions import package_stability


def _on_package(ctx: LintContext, rule: str, file: FileDescriptorProto, message: str) -> Finding:
    return at_or_file(ctx, rule, file, walk.FILE_PACKAGE, bool(file.package), message)


@REGISTRY.rule("PACKAGE_DEFINED")
def package_defined(ctx: LintContext) -> Iterator[Finding]:
    """Every file declares a package."""
    for file in targets(ctx):
        if not file.package:
            yield file_level("PACKAGE_DEFINED", file, "Files must have a package defined.")


@REGISTRY.rule("PACKAGE_DIRECTORY_MATCH")
def package_directory_match(ctx: LintContext) -> Iterator[Finding]:
    """A file of package ``a.b`` lies in directory ``a/b``."""
    for file in targets(ctx):
        expected, actual = file.package.replace(".", "/"), directory(file.name)
        if file.package and expected != actual:
            yield at(ctx, "PACKAGE_DIRECTORY_MATCH", file, walk.FILE_PACKAGE,
                     f"Files with package {quote(file.package)} must be within a directory "
                     f'"{expected}" relative to root but were in directory "{actual}".')


@REGISTRY.rule("PACKAGE_VERSION_SUFFIX")
def package_version_suffix(ctx: LintContext) -> Iterator[Finding]:
    """The last package component is a version: ``v1``, ``v1beta1``, ``v2alpha``, ``v1test`` …"""
    for file in targets(ctx):
        if file.package and package_stability(file.package) is None:
            yield at(ctx, "PACKAGE_VERSION_SUFFIX", file, walk.FILE_PACKAGE,
                     f"Package name {quote(file.package)} should be suffixed with a correctly "
                     f"formed version, such as {quote(file.package + '.v1')}.")


def _grouped(ctx: LintContext, key: Callable[[FileDescriptorProto], str]
             ) -> dict[str, list[FileDescriptorProto]]:
    groups: dict[str, list[FileDescriptorProto]] = defaultdict(list)
    for file in targets(ctx):
        groups[key(file)].append(file)
    return groups


@REGISTRY.rule("DIRECTORY_SAME_PACKAGE")
def directory_same_package(ctx: LintContext) -> Iterator[Finding]:
    """All files in a directory share one package."""
    for name, files in _grouped(ctx, lambda f: directory(f.name)).items():
        packages = {f.package for f in files}
        if len(packages) < 2:
            continue
        named = quote(",".join(sorted(packages - {""})))
        if "" not in packages:
            message = f"Multiple packages {named} detected within directory {quote(name)}."
        elif len(packages) > 2:
            message = (f"Multiple packages {named} and file with no package detected within "
                       f"directory {quote(name)}.")
        else:
            message = f"Package {named} and file with no package detected within directory {quote(name)}."
        for file in files:
            yield _on_package(ctx, "DIRECTORY_SAME_PACKAGE", file, message)


@REGISTRY.rule("PACKAGE_SAME_DIRECTORY")
def package_same_directory(ctx: LintContext) -> Iterator[Finding]:
    """All files of a package lie in one directory."""
    for package, files in _grouped(ctx, lambda f: f.package).items():
        directories = sorted({directory(f.name) for f in files})
        if len(directories) > 1:
            message = (f"Multiple directories {quote(','.join(directories))} contain files with "
                       f"package {quote(package)}.")
            for file in files:
                yield _on_package(ctx, "PACKAGE_SAME_DIRECTORY", file, message)


def _same_option(rule: str, option: str, number: int) -> None:
    """Register ``rule``: every file of a package gives file option ``option`` the same value."""

    def value(file: FileDescriptorProto) -> str:
        if not file.options.HasField(option):  # type: ignore[arg-type]
            return ""
        raw = getattr(file.options, option)
        return ("true" if raw else "false") if isinstance(raw, bool) else raw

    def check(ctx: LintContext) -> Iterator[Finding]:
        for package, files in _grouped(ctx, lambda f: f.package).items():
            values = {value(f) for f in files}
            if len(values) < 2:
                continue
            named = quote(",".join(sorted(values - {""})))
            if "" in values:
                message = (f"Files in package {quote(package)} have both values {named} and no value "
                           f"for option {quote(option)} and all values must be equal.")
            else:
                message = (f"Files in package {quote(package)} have multiple values {named} for "
                           f"option {quote(option)} and all values must be equal.")
            for file in files:
                yield at_or_file(ctx, rule, file, walk.FILE_OPTIONS + (number,),
                                 file.options.HasField(option), message)  # type: ignore[arg-type]

    check.__doc__ = f"All files of a package set option ``{option}`` to the same value."
    REGISTRY.rule(rule)(check)


for _rule, _option, _number in (
    ("PACKAGE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37),
    ("PACKAGE_SAME_GO_PACKAGE", "go_package", 11),
    ("PACKAGE_SAME_JAVA_MULTIPLE_FILES", "java_multiple_files", 10),
    ("PACKAGE_SAME_JAVA_PACKAGE", "java_package", 1),
    ("PACKAGE_SAME_PHP_NAMESPACE", "php_namespace", 41),
    ("PACKAGE_SAME_RUBY_PACKAGE", "ruby_package", 45),
    ("PACKAGE_SAME_SWIFT_PREFIX", "swift_prefix", 39),
):
    _same_option(_rule, _option, _number)
