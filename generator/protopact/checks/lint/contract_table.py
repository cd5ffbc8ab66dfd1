"""The contract conventions' rule rows: category ``CONTRACT`` in every config version, off by default."""

from __future__ import annotations

from ..registry import RuleRow, everywhere

_CONTRACT = ("CONTRACT",)

CONTRACT_RULES: dict[str, RuleRow] = {
    "CONTRACT_ENUM_ZERO_DEFAULT": everywhere(
        "Enum zero values are named <ENUM>_DEFAULT (or the configured suffix) and mean only "
        "\"not set\".", _CONTRACT),
    "CONTRACT_LIST_PAGINATION": everywhere(
        "List RPCs take a selection and a Pagination or CursorPagination, and answer with the "
        "pagination result and the corrected request.", _CONTRACT),
    "CONTRACT_UPDATE_WRAPPERS": everywhere(
        "Update requests carry scalars through the Update wrappers or proto3 optional, so that "
        "\"not set\" differs from the zero value.", _CONTRACT),
    "CONTRACT_EVENT_METADATA_ACK": everywhere(
        "Server-streaming event RPCs answer with EventMetadata, and their service has an ack RPC.",
        _CONTRACT),
    "CONTRACT_VALUE_TYPES": everywhere(
        "Phone numbers use the E.164 value type and timestamps google.protobuf.Timestamp.",
        _CONTRACT),
    "CONTRACT_COMMENTS": everywhere(
        "Every service, RPC, message, field, enum and enum value outside v0 packages has a comment.",
        _CONTRACT),
}
