"""Field rules beyond naming: no required fields, no field called ``descriptor``."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor_pb2 import FeatureSet, FieldDescriptorProto

from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .naming import lint_fields

_NAME = (1,)


@REGISTRY.rule("FIELD_NO_DESCRIPTOR", walks=True)
def field_no_descriptor(ctx: LintContext) -> Iterator[Finding]:
    """No field is named ``descriptor`` in any case (it clashes with generated Python/Go members)."""
    for file in targets(ctx):
        for path, field in lint_fields(file):
            if field.name.strip("_").lower() == "descriptor":
                yield at(ctx, "FIELD_NO_DESCRIPTOR", file, path + _NAME,
                         f"Field name {quote(field.name)} cannot be any capitalization of "
                         '"descriptor" with any number of prefix or suffix underscores.')


@REGISTRY.rule("FIELD_NOT_REQUIRED", walks=True)
def field_not_required(ctx: LintContext) -> Iterator[Finding]:
    """No field is required: a required field can never be removed."""
    for file in targets(ctx):
        for path, field in lint_fields(file):
            # (reading the options of a field that sets none would build them, to no end)
            if (field.label == FieldDescriptorProto.LABEL_REQUIRED or field.HasField("options")
                    and field.options.features.field_presence == FeatureSet.LEGACY_REQUIRED):
                yield at(ctx, "FIELD_NOT_REQUIRED", file, path + _NAME,
                         f"Field named {quote(field.name)} should not be required.")
