"""Enum rules: zero value first and suffixed, values prefixed with the enum's name, no aliases."""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .case import upper_snake

_ENUM_OPTIONS_ALLOW_ALIAS = (3, 2)  # EnumDescriptorProto.options = 3, EnumOptions.allow_alias = 2
_VALUE_NUMBER = (2,)


@REGISTRY.rule("ENUM_FIRST_VALUE_ZERO", walks=True)
def enum_first_value_zero(ctx: LintContext) -> Iterator[Finding]:
    """The first enum value is 0, so that the default is the first declared."""
    for file in targets(ctx):
        for enum in walk.enums(file):
            first = next(walk.enum_values(enum), None)
            if first is not None and first.value.number != 0:
                yield at(ctx, "ENUM_FIRST_VALUE_ZERO", file, first.path + _VALUE_NUMBER,
                         f"First enum value {quote(first.value.name)} should have a numeric value of 0")


@REGISTRY.rule("ENUM_NO_ALLOW_ALIAS", walks=True)
def enum_no_allow_alias(ctx: LintContext) -> Iterator[Finding]:
    """Enums do not allow aliases (two names for one number break JSON round trips)."""
    for file in targets(ctx):
        for enum in walk.enums(file):
            if enum.enum.options.allow_alias:
                yield at(ctx, "ENUM_NO_ALLOW_ALIAS", file, enum.path + _ENUM_OPTIONS_ALLOW_ALIAS,
                         f'Enum option "allow_alias" on enum {quote(enum.enum.name)} must be false.')


@REGISTRY.rule("ENUM_VALUE_PREFIX", walks=True)
def enum_value_prefix(ctx: LintContext) -> Iterator[Finding]:
    """Enum values start with the enum's name in UPPER_SNAKE_CASE (C++ scoping puts them side by side)."""
    for file in targets(ctx):
        for enum in walk.enums(file):
            prefix = upper_snake(enum.enum.name) + "_"
            for value in walk.enum_values(enum):
                if not value.value.name.startswith(prefix):
                    yield at(ctx, "ENUM_VALUE_PREFIX", file, value.path + (walk.NAME,),
                             f"Enum value name {quote(value.value.name)} should be prefixed with "
                             f"{quote(prefix)}.")


@REGISTRY.rule("ENUM_ZERO_VALUE_SUFFIX", walks=True)
def enum_zero_value_suffix(ctx: LintContext) -> Iterator[Finding]:
    """Enum zero values end with the configured suffix (``_UNSPECIFIED`` by default)."""
    suffix = ctx.options.enum_zero_value_suffix
    for file in targets(ctx):
        for enum in walk.enums(file):
            for value in walk.enum_values(enum):
                if value.value.number == 0 and not value.value.name.endswith(suffix):
                    yield at(ctx, "ENUM_ZERO_VALUE_SUFFIX", file, value.path + (walk.NAME,),
                             f"Enum zero value name {quote(value.value.name)} should be suffixed "
                             f"with {quote(suffix)}.")
