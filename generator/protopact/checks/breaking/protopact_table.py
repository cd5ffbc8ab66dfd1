"""protopact's breaking rules, which buf lacks: one row per rule ID, the same categories in every
``buf.yaml`` version, and off unless a config names the rule or its category."""

from __future__ import annotations

from ..registry import RuleRow, everywhere

HTTP = ("HTTP",)
STABILITY = ("STABILITY",)
VALIDATION = ("VALIDATION",)

PROTOPACT_RULES: dict[str, RuleRow] = {
    "HTTP_BINDING_NO_DELETE": everywhere(
        "Checks that google.api.http bindings and additional bindings are not deleted from an rpc.",
        HTTP),
    "HTTP_SAME_VERB": everywhere("Checks that google.api.http bindings keep their HTTP verb.", HTTP),
    "HTTP_SAME_PATH": everywhere(
        "Checks that google.api.http bindings keep their path template (variables aside).", HTTP),
    "HTTP_SAME_PATH_VARIABLES": everywhere(
        "Checks that google.api.http path templates bind the same request fields.", HTTP),
    "HTTP_SAME_BODY": everywhere("Checks that google.api.http bindings keep their body.", HTTP),
    "HTTP_SAME_RESPONSE_BODY": everywhere(
        "Checks that google.api.http bindings keep their response_body.", HTTP),
    "STABILITY_BETA_MAY_CHANGE": everywhere(
        "A filter: drops the findings of every other selected rule on elements that the baseline "
        "marks STABILITY_BETA (protopact.v1 stability options) or that lie in a v0 package.",
        STABILITY),
    "STABILITY_DELETE_REQUIRES_DEPRECATION": everywhere(
        "Checks that services, rpcs, messages, fields, enums and enum values are deleted only when "
        "the baseline marks them deprecated.", STABILITY),
    "VALIDATION_REQUEST_NOT_TIGHTENED": everywhere(
        "Checks that buf.validate rules on request fields and messages are not tightened.",
        VALIDATION),
    "VALIDATION_REQUEST_NO_NEW_REQUIRED": everywhere(
        "Checks that request fields and oneofs do not become required by buf.validate rules, and "
        "that no request field is added that the rules refuse unset.", VALIDATION),
    "VALIDATION_RESPONSE_NOT_LOOSENED": everywhere(
        "Checks that buf.validate rules on response fields and messages are not loosened.",
        VALIDATION),
}
