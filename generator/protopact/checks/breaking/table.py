"""buf's breaking rules: one row per rule ID, a column per buf.yaml version.

Taken from buf 1.75's ``buf config ls-breaking-rules --version V --format json --include-deprecated``.
A column is ``(categories, default)``; a missing column means that version lacks the rule.
"""

from __future__ import annotations

from ..registry import RuleRow, row

# fmt: off
BUF_RULES: dict[str, RuleRow] = {
    "ENUM_NO_DELETE": row(
        "Checks that enums are not deleted from a given file.",
        v1beta1=(('FILE',), True), v1=(('FILE',), True), v2=(('CSR', 'FILE'), True),
    ),
    "ENUM_SAME_JSON_FORMAT": row(
        "Checks that enums have the same JSON format support.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'), True),
    ),
    "ENUM_SAME_TYPE": row(
        "Checks that enums have the same type (open vs closed).",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "ENUM_VALUE_NO_DELETE": row(
        "Checks that enum values are not deleted from a given enum.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": row(
        "Checks that enum values are not deleted from a given enum unless the name is reserved.",
        v1beta1=(('WIRE_JSON',), False), v1=(('WIRE_JSON',), False), v2=(('CSR', 'WIRE_JSON'), False),
    ),
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": row(
        "Checks that enum values are not deleted from a given enum unless the number is reserved.",
        v1beta1=(('WIRE_JSON', 'WIRE'), False), v1=(('WIRE_JSON', 'WIRE'), False), v2=(('CSR', 'WIRE_JSON', 'WIRE'), False),
    ),
    "ENUM_VALUE_SAME_NAME": row(
        "Checks that enum values have the same name.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'), True),
    ),
    "EXTENSION_MESSAGE_NO_DELETE": row(
        "Checks that extension ranges are not deleted from a given message.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "EXTENSION_NO_DELETE": row(
        "Checks that extensions are not deleted from a given file.",
        v2=(('FILE',), True),
    ),
    "FIELD_NO_DELETE": row(
        "Checks that fields are not deleted from a given message.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": row(
        "Checks that fields are not deleted from a given message unless the name is reserved.",
        v1beta1=(('WIRE_JSON',), False), v1=(('WIRE_JSON',), False), v2=(('CSR', 'WIRE_JSON'), False),
    ),
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": row(
        "Checks that fields are not deleted from a given message unless the number is reserved.",
        v1beta1=(('WIRE_JSON', 'WIRE'), False), v1=(('WIRE_JSON', 'WIRE'), False), v2=(('CSR', 'WIRE_JSON', 'WIRE'), False),
    ),
    "FIELD_SAME_CARDINALITY": row(
        "Checks that fields have the same cardinalities in a given message.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FIELD_SAME_CPP_STRING_TYPE": row(
        "Checks that fields have the same C++ string type, based on ctype field option or (pb.cpp).string_type feature.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FIELD_SAME_CTYPE": row(
        "Checks that fields have the same value for the ctype option.",
        v1beta1=((), False), v1=((), False), deprecated=True, replacements=('FIELD_SAME_CPP_STRING_TYPE',),
    ),
    "FIELD_SAME_DEFAULT": row(
        "Checks that fields have the same default value, if a default is specified.",
        v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "FIELD_SAME_JAVA_UTF8_VALIDATION": row(
        "Checks that fields have the same Java string UTF8 validation, based on java_string_check_utf8 file option or (pb.java).utf8_validation feature.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FIELD_SAME_JSON_NAME": row(
        "Checks that fields have the same value for the json_name option.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'), True),
    ),
    "FIELD_SAME_JSTYPE": row(
        "Checks that fields have the same value for the jstype option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FIELD_SAME_LABEL": row(
        "Checks that fields have the same labels in a given message.",
        v1beta1=((), False), v1=((), False), deprecated=True, replacements=('FIELD_SAME_CARDINALITY', 'FIELD_WIRE_COMPATIBLE_CARDINALITY', 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY'),
    ),
    "FIELD_SAME_NAME": row(
        "Checks that fields have the same names in a given message.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'), True),
    ),
    "FIELD_SAME_ONEOF": row(
        "Checks that fields have the same oneofs in a given message.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "FIELD_SAME_TYPE": row(
        "Checks that fields have the same types in a given message.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "FIELD_SAME_UTF8_VALIDATION": row(
        "Checks that string fields have the same UTF8 validation mode.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": row(
        "Checks that fields have wire-compatible cardinalities in a given message.",
        v1beta1=(('WIRE',), False), v1=(('WIRE',), False), v2=(('WIRE',), False),
    ),
    "FIELD_WIRE_COMPATIBLE_TYPE": row(
        "Checks that fields have wire-compatible types in a given message.",
        v1=(('WIRE',), False), v2=(('WIRE',), False),
    ),
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": row(
        "Checks that fields have wire and JSON compatible cardinalities in a given message.",
        v1beta1=(('WIRE_JSON',), False), v1=(('WIRE_JSON',), False), v2=(('CSR', 'WIRE_JSON'), False),
    ),
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": row(
        "Checks that fields have wire and JSON compatible types in a given message.",
        v1=(('WIRE_JSON',), False), v2=(('CSR', 'WIRE_JSON'), False),
    ),
    "FILE_NO_DELETE": row(
        "Checks that files are not deleted.",
        v1beta1=(('FILE',), True), v1=(('FILE',), True), v2=(('CSR', 'FILE'), True),
    ),
    "FILE_SAME_CC_ENABLE_ARENAS": row(
        "Checks that files have the same value for the cc_enable_arenas option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_CC_GENERIC_SERVICES": row(
        "Checks that files have the same value for the cc_generic_services option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_CSHARP_NAMESPACE": row(
        "Checks that files have the same value for the csharp_namespace option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_GO_PACKAGE": row(
        "Checks that files have the same value for the go_package option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_JAVA_GENERIC_SERVICES": row(
        "Checks that files have the same value for the java_generic_services option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_JAVA_MULTIPLE_FILES": row(
        "Checks that files have the same value for the java_multiple_files option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_JAVA_OUTER_CLASSNAME": row(
        "Checks that files have the same value for the java_outer_classname option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_JAVA_PACKAGE": row(
        "Checks that files have the same value for the java_package option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_JAVA_STRING_CHECK_UTF8": row(
        "Checks that files have the same value for the java_string_check_utf8 option.",
        v1beta1=((), False), v1=((), False), deprecated=True, replacements=('FIELD_SAME_JAVA_UTF8_VALIDATION',),
    ),
    "FILE_SAME_OBJC_CLASS_PREFIX": row(
        "Checks that files have the same value for the objc_class_prefix option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_OPTIMIZE_FOR": row(
        "Checks that files have the same value for the optimize_for option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_PACKAGE": row(
        "Checks that files have the same package.",
        v1beta1=(('FILE',), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "FILE_SAME_PHP_CLASS_PREFIX": row(
        "Checks that files have the same value for the php_class_prefix option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_PHP_GENERIC_SERVICES": row(
        "Checks that files have the same value for the php_generic_services option.",
        v1beta1=((), False), v1=((), False), deprecated=True,
    ),
    "FILE_SAME_PHP_METADATA_NAMESPACE": row(
        "Checks that files have the same value for the php_metadata_namespace option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_PHP_NAMESPACE": row(
        "Checks that files have the same value for the php_namespace option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_PY_GENERIC_SERVICES": row(
        "Checks that files have the same value for the py_generic_services option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_RUBY_PACKAGE": row(
        "Checks that files have the same value for the ruby_package option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_SWIFT_PREFIX": row(
        "Checks that files have the same value for the swift_prefix option.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "FILE_SAME_SYNTAX": row(
        "Checks that files have the same syntax.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "MESSAGE_NO_DELETE": row(
        "Checks that messages are not deleted from a given file.",
        v1beta1=(('FILE',), True), v1=(('FILE',), True), v2=(('CSR', 'FILE'), True),
    ),
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR": row(
        "Checks that messages do not change the no_standard_descriptor_accessor option from false or unset to true.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "MESSAGE_SAME_JSON_FORMAT": row(
        "Checks that messages have the same JSON format support.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON'), True),
    ),
    "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT": row(
        "Checks that messages have the same value for the message_set_wire_format option.",
        v1beta1=((), False), v1=((), False), v2=((), False), deprecated=True,
    ),
    "MESSAGE_SAME_REQUIRED_FIELDS": row(
        "Checks that messages have no added or deleted required fields.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "ONEOF_NO_DELETE": row(
        "Checks that oneofs are not deleted from a given message.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('CSR', 'FILE', 'PACKAGE'), True),
    ),
    "PACKAGE_ENUM_NO_DELETE": row(
        "Checks that enums are not deleted from a given package.",
        v1beta1=(('PACKAGE',), False), v1=(('PACKAGE',), False), v2=(('PACKAGE',), False),
    ),
    "PACKAGE_EXTENSION_NO_DELETE": row(
        "Checks that extensions are not deleted from a given package.",
        v2=(('PACKAGE',), False),
    ),
    "PACKAGE_MESSAGE_NO_DELETE": row(
        "Checks that messages are not deleted from a given package.",
        v1beta1=(('PACKAGE',), False), v1=(('PACKAGE',), False), v2=(('PACKAGE',), False),
    ),
    "PACKAGE_NO_DELETE": row(
        "Checks that packages are not deleted.",
        v1beta1=(('PACKAGE',), False), v1=(('PACKAGE',), False), v2=(('PACKAGE',), False),
    ),
    "PACKAGE_SERVICE_NO_DELETE": row(
        "Checks that services are not deleted from a given package.",
        v1beta1=(('PACKAGE',), False), v1=(('PACKAGE',), False), v2=(('PACKAGE',), False),
    ),
    "RESERVED_ENUM_NO_DELETE": row(
        "Checks that reserved ranges and names are not deleted from a given enum.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RESERVED_MESSAGE_NO_DELETE": row(
        "Checks that reserved ranges and names are not deleted from a given message.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RPC_NO_DELETE": row(
        "Checks that rpcs are not deleted from a given service.",
        v1beta1=(('FILE', 'PACKAGE'), True), v1=(('FILE', 'PACKAGE'), True), v2=(('FILE', 'PACKAGE'), True),
    ),
    "RPC_SAME_CLIENT_STREAMING": row(
        "Checks that rpcs have the same client streaming value.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RPC_SAME_IDEMPOTENCY_LEVEL": row(
        "Checks that rpcs have the same value for the idempotency_level option.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RPC_SAME_REQUEST_TYPE": row(
        "Checks that rpcs are have the same request type.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RPC_SAME_RESPONSE_TYPE": row(
        "Checks that rpcs are have the same response type.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "RPC_SAME_SERVER_STREAMING": row(
        "Checks that rpcs have the same server streaming value.",
        v1beta1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v1=(('FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True), v2=(('CSR', 'FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'), True),
    ),
    "SERVICE_NO_DELETE": row(
        "Checks that services are not deleted from a given file.",
        v1beta1=(('FILE',), True), v1=(('FILE',), True), v2=(('FILE',), True),
    ),
}
# fmt: on
