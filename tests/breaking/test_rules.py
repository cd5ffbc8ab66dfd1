"""Every breaking rule on its fixture pair: exact findings and spans, as buf 1.75 reports them.

Fixtures live in ``tests/breaking/{previous,current}/<case>/`` (each with a ``buf.yaml`` naming the rule).
``EXPECTED`` holds buf's own output for each pair: (path, start line, start column, end line, end column,
rule, message). The same rows are checked against the live buf binary.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run

HERE = Path(__file__).parent

# fmt: off
EXPECTED: dict[str, list[tuple[str, int, int, int, int, str, str]]] = {
    'enum_no_delete': [
        ('a.proto', 1, 1, 1, 1, 'ENUM_NO_DELETE', 'Previously present enum "E" was deleted from file.'),
        ('a.proto', 4, 1, 7, 2, 'ENUM_NO_DELETE', 'Previously present enum "M.N" was deleted from file.'),
        ('a.proto', 5, 3, 6, 4, 'ENUM_NO_DELETE', 'Previously present enum "M.Inner.Deep" was deleted from file.'),
    ],
    'enum_same_json_format': [
        ('a.proto', 4, 3, 4, 52, 'ENUM_SAME_JSON_FORMAT', 'Enum "E" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
    ],
    'enum_same_json_format_p3_to_p2': [
        ('a.proto', 3, 1, 5, 2, 'ENUM_SAME_JSON_FORMAT', 'Enum "E" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
    ],
    'enum_same_type': [
        ('a.proto', 4, 3, 4, 38, 'ENUM_SAME_TYPE', 'Enum "E" changed from open to closed.'),
    ],
    'enum_same_type_p2_to_p3': [
        ('a.proto', 3, 1, 5, 2, 'ENUM_SAME_TYPE', 'Enum "E" changed from closed to open.'),
    ],
    'enum_value_no_delete': [
        ('a.proto', 3, 1, 9, 2, 'ENUM_VALUE_NO_DELETE', 'Previously present enum value "2" on enum "E" was deleted.'),
        ('a.proto', 3, 1, 9, 2, 'ENUM_VALUE_NO_DELETE', 'Previously present enum value "3" on enum "E" was deleted.'),
    ],
    'enum_value_no_delete_unless_name_reserved': [
        ('a.proto', 3, 1, 7, 2, 'ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED', 'Previously present enum value "1" on enum "E" was deleted without reserving the names "E_1", "E_ONE".'),
        ('a.proto', 3, 1, 7, 2, 'ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED', 'Previously present enum value "2" on enum "E" was deleted without reserving the name "E_2".'),
    ],
    'enum_value_no_delete_unless_number_reserved': [
        ('a.proto', 3, 1, 7, 2, 'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', 'Previously present enum value "1" on enum "E" was deleted without reserving the number "1".'),
        ('a.proto', 3, 1, 7, 2, 'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', 'Previously present enum value "3" on enum "E" was deleted without reserving the number "3".'),
    ],
    'enum_value_same_name': [
        ('a.proto', 6, 11, 6, 12, 'ENUM_VALUE_SAME_NAME', 'Enum value "1" on enum "E" changed name from "E_1" to "E_ONE".'),
        ('a.proto', 7, 9, 7, 10, 'ENUM_VALUE_SAME_NAME', 'Enum value "2" on enum "E" changed name from "E_2", "E_TWO" to "E_2".'),
    ],
    'enum_value_same_name_aliases': [
        ('a.proto', 6, 7, 6, 8, 'ENUM_VALUE_SAME_NAME', 'Enum value "1" on enum "E" changed names from "A", "B" to "A", "C", "D".'),
        ('a.proto', 7, 7, 7, 8, 'ENUM_VALUE_SAME_NAME', 'Enum value "1" on enum "E" changed names from "A", "B" to "A", "C", "D".'),
        ('a.proto', 8, 7, 8, 8, 'ENUM_VALUE_SAME_NAME', 'Enum value "1" on enum "E" changed names from "A", "B" to "A", "C", "D".'),
    ],
    'extension_message_no_delete': [
        ('a.proto', 3, 1, 6, 2, 'EXTENSION_MESSAGE_NO_DELETE', 'Previously present extension range "[100,200]" on message "M" is missing values: [151,200] were removed.'),
        ('a.proto', 3, 1, 6, 2, 'EXTENSION_MESSAGE_NO_DELETE', 'Previously present extension range "[300]" on message "M" is missing values: [300] were removed.'),
        ('a.proto', 3, 1, 6, 2, 'EXTENSION_MESSAGE_NO_DELETE', 'Previously present extension range "[400,max]" on message "M" is missing values: [1001,max] were removed.'),
    ],
    'extension_no_delete': [
        ('a.proto', 1, 1, 1, 1, 'EXTENSION_NO_DELETE', 'Previously present extension "x" was deleted from file.'),
        ('a.proto', 7, 1, 8, 2, 'EXTENSION_NO_DELETE', 'Previously present extension "N.y" was deleted from file.'),
    ],
    'field_no_delete': [
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE', 'Previously present field "2" with name "b" on message "M" was deleted.'),
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE', 'Previously present field "3" with name "c" on message "M" was deleted.'),
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE', 'Previously present field "4" with name "d" on message "M" was deleted.'),
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE', 'Previously present field "5" with name "e" on message "M" was deleted.'),
    ],
    'field_no_delete_unless_name_reserved': [
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED', 'Previously present field "2" with name "b" on message "M" was deleted without reserving the name "b".'),
    ],
    'field_no_delete_unless_number_reserved': [
        ('a.proto', 3, 1, 7, 2, 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'Previously present field "3" with name "c" on message "M" was deleted without reserving the number "3".'),
    ],
    'field_same_cardinality': [
        ('a.proto', 4, 3, 4, 24, 'FIELD_SAME_CARDINALITY', 'Field "1" with name "a" on message "M" changed cardinality from "optional with implicit presence" to "optional with explicit presence".'),
        ('a.proto', 5, 3, 5, 15, 'FIELD_SAME_CARDINALITY', 'Field "2" with name "b" on message "M" changed cardinality from "optional with explicit presence" to "optional with implicit presence".'),
        ('a.proto', 6, 3, 6, 15, 'FIELD_SAME_CARDINALITY', 'Field "3" with name "c" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
        ('a.proto', 7, 3, 7, 20, 'FIELD_SAME_CARDINALITY', 'Field "4" with name "d" on message "M" changed cardinality from "map" to "repeated".'),
        ('a.proto', 8, 3, 8, 27, 'FIELD_SAME_CARDINALITY', 'Field "5" with name "e" on message "M" changed cardinality from "repeated" to "map".'),
    ],
    'field_same_cardinality_p2': [
        ('a.proto', 4, 3, 4, 24, 'FIELD_SAME_CARDINALITY', 'Field "1" with name "a" on message "M" changed cardinality from "required" to "optional with explicit presence".'),
        ('a.proto', 5, 3, 5, 24, 'FIELD_SAME_CARDINALITY', 'Field "2" with name "b" on message "M" changed cardinality from "optional with explicit presence" to "required".'),
    ],
    'field_same_cpp_string_type': [
        ('a.proto', 4, 3, 4, 25, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "1" with name "a" on message "M" changed C++ string type from "CORD" to "STRING".'),
        ('a.proto', 6, 25, 6, 37, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "3" with name "c" on message "M" changed C++ string type from "STRING" to "CORD".'),
        ('a.proto', 7, 26, 7, 46, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "4" with name "d" on message "M" changed C++ string type from "STRING" to "STRING_PIECE".'),
    ],
    'field_same_cpp_string_type_editions': [
        ('a.proto', 5, 17, 5, 53, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "1" with name "a" on message "M" changed C++ string type from "STRING" to "CORD".'),
        ('a.proto', 6, 17, 6, 53, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "2" with name "b" on message "M" changed C++ string type from "CORD" to "VIEW".'),
        ('b.proto', 5, 3, 5, 16, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "1" with name "x" on message "N" changed C++ string type from "CORD" to "STRING".'),
        ('b.proto', 7, 13, 7, 26, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "3" with name "z" on message "N" changed C++ string type from "CORD" to "STRING".'),
    ],
    'field_same_ctype': [
        ('a.proto', 4, 3, 4, 25, 'FIELD_SAME_CPP_STRING_TYPE', 'Field "1" with name "a" on message "M" changed C++ string type from "CORD" to "STRING".'),
    ],
    'field_same_default': [
        ('a.proto', 4, 25, 4, 36, 'FIELD_SAME_DEFAULT', 'Field "1" with name "a" on message "M" changed default value from 5 to 6.'),
        ('a.proto', 5, 26, 5, 40, 'FIELD_SAME_DEFAULT', 'Field "2" with name "b" on message "M" changed default value from "" to "hi".'),
        ('a.proto', 7, 21, 7, 34, 'FIELD_SAME_DEFAULT', 'Field "4" with name "d" on message "M" changed default value from E.E_0 to E.E_1.'),
        ('a.proto', 8, 3, 8, 23, 'FIELD_SAME_DEFAULT', 'Field "5" with name "e" on message "M" changed default value from true to false.'),
        ('a.proto', 9, 25, 9, 38, 'FIELD_SAME_DEFAULT', 'Field "6" with name "f" on message "M" changed default value from [0x78,0x1] to [0x79].'),
        ('a.proto', 10, 26, 10, 40, 'FIELD_SAME_DEFAULT', 'Field "7" with name "g" on message "M" changed default value from +Inf to -Inf.'),
        ('a.proto', 12, 3, 12, 20, 'FIELD_SAME_DEFAULT', 'Field "9" with name "i" on message "M" changed default value from E.E_1 to E.E_0.'),
        ('a.proto', 13, 44, 13, 55, 'FIELD_SAME_DEFAULT', 'Field "10" with name "j" on message "M" changed default value from 1 to 3.'),
        ('a.proto', 14, 26, 14, 35, 'FIELD_SAME_DEFAULT', 'Field "11" with name "k" on message "M" changed default value from 2 to 4.'),
    ],
    'field_same_default_from_import': [
        ('a.proto', 5, 3, 5, 20, 'FIELD_SAME_DEFAULT', 'Field "1" with name "e" on message "M" changed default value from E.E_0 to E.E_1.'),
    ],
    'field_same_java_utf8_validation': [
    ],
    'field_same_java_utf8_validation_editions': [
        ('a.proto', 5, 50, 5, 93, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
        ('a.proto', 6, 3, 6, 16, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "2" with name "b" on message "M" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
    ],
    'field_same_java_utf8_validation_p2': [
        ('a.proto', 4, 3, 4, 25, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed Java string UTF8 validation from "VERIFY" to "NONE".'),
    ],
    'field_same_java_utf8_validation_p2_add': [
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
    ],
    'field_same_json_name': [
        ('a.proto', 4, 22, 4, 43, 'FIELD_SAME_JSON_NAME', 'Field "1" with name "foo_bar" on message "M" changed option "json_name" from "fooBar" to "fooBarX".'),
        ('a.proto', 5, 3, 5, 15, 'FIELD_SAME_JSON_NAME', 'Field "2" with name "b" on message "M" changed option "json_name" from "bee" to "b".'),
        ('a.proto', 6, 3, 6, 16, 'FIELD_SAME_JSON_NAME', 'Field "3" with name "cc" on message "M" changed option "json_name" from "c" to "cc".'),
    ],
    'field_same_jstype': [
        ('a.proto', 4, 16, 4, 34, 'FIELD_SAME_JSTYPE', 'Field "1" with name "a" on message "M" changed option "jstype" from "JS_NORMAL" to "JS_STRING".'),
        ('a.proto', 5, 3, 5, 16, 'FIELD_SAME_JSTYPE', 'Field "2" with name "b" on message "M" changed option "jstype" from "JS_NUMBER" to "JS_NORMAL".'),
    ],
    'field_same_label': [
        ('a.proto', 4, 3, 4, 24, 'FIELD_SAME_CARDINALITY', 'Field "1" with name "a" on message "M" changed cardinality from "optional with implicit presence" to "optional with explicit presence".'),
        ('a.proto', 5, 3, 5, 15, 'FIELD_SAME_CARDINALITY', 'Field "2" with name "b" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
        ('a.proto', 5, 3, 5, 15, 'FIELD_WIRE_COMPATIBLE_CARDINALITY', 'Field "2" with name "b" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
        ('a.proto', 5, 3, 5, 15, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "2" with name "b" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
        ('a.proto', 6, 3, 6, 20, 'FIELD_SAME_CARDINALITY', 'Field "3" with name "c" on message "M" changed cardinality from "map" to "repeated".'),
        ('a.proto', 6, 3, 6, 20, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "3" with name "c" on message "M" changed cardinality from "map" to "repeated".'),
    ],
    'field_same_name': [
        ('a.proto', 4, 18, 4, 19, 'FIELD_SAME_NAME', 'Field "1" on message "M" changed name from "a" to "b".'),
        ('a.proto', 8, 18, 8, 19, 'FIELD_SAME_NAME', 'Extension "100" on message "foo.M" changed name from "foo.x" to "foo.y".'),
    ],
    'field_same_oneof': [
        ('a.proto', 5, 5, 5, 17, 'FIELD_SAME_ONEOF', 'Field "1" with name "a" on message "M" moved from outside to inside a oneof.'),
        ('a.proto', 6, 5, 6, 17, 'FIELD_SAME_ONEOF', 'Field "4" with name "d" on message "M"q moved from oneof "p" to oneof "o".'),
        ('a.proto', 8, 3, 8, 15, 'FIELD_SAME_ONEOF', 'Field "2" with name "b" on message "M" moved from inside to outside a oneof.'),
        ('a.proto', 9, 3, 9, 15, 'FIELD_SAME_ONEOF', 'Field "3" with name "c" on message "M" moved from inside to outside a oneof.'),
    ],
    'field_same_type': [
        ('a.proto', 5, 3, 5, 8, 'FIELD_SAME_TYPE', 'Field "1" with name "a" on message "M" changed type from "int32" to "int64".'),
        ('a.proto', 6, 3, 6, 9, 'FIELD_SAME_TYPE', 'Field "2" with name "b" on message "M" changed type from "int32" to "sint32".'),
        ('a.proto', 7, 3, 7, 8, 'FIELD_SAME_TYPE', 'Field "3" with name "c" on message "M" changed type from "string" to "bytes".'),
        ('a.proto', 8, 3, 8, 9, 'FIELD_SAME_TYPE', 'Field "4" with name "d" on message "M" changed type from "bytes" to "string".'),
        ('a.proto', 9, 3, 9, 7, 'FIELD_SAME_TYPE', 'Field "5" with name "e" on message "M" changed type from "foo.Foo" to "foo.Foo2".'),
        ('a.proto', 10, 3, 10, 8, 'FIELD_SAME_TYPE', 'Field "6" with name "f" on message "M" changed type from "message" to "bytes".'),
        ('a.proto', 11, 3, 11, 8, 'FIELD_SAME_TYPE', 'Field "7" with name "g" on message "M" changed type from "foo.E" to "foo.Bar.E".'),
        ('a.proto', 12, 3, 12, 5, 'FIELD_SAME_TYPE', 'Field "8" with name "h" on message "M" changed type from "foo.E" to "foo.E2".'),
        ('a.proto', 13, 3, 13, 4, 'FIELD_SAME_TYPE', 'Field "9" with name "i" on message "M" changed type from "int32" to "enum".'),
        ('a.proto', 14, 3, 14, 11, 'FIELD_SAME_TYPE', 'Field "10" with name "j" on message "M" changed type from "fixed32" to "sfixed32".'),
        ('a.proto', 15, 3, 15, 9, 'FIELD_SAME_TYPE', 'Field "11" with name "k" on message "M" changed type from "int32" to "uint32".'),
        ('a.proto', 16, 3, 16, 6, 'FIELD_SAME_TYPE', 'Field "12" with name "l" on message "M" changed type from "uint64" to "message".'),
        ('a.proto', 17, 3, 17, 6, 'FIELD_SAME_TYPE', 'Field "13" with name "m" on message "M" changed type from "bar.Foo" to "foo.Foo".'),
    ],
    'field_same_type_delimited': [
        ('a.proto', 4, 3, 4, 6, 'FIELD_SAME_TYPE', 'Field "1" with name "a" on message "M" changed type from "message" to "message (delimited encoding)".'),
        ('a.proto', 5, 3, 5, 6, 'FIELD_SAME_TYPE', 'Field "2" with name "b" on message "M" changed type from "message (delimited encoding)" to "message".'),
    ],
    'field_same_type_group_to_delimited': [
    ],
    'field_same_utf8_validation': [
        ('a.proto', 4, 17, 4, 48, 'FIELD_SAME_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 5, 3, 5, 16, 'FIELD_SAME_UTF8_VALIDATION', 'Field "2" with name "b" on message "M" changed UTF8 validation from NONE to VERIFY.'),
    ],
    'field_same_utf8_validation_p3_to_p2': [
        ('a.proto', 4, 3, 4, 25, 'FIELD_SAME_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed UTF8 validation from VERIFY to NONE.'),
    ],
    'field_wire_compatible_cardinality': [
        ('a.proto', 6, 3, 6, 15, 'FIELD_WIRE_COMPATIBLE_CARDINALITY', 'Field "3" with name "c" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
    ],
    'field_wire_compatible_type': [
        ('a.proto', 6, 3, 6, 9, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "b" on message "M" changed type from "int32" to "sint32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 8, 3, 8, 9, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "4" with name "d" on message "M" changed type from "bytes" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules. Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.'),
        ('a.proto', 9, 3, 9, 7, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "5" with name "e" on message "M" changed type from "foo.Foo" to "foo.Foo2".'),
        ('a.proto', 10, 3, 10, 8, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "6" with name "f" on message "M" changed type from "message" to "bytes". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 12, 3, 12, 5, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "8" with name "h" on message "M" changed type from "foo.E" to "foo.E2".'),
        ('a.proto', 13, 3, 13, 4, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "9" with name "i" on message "M" changed type from "int32" to "enum". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 16, 3, 16, 6, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "12" with name "l" on message "M" changed type from "uint64" to "message". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 17, 3, 17, 6, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "13" with name "m" on message "M" changed type from "bar.Foo" to "foo.Foo".'),
    ],
    'field_wire_json_compatible_cardinality': [
        ('a.proto', 6, 3, 6, 15, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "3" with name "c" on message "M" changed cardinality from "repeated" to "optional with implicit presence".'),
        ('a.proto', 7, 3, 7, 20, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "4" with name "d" on message "M" changed cardinality from "map" to "repeated".'),
        ('a.proto', 8, 3, 8, 27, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "5" with name "e" on message "M" changed cardinality from "repeated" to "map".'),
    ],
    'field_wire_json_compatible_type': [
        ('a.proto', 5, 3, 5, 8, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "1" with name "a" on message "M" changed type from "int32" to "int64". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 6, 3, 6, 9, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "b" on message "M" changed type from "int32" to "sint32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 7, 3, 7, 8, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "3" with name "c" on message "M" changed type from "string" to "bytes". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 8, 3, 8, 9, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "4" with name "d" on message "M" changed type from "bytes" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 9, 3, 9, 7, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "5" with name "e" on message "M" changed type from "foo.Foo" to "foo.Foo2".'),
        ('a.proto', 10, 3, 10, 8, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "6" with name "f" on message "M" changed type from "message" to "bytes". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 12, 3, 12, 5, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "8" with name "h" on message "M" changed type from "foo.E" to "foo.E2".'),
        ('a.proto', 13, 3, 13, 4, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "9" with name "i" on message "M" changed type from "int32" to "enum". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 16, 3, 16, 6, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "12" with name "l" on message "M" changed type from "uint64" to "message". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 17, 3, 17, 6, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "13" with name "m" on message "M" changed type from "bar.Foo" to "foo.Foo".'),
    ],
    'file_no_delete': [
        ('', 1, 1, 1, 1, 'FILE_NO_DELETE', 'Previously present file "b.proto" was deleted.'),
        ('', 1, 1, 1, 1, 'FILE_NO_DELETE', 'Previously present file "sub/c.proto" was deleted.'),
    ],
    'file_same_cc_enable_arenas': [
        ('a.proto', 4, 1, 4, 33, 'FILE_SAME_CC_ENABLE_ARENAS', 'File option "cc_enable_arenas" changed from "true" to "false".'),
    ],
    'file_same_cc_generic_services': [
        ('a.proto', 4, 1, 4, 35, 'FILE_SAME_CC_GENERIC_SERVICES', 'File option "cc_generic_services" changed from "false" to "true".'),
    ],
    'file_same_csharp_namespace': [
        ('a.proto', 4, 1, 4, 33, 'FILE_SAME_CSHARP_NAMESPACE', 'File option "csharp_namespace" changed from "Foo" to "Bar".'),
    ],
    'file_same_go_package': [
        ('a.proto', 1, 1, 1, 1, 'FILE_SAME_GO_PACKAGE', 'File option "go_package" changed from "example.com/foo" to "".'),
    ],
    'file_same_java_generic_services': [
        ('a.proto', 4, 1, 4, 38, 'FILE_SAME_JAVA_GENERIC_SERVICES', 'File option "java_generic_services" changed from "true" to "false".'),
    ],
    'file_same_java_multiple_files': [
        ('a.proto', 4, 1, 4, 35, 'FILE_SAME_JAVA_MULTIPLE_FILES', 'File option "java_multiple_files" changed from "false" to "true".'),
    ],
    'file_same_java_outer_classname': [
        ('a.proto', 4, 1, 4, 40, 'FILE_SAME_JAVA_OUTER_CLASSNAME', 'File option "java_outer_classname" changed from "AProto" to "BProto".'),
    ],
    'file_same_java_package': [
        ('a.proto', 4, 1, 4, 33, 'FILE_SAME_JAVA_PACKAGE', 'File option "java_package" changed from "" to "com.foo".'),
    ],
    'file_same_java_string_check_utf8': [
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "a" on message "M" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
    ],
    'file_same_objc_class_prefix': [
        ('a.proto', 4, 1, 4, 34, 'FILE_SAME_OBJC_CLASS_PREFIX', 'File option "objc_class_prefix" changed from "FOO" to "BAR".'),
    ],
    'file_same_optimize_for': [
        ('a.proto', 4, 1, 4, 36, 'FILE_SAME_OPTIMIZE_FOR', 'File option "optimize_for" changed from "SPEED" to "LITE_RUNTIME".'),
    ],
    'file_same_package': [
        ('a.proto', 3, 1, 3, 13, 'FILE_SAME_PACKAGE', 'File package changed from "foo" to "bar".'),
        ('b.proto', 2, 1, 2, 13, 'FILE_SAME_PACKAGE', 'File package changed from "" to "baz".'),
    ],
    'file_same_php_class_prefix': [
        ('a.proto', 4, 1, 4, 31, 'FILE_SAME_PHP_CLASS_PREFIX', 'File option "php_class_prefix" changed from "F" to "G".'),
    ],
    'file_same_php_metadata_namespace': [
        ('a.proto', 4, 1, 4, 37, 'FILE_SAME_PHP_METADATA_NAMESPACE', 'File option "php_metadata_namespace" changed from "F" to "G".'),
    ],
    'file_same_php_namespace': [
        ('a.proto', 4, 1, 4, 36, 'FILE_SAME_PHP_NAMESPACE', 'File option "php_namespace" changed from "Foo\\\\V1" to "Foo\\\\V2\\t".'),
    ],
    'file_same_py_generic_services': [
        ('a.proto', 1, 1, 1, 1, 'FILE_SAME_PY_GENERIC_SERVICES', 'File option "py_generic_services" changed from "true" to "false".'),
    ],
    'file_same_ruby_package': [
        ('a.proto', 4, 1, 4, 27, 'FILE_SAME_RUBY_PACKAGE', 'File option "ruby_package" changed from "F" to "G".'),
    ],
    'file_same_swift_prefix': [
        ('a.proto', 4, 1, 4, 27, 'FILE_SAME_SWIFT_PREFIX', 'File option "swift_prefix" changed from "F" to "G".'),
    ],
    'file_same_syntax': [
        ('a.proto', 1, 1, 1, 19, 'FILE_SAME_SYNTAX', 'File syntax changed from "proto2" to "proto3".'),
        ('c.proto', 1, 1, 1, 18, 'FILE_SAME_SYNTAX', 'File syntax changed from "proto3" to "editions".'),
        ('d.proto', 1, 1, 1, 1, 'FILE_SAME_SYNTAX', 'File syntax changed from "proto3" to "proto2".'),
    ],
    'map_entries': [
        ('a.proto', 9, 3, 9, 18, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 9, 3, 9, 18, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 9, 3, 9, 18, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 10, 3, 10, 21, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "LabelsEntry" changed type from "string" to "bytes".'),
        ('a.proto', 10, 3, 10, 21, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "LabelsEntry" changed type from "string" to "bytes". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 11, 3, 11, 22, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "BlobsEntry" changed type from "bytes" to "string".'),
        ('a.proto', 11, 3, 11, 22, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "BlobsEntry" changed type from "bytes" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules. Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.'),
        ('a.proto', 11, 3, 11, 22, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "BlobsEntry" changed type from "bytes" to "string". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 12, 3, 12, 21, 'FIELD_SAME_TYPE', 'Field "1" with name "key" on message "TextsEntry" changed type from "string" to "int64".'),
        ('a.proto', 12, 3, 12, 21, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "1" with name "key" on message "TextsEntry" changed type from "string" to "int64". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 12, 3, 12, 21, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "1" with name "key" on message "TextsEntry" changed type from "string" to "int64". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 13, 3, 13, 21, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "CountsEntry" changed type from "int32" to "sint32".'),
        ('a.proto', 13, 3, 13, 21, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "CountsEntry" changed type from "int32" to "sint32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 13, 3, 13, 21, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "CountsEntry" changed type from "int32" to "sint32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 14, 3, 14, 21, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "KindsEntry" changed type from "enum" to "int32".'),
        ('a.proto', 14, 3, 14, 21, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "KindsEntry" changed type from "enum" to "int32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 14, 3, 14, 21, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "KindsEntry" changed type from "enum" to "int32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 16, 5, 16, 24, 'FIELD_SAME_TYPE', 'Field "1" with name "key" on message "DeepEntry" changed type from "int64" to "uint64".'),
        ('a.proto', 18, 7, 18, 23, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "DeepestEntry" changed type from "sint32" to "int32".'),
        ('a.proto', 18, 7, 18, 23, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "DeepestEntry" changed type from "sint32" to "int32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.'),
        ('a.proto', 18, 7, 18, 23, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "DeepestEntry" changed type from "sint32" to "int32". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 23, 3, 23, 18, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 23, 3, 23, 18, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 23, 3, 23, 18, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "SixEntry" changed type from "foo.One" to "foo.Two".'),
        ('a.proto', 24, 3, 24, 21, 'FIELD_SAME_TYPE', 'Field "2" with name "value" on message "LabelsEntry" changed type from "string" to "bytes".'),
        ('a.proto', 24, 3, 24, 21, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "value" on message "LabelsEntry" changed type from "string" to "bytes". See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.'),
        ('a.proto', 26, 1, 32, 2, 'FIELD_NO_DELETE', 'Previously present field "1" with name "gone" on message "C" was deleted.'),
        ('a.proto', 26, 1, 32, 2, 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED', 'Previously present field "1" with name "gone" on message "C" was deleted without reserving the name "gone".'),
        ('a.proto', 26, 1, 32, 2, 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'Previously present field "1" with name "gone" on message "C" was deleted without reserving the number "1".'),
        ('a.proto', 26, 1, 32, 2, 'MESSAGE_NO_DELETE', 'Previously present message "C.GoneEntry" was deleted from file.'),
        ('a.proto', 26, 1, 32, 2, 'MESSAGE_NO_DELETE', 'Previously present message "C.ToRepeatedEntry" was deleted from file.'),
        ('a.proto', 26, 1, 32, 2, 'PACKAGE_MESSAGE_NO_DELETE', 'Previously present message "C.GoneEntry" was deleted from package "foo".'),
        ('a.proto', 26, 1, 32, 2, 'PACKAGE_MESSAGE_NO_DELETE', 'Previously present message "C.ToRepeatedEntry" was deleted from package "foo".'),
        ('a.proto', 27, 3, 27, 40, 'FIELD_SAME_CARDINALITY', 'Field "2" with name "to_repeated" on message "C" changed cardinality from "map" to "repeated".'),
        ('a.proto', 27, 3, 27, 40, 'FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY', 'Field "2" with name "to_repeated" on message "C" changed cardinality from "map" to "repeated".'),
        ('a.proto', 27, 12, 27, 23, 'FIELD_SAME_TYPE', 'Field "2" with name "to_repeated" on message "C" changed type from "foo.C.ToRepeatedEntry" to "foo.C.LabelsEntry".'),
        ('a.proto', 27, 12, 27, 23, 'FIELD_WIRE_COMPATIBLE_TYPE', 'Field "2" with name "to_repeated" on message "C" changed type from "foo.C.ToRepeatedEntry" to "foo.C.LabelsEntry".'),
        ('a.proto', 27, 12, 27, 23, 'FIELD_WIRE_JSON_COMPATIBLE_TYPE', 'Field "2" with name "to_repeated" on message "C" changed type from "foo.C.ToRepeatedEntry" to "foo.C.LabelsEntry".'),
    ],
    'map_entries_editions': [
        ('a.proto', 7, 1, 12, 2, 'MESSAGE_SAME_JSON_FORMAT', 'Message "A" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
        ('a.proto', 8, 3, 8, 22, 'FIELD_SAME_UTF8_VALIDATION', 'Field "1" with name "key" on message "LabelsEntry" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 8, 3, 8, 22, 'FIELD_SAME_UTF8_VALIDATION', 'Field "2" with name "value" on message "LabelsEntry" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 8, 3, 8, 22, 'MESSAGE_SAME_JSON_FORMAT', 'Message "LabelsEntry" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
        ('a.proto', 9, 3, 11, 4, 'MESSAGE_SAME_JSON_FORMAT', 'Message "Inner" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
        ('a.proto', 10, 5, 10, 23, 'FIELD_SAME_UTF8_VALIDATION', 'Field "1" with name "key" on message "DeepEntry" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 10, 5, 10, 23, 'MESSAGE_SAME_JSON_FORMAT', 'Message "DeepEntry" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
        ('a.proto', 13, 1, 15, 2, 'MESSAGE_SAME_JSON_FORMAT', 'Message "B" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
        ('a.proto', 14, 3, 14, 22, 'FIELD_SAME_UTF8_VALIDATION', 'Field "1" with name "key" on message "LabelsEntry" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 14, 3, 14, 22, 'FIELD_SAME_UTF8_VALIDATION', 'Field "2" with name "value" on message "LabelsEntry" changed UTF8 validation from VERIFY to NONE.'),
        ('a.proto', 14, 3, 14, 22, 'MESSAGE_SAME_JSON_FORMAT', 'Message "LabelsEntry" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
    ],
    'map_entries_p2': [
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "key" on message "BlobsEntry" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "1" with name "key" on message "LabelsEntry" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "2" with name "value" on message "LabelsEntry" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
        ('a.proto', 3, 1, 3, 38, 'FIELD_SAME_JAVA_UTF8_VALIDATION', 'Field "2" with name "value" on message "NamesEntry" changed Java string UTF8 validation from "NONE" to "VERIFY".'),
    ],
    'message_no_delete': [
        ('a.proto', 1, 1, 1, 1, 'MESSAGE_NO_DELETE', 'Previously present message "Top" was deleted from file.'),
        ('a.proto', 4, 1, 6, 2, 'MESSAGE_NO_DELETE', 'Previously present message "M.Gone" was deleted from file.'),
        ('a.proto', 5, 3, 5, 15, 'MESSAGE_NO_DELETE', 'Previously present message "M.N.O" was deleted from file.'),
    ],
    'message_no_remove_standard_descriptor_accessor': [
        ('a.proto', 4, 3, 4, 49, 'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR', 'Message option "no_standard_descriptor_accessor" changed from "false" to "true".'),
    ],
    'message_same_json_format': [
        ('a.proto', 4, 1, 5, 2, 'MESSAGE_SAME_JSON_FORMAT', 'Message "M" JSON format support changed from ALLOW to LEGACY_BEST_EFFORT.'),
    ],
    'message_same_required_fields': [
        ('a.proto', 3, 1, 7, 2, 'MESSAGE_SAME_REQUIRED_FIELDS', 'Message "M" had required field "1" deleted. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.'),
        ('a.proto', 5, 3, 5, 24, 'MESSAGE_SAME_REQUIRED_FIELDS', 'Message "M" had required field "2" added. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.'),
        ('a.proto', 6, 3, 6, 24, 'MESSAGE_SAME_REQUIRED_FIELDS', 'Message "M" had required field "3" added. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.'),
    ],
    'oneof_no_delete': [
        ('a.proto', 3, 1, 6, 2, 'ONEOF_NO_DELETE', 'Previously present oneof "o" on message "M" was deleted.'),
    ],
    'package_enum_no_delete': [
    ],
    'package_extension_no_delete': [
    ],
    'package_message_no_delete': [
        ('a.proto', 3, 1, 5, 2, 'PACKAGE_MESSAGE_NO_DELETE', 'Previously present message "M.N" was deleted from package "foo".'),
    ],
    'package_no_delete': [
        ('', 1, 1, 1, 1, 'PACKAGE_NO_DELETE', 'Previously present package "gone.v1" was deleted.'),
    ],
    'package_service_no_delete': [
        ('', 1, 1, 1, 1, 'PACKAGE_SERVICE_NO_DELETE', 'Previously present service "S2" was deleted from package "foo".'),
        ('a.proto', 1, 1, 1, 1, 'PACKAGE_SERVICE_NO_DELETE', 'Previously present service "S" was deleted from package "foo".'),
    ],
    'reserved_enum_no_delete': [
        ('a.proto', 3, 1, 7, 2, 'RESERVED_ENUM_NO_DELETE', 'Previously present reserved name "X" on enum "E" was deleted.'),
        ('a.proto', 3, 1, 7, 2, 'RESERVED_ENUM_NO_DELETE', 'Previously present reserved range "[10,20]" on enum "E" is missing values: [16] were removed.'),
        ('a.proto', 3, 1, 7, 2, 'RESERVED_ENUM_NO_DELETE', 'Previously present reserved range "[30,max]" on enum "E" is missing values: [101,max] were removed.'),
        ('a.proto', 3, 1, 7, 2, 'RESERVED_ENUM_NO_DELETE', 'Previously present reserved range "[5]" on enum "E" is missing values: [5] were removed.'),
    ],
    'reserved_message_no_delete': [
        ('a.proto', 3, 1, 6, 2, 'RESERVED_MESSAGE_NO_DELETE', 'Previously present reserved name "x" on message "M" was deleted.'),
        ('a.proto', 3, 1, 6, 2, 'RESERVED_MESSAGE_NO_DELETE', 'Previously present reserved range "[30,max]" on message "M" is missing values: [101,max] were removed.'),
        ('a.proto', 3, 1, 6, 2, 'RESERVED_MESSAGE_NO_DELETE', 'Previously present reserved range "[5]" on message "M" is missing values: [5] were removed.'),
    ],
    'reserved_message_no_delete_multigap': [
        ('a.proto', 3, 1, 5, 2, 'RESERVED_MESSAGE_NO_DELETE', 'Previously present reserved range "[1,10]" on message "M" is missing values: [1,2], [4,5], [7,10] were removed.'),
    ],
    'rpc_no_delete': [
        ('a.proto', 4, 1, 6, 2, 'RPC_NO_DELETE', 'Previously present RPC "R" on service "S" was deleted.'),
    ],
    'rpc_same_client_streaming': [
        ('a.proto', 7, 3, 7, 42, 'RPC_SAME_CLIENT_STREAMING', 'RPC "A" on service "S" changed from client unary to client streaming.'),
        ('a.proto', 8, 3, 8, 28, 'RPC_SAME_CLIENT_STREAMING', 'RPC "B" on service "S" changed from client streaming to client unary.'),
    ],
    'rpc_same_idempotency_level': [
        ('a.proto', 1, 1, 1, 1, 'RPC_SAME_IDEMPOTENCY_LEVEL', 'RPC "C" on service "S" changed option "idempotency_level" from "NO_SIDE_EFFECTS" to "IDEMPOTENCY_UNKNOWN".'),
        ('a.proto', 11, 5, 11, 43, 'RPC_SAME_IDEMPOTENCY_LEVEL', 'RPC "D" on service "S" changed option "idempotency_level" from "IDEMPOTENCY_UNKNOWN" to "IDEMPOTENT".'),
    ],
    'rpc_same_request_type': [
        ('a.proto', 10, 9, 10, 30, 'RPC_SAME_REQUEST_TYPE', 'RPC "D" on service "S" changed request type from "foo.Req" to "google.protobuf.Empty".'),
    ],
    'rpc_same_response_type': [
        ('a.proto', 10, 41, 10, 62, 'RPC_SAME_RESPONSE_TYPE', 'RPC "D" on service "S" changed response type from "foo.Res" to "google.protobuf.Empty".'),
    ],
    'rpc_same_server_streaming': [
        ('a.proto', 7, 3, 7, 42, 'RPC_SAME_SERVER_STREAMING', 'RPC "A" on service "S" changed from server unary to server streaming.'),
        ('a.proto', 8, 3, 8, 28, 'RPC_SAME_SERVER_STREAMING', 'RPC "B" on service "S" changed from server streaming to server unary.'),
    ],
    'service_no_delete': [
        ('a.proto', 1, 1, 1, 1, 'SERVICE_NO_DELETE', 'Previously present service "S" was deleted from file.'),
    ],
}
# fmt: on

CASES = sorted(EXPECTED)


def findings(case: str) -> list[tuple[str, int, int, int, int, str, str]]:
    result = run("breaking", ".", "--against", f"../../previous/{case}", "--error-format", "json",
                 cwd=HERE / "current" / case)
    assert result.exit_code == (100 if result.stdout else 0), result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return [(r.get("path", ""), r["start_line"], r["start_column"], r["end_line"], r["end_column"],
             r["type"], r["message"]) for r in rows]


@pytest.mark.parametrize("case", CASES)
def test_rule_fixture(case: str) -> None:
    assert findings(case) == EXPECTED[case]


@pytest.mark.parametrize("case", CASES)
def test_each_side_against_itself_is_clean(case: str) -> None:
    for side in ("previous", "current"):
        result = run("breaking", ".", "--against", ".", cwd=HERE / side / case)
        assert (result.exit_code, result.stdout) == (0, ""), (side, result.stdout)


def _buf_cases() -> list[str]:
    from protopact.checks.breaking import REGISTRY

    ours = {rule_id for rule_id, r in REGISTRY.table.items() if r.origin != "buf"}
    return [c for c in CASES
            if not any(rule in (HERE / "current" / c / "buf.yaml").read_text() for rule in ours)]


@pytest.mark.parametrize("case", _buf_cases())
def test_fixture_agrees_with_live_buf(buf: str, case: str) -> None:
    """The recorded EXPECTED rows are buf's: checked against the real buf on every run."""
    done = subprocess.run([buf, "breaking", "--against", f"../../previous/{case}", "--error-format",
                           "json"], cwd=HERE / "current" / case, capture_output=True, text=True)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    theirs = [(r.get("path", ""), r["start_line"], r["start_column"], r["end_line"], r["end_column"],
               r["type"], r["message"]) for r in rows]
    assert sorted(theirs) == sorted(EXPECTED[case]) == sorted(findings(case))
