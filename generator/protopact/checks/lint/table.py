"""buf's lint rules: one row per rule ID, a column per buf.yaml version.

Taken from buf 1.75's ``buf config ls-lint-rules --version V --format json --include-deprecated``.
A column is ``(categories, default)``; a missing column means that version lacks the rule.
"""

from __future__ import annotations

from ..registry import RuleRow, row

# fmt: off
BUF_RULES: dict[str, RuleRow] = {
    "COMMENT_ENUM": row(
        "Checks that enums have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_ENUM_VALUE": row(
        "Checks that enum values have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_FIELD": row(
        "Checks that fields have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_MESSAGE": row(
        "Checks that messages have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_ONEOF": row(
        "Checks that oneofs have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_RPC": row(
        "Checks that RPCs have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "COMMENT_SERVICE": row(
        "Checks that services have non-empty comments.",
        v1beta1=(('COMMENTS',), False), v1=(('COMMENTS',), False), v2=(('COMMENTS',), False),
    ),
    "DIRECTORY_SAME_PACKAGE": row(
        "Checks that all files in a given directory are in the same package.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'FILE_LAYOUT'), True), v1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_FIRST_VALUE_ZERO": row(
        "Checks that all first values of enums have a numeric value of 0.",
        v1beta1=(('OTHER',), False), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_NO_ALLOW_ALIAS": row(
        "Checks that enums do not have the allow_alias option set.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'SENSIBLE'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_PASCAL_CASE": row(
        "Checks that enums are PascalCase.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_VALUE_PREFIX": row(
        "Checks that enum values are prefixed with ENUM_NAME_UPPER_SNAKE_CASE.",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_VALUE_UPPER_SNAKE_CASE": row(
        "Checks that enum values are UPPER_SNAKE_CASE.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ENUM_ZERO_VALUE_SUFFIX": row(
        "Checks that enum zero values have a consistent suffix (configurable, default suffix is \"_UNSPECIFIED\").",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "FIELD_LOWER_SNAKE_CASE": row(
        "Checks that field names are lower_snake_case.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "FIELD_NOT_REQUIRED": row(
        "Checks that fields are not configured to be required.",
        v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "FIELD_NO_DESCRIPTOR": row(
        "Checks that field names are not any capitalization of \"descriptor\" with any number of prefix or suffix underscores.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'SENSIBLE'), True),
    ),
    "FILE_LOWER_SNAKE_CASE": row(
        "Checks that filenames are lower_snake_case.",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "IMPORT_NO_PUBLIC": row(
        "Checks that imports are not public.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'SENSIBLE'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "IMPORT_NO_WEAK": row(
        "Checks that imports are not weak.",
        v1beta1=((), False), v1=((), False), v2=((), False), deprecated=True,
    ),
    "IMPORT_USED": row(
        "Checks that imports are used.",
        v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "MESSAGE_PASCAL_CASE": row(
        "Checks that messages are PascalCase.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "ONEOF_LOWER_SNAKE_CASE": row(
        "Checks that oneof names are lower_snake_case.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_DEFINED": row(
        "Checks that all files have a package defined.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'SENSIBLE'), True), v1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_DIRECTORY_MATCH": row(
        "Checks that all files are in a directory that matches their package name.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'FILE_LAYOUT'), True), v1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_LOWER_SNAKE_CASE": row(
        "Checks that packages are lower_snake.case.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_NO_IMPORT_CYCLE": row(
        "Checks that packages do not have import cycles.",
        v1=((), False), v2=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_CSHARP_NAMESPACE": row(
        "Checks that all files with a given package have the same value for the csharp_namespace option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_DIRECTORY": row(
        "Checks that all files with a given package are in the same directory.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'FILE_LAYOUT'), True), v1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_GO_PACKAGE": row(
        "Checks that all files with a given package have the same value for the go_package option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_JAVA_MULTIPLE_FILES": row(
        "Checks that all files with a given package have the same value for the java_multiple_files option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_JAVA_PACKAGE": row(
        "Checks that all files with a given package have the same value for the java_package option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_PHP_NAMESPACE": row(
        "Checks that all files with a given package have the same value for the php_namespace option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_RUBY_PACKAGE": row(
        "Checks that all files with a given package have the same value for the ruby_package option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_SAME_SWIFT_PREFIX": row(
        "Checks that all files with a given package have the same value for the swift_prefix option.",
        v1beta1=(('MINIMAL', 'BASIC', 'DEFAULT', 'STANDARD', 'PACKAGE_AFFINITY'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "PACKAGE_VERSION_SUFFIX": row(
        "Checks that the last component of all packages is a version of the form v\\d+, v\\d+test.*, v\\d+(alpha|beta)\\d+, or v\\d+p\\d+(alpha|beta)\\d+, where numbers are >=1.",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "PROTOVALIDATE": row(
        "Checks that protovalidate rules are valid and all CEL expressions compile.",
        v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "RPC_NO_CLIENT_STREAMING": row(
        "Checks that RPCs are not client streaming.",
        v1beta1=(('UNARY_RPC',), False), v1=(('UNARY_RPC',), False), v2=(('UNARY_RPC',), False),
    ),
    "RPC_NO_SERVER_STREAMING": row(
        "Checks that RPCs are not server streaming.",
        v1beta1=(('UNARY_RPC',), False), v1=(('UNARY_RPC',), False), v2=(('UNARY_RPC',), False),
    ),
    "RPC_PASCAL_CASE": row(
        "Checks that RPCs are PascalCase.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "RPC_REQUEST_RESPONSE_UNIQUE": row(
        "Checks that RPC request and response types are only used in one RPC (configurable).",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "RPC_REQUEST_STANDARD_NAME": row(
        "Checks that RPC request type names are RPCNameRequest or ServiceNameRPCNameRequest (configurable).",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "RPC_RESPONSE_STANDARD_NAME": row(
        "Checks that RPC response type names are RPCNameResponse or ServiceNameRPCNameResponse (configurable).",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "SERVICE_PASCAL_CASE": row(
        "Checks that services are PascalCase.",
        v1beta1=(('BASIC', 'DEFAULT', 'STANDARD', 'STYLE_BASIC', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
    "SERVICE_SUFFIX": row(
        "Checks that services have a consistent suffix (configurable, default suffix is \"Service\").",
        v1beta1=(('DEFAULT', 'STANDARD', 'STYLE_DEFAULT', 'STYLE_STANDARD'), True), v1=(('DEFAULT', 'STANDARD'), True), v2=(('DEFAULT', 'STANDARD'), True),
    ),
    "STABLE_PACKAGE_NO_IMPORT_UNSTABLE": row(
        "Checks that all files that have stable versioned packages do not import packages with unstable version packages.",
        v2=((), False),
    ),
    "SYNTAX_SPECIFIED": row(
        "Checks that all files have a syntax specified.",
        v1=(('BASIC', 'DEFAULT', 'STANDARD'), True), v2=(('BASIC', 'DEFAULT', 'STANDARD'), True),
    ),
}
# fmt: on
