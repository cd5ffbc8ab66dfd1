"""Every lint rule on its fixtures: the exact (path, line, column, rule) of each finding.

The fixtures under ``tests/lint/<name>/`` hold a ``buf.yaml``, the protos and optionally ``args`` (extra
command-line arguments, one per line). For buf's rules the expectations below are buf 1.75's own output
(``tests/test_lint_buf_parity.py`` checks them against the live binary too); the ``contract_*``
fixtures exercise protopact's contract conventions.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run

FIXTURES = Path(__file__).parent

# fmt: off
EXPECTED: dict[str, list[str] | None] = {
    'columns_tabs_unicode': [
        "a/v1/a.proto:5:9:FIELD_LOWER_SNAKE_CASE", "a/v1/a.proto:6:18:FIELD_LOWER_SNAKE_CASE",
        "a/v1/a.proto:7:27:FIELD_LOWER_SNAKE_CASE", "a/v1/a.proto:8:15:FIELD_LOWER_SNAKE_CASE",
        "a/v1/a.proto:8:41:FIELD_LOWER_SNAKE_CASE", "a/v1/a.proto:9:10:ENUM_PASCAL_CASE",
        "a/v1/a.proto:9:18:ENUM_VALUE_PREFIX", "a/v1/a.proto:9:18:ENUM_VALUE_UPPER_SNAKE_CASE",
        "a/v1/a.proto:9:18:ENUM_ZERO_VALUE_SUFFIX"
    ],
    'cfg_v1_nolint': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v1_use_standard': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v1beta1_nolint': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "a.proto:4:22:FIELD_LOWER_SNAKE_CASE",
        "a.proto:5:10:ENUM_VALUE_PREFIX", "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX",
        "a.proto:6:9:SERVICE_SUFFIX", "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:6:17:RPC_PASCAL_CASE", "a.proto:6:21:RPC_REQUEST_STANDARD_NAME",
        "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME", "b.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "b.proto:2:1:PACKAGE_VERSION_SUFFIX", "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX", "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_basic': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:3:1:IMPORT_USED",
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "a.proto:4:22:FIELD_LOWER_SNAKE_CASE",
        "a.proto:6:17:RPC_PASCAL_CASE", "b.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_clean': [],
    'cfg_v2_empty_use': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_except': [
        "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "a.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "a.proto:2:1:PACKAGE_VERSION_SUFFIX", "a.proto:3:1:IMPORT_USED",
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "b.proto:2:1:PACKAGE_VERSION_SUFFIX", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_except_cat': [
        "a.proto:2:1:PACKAGE_VERSION_SUFFIX", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:21:RPC_REQUEST_STANDARD_NAME",
        "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX"
    ],
    'cfg_v2_except_only': [
        "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "a.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "a.proto:2:1:PACKAGE_VERSION_SUFFIX", "a.proto:3:1:IMPORT_USED",
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "a.proto:4:22:FIELD_LOWER_SNAKE_CASE",
        "a.proto:5:10:ENUM_VALUE_PREFIX", "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX",
        "a.proto:6:9:SERVICE_SUFFIX", "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:6:17:RPC_PASCAL_CASE", "a.proto:6:21:RPC_REQUEST_STANDARD_NAME",
        "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX", "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_field_no_descriptor': None,  # a config error, exit 1
    'cfg_v2_ignore': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX"
    ],
    'cfg_v2_ignore_file': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME"
    ],
    'cfg_v2_ignore_only': [
        "a.proto:2:1:PACKAGE_VERSION_SUFFIX", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:21:RPC_REQUEST_STANDARD_NAME",
        "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME", "b.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "b.proto:2:1:PACKAGE_VERSION_SUFFIX", "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX"
    ],
    'cfg_v2_import_no_weak_plus': [],
    'cfg_v2_minimal': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY"
    ],
    'cfg_v2_nolint': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'cfg_v2_unknown_rule': None,  # a config error, exit 1
    'cfg_v2_use_default': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_SAME_DIRECTORY", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:3:1:IMPORT_USED", "a.proto:4:9:MESSAGE_PASCAL_CASE",
        "a.proto:4:22:FIELD_LOWER_SNAKE_CASE", "a.proto:5:10:ENUM_VALUE_PREFIX",
        "a.proto:5:10:ENUM_ZERO_VALUE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX",
        "a.proto:6:13:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:6:17:RPC_PASCAL_CASE",
        "a.proto:6:21:RPC_REQUEST_STANDARD_NAME", "a.proto:6:35:RPC_RESPONSE_STANDARD_NAME",
        "b.proto:2:1:PACKAGE_DIRECTORY_MATCH", "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_SAME_DIRECTORY", "b.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "sub/c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "sub/c.proto:2:1:PACKAGE_SAME_DIRECTORY", "sub/c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "sub/c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'ci_options': [
        "a.proto:2:1:DIRECTORY_SAME_PACKAGE", "b.proto:2:1:DIRECTORY_SAME_PACKAGE",
        "b.proto:4:1:PACKAGE_SAME_GO_PACKAGE", "c.proto:1:1:PACKAGE_SAME_GO_PACKAGE"
    ],
    'ci_prefix_collision': [],
    'ci_syntax': [
        "B.proto:1:1:FILE_LOWER_SNAKE_CASE", "B.proto:1:1:SYNTAX_SPECIFIED",
        "a.proto:1:1:PACKAGE_DEFINED", "a.proto:6:9:MESSAGE_PASCAL_CASE"
    ],
    'ci_v1_allow': [
        "a.proto:7:1:IMPORT_USED", "a.proto:20:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:30:10:FIELD_LOWER_SNAKE_CASE", "a.proto:34:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:38:10:FIELD_LOWER_SNAKE_CASE", "a.proto:58:3:ENUM_VALUE_PREFIX",
        "a.proto:63:24:RPC_RESPONSE_STANDARD_NAME", "a.proto:73:9:ONEOF_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE"
    ],
    'ci_v1_default': [
        "a.proto:3:1:PACKAGE_LOWER_SNAKE_CASE", "a.proto:6:1:IMPORT_USED",
        "a.proto:7:1:IMPORT_USED", "a.proto:11:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:13:12:FIELD_LOWER_SNAKE_CASE", "a.proto:19:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:20:10:FIELD_LOWER_SNAKE_CASE", "a.proto:25:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:28:10:FIELD_LOWER_SNAKE_CASE", "a.proto:30:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:32:10:FIELD_LOWER_SNAKE_CASE", "a.proto:34:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:36:10:FIELD_LOWER_SNAKE_CASE", "a.proto:38:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:40:10:FIELD_LOWER_SNAKE_CASE", "a.proto:46:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:52:3:ENUM_VALUE_PREFIX", "a.proto:58:3:ENUM_VALUE_PREFIX",
        "a.proto:63:9:RPC_REQUEST_STANDARD_NAME", "a.proto:63:24:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:65:9:RPC_REQUEST_STANDARD_NAME", "a.proto:65:30:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:70:9:ONEOF_LOWER_SNAKE_CASE", "a.proto:73:9:ONEOF_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE"
    ],
    'ci_v1beta1_default': None,  # a config error, exit 1
    'ci_v2_default': [
        "a.proto:7:1:IMPORT_USED", "a.proto:20:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:30:10:FIELD_LOWER_SNAKE_CASE", "a.proto:34:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:38:10:FIELD_LOWER_SNAKE_CASE", "a.proto:58:3:ENUM_VALUE_PREFIX",
        "a.proto:63:24:RPC_RESPONSE_STANDARD_NAME", "a.proto:73:9:ONEOF_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE"
    ],
    'ci_v2_disallow': [
        "a.proto:3:1:PACKAGE_LOWER_SNAKE_CASE", "a.proto:6:1:IMPORT_USED",
        "a.proto:7:1:IMPORT_USED", "a.proto:11:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:13:12:FIELD_LOWER_SNAKE_CASE", "a.proto:19:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:20:10:FIELD_LOWER_SNAKE_CASE", "a.proto:25:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:28:10:FIELD_LOWER_SNAKE_CASE", "a.proto:30:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:32:10:FIELD_LOWER_SNAKE_CASE", "a.proto:34:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:36:10:FIELD_LOWER_SNAKE_CASE", "a.proto:38:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:40:10:FIELD_LOWER_SNAKE_CASE", "a.proto:46:10:FIELD_LOWER_SNAKE_CASE",
        "a.proto:52:3:ENUM_VALUE_PREFIX", "a.proto:58:3:ENUM_VALUE_PREFIX",
        "a.proto:63:9:RPC_REQUEST_STANDARD_NAME", "a.proto:63:24:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:65:9:RPC_REQUEST_STANDARD_NAME", "a.proto:65:30:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:70:9:ONEOF_LOWER_SNAKE_CASE", "a.proto:73:9:ONEOF_LOWER_SNAKE_CASE",
        "b.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "c.proto:2:1:PACKAGE_LOWER_SNAKE_CASE"
    ],
    'comment_attribution': [
        "a.proto:6:3:COMMENT_FIELD", "a.proto:10:3:COMMENT_FIELD", "a.proto:13:3:COMMENT_FIELD",
        "a.proto:15:3:COMMENT_FIELD", "a.proto:21:3:COMMENT_FIELD", "a.proto:22:3:COMMENT_FIELD",
        "a.proto:22:39:COMMENT_FIELD"
    ],
    'comment_enum': [
        "a.proto:4:1:COMMENT_ENUM", "a.proto:14:1:COMMENT_ENUM", "a.proto:23:1:COMMENT_ENUM",
        "a.proto:29:1:COMMENT_ENUM"
    ],
    'comment_enum_value': ["a.proto:6:3:COMMENT_ENUM_VALUE", "a.proto:9:3:COMMENT_ENUM_VALUE"],
    'comment_field': [
        "a.proto:6:3:COMMENT_FIELD", "a.proto:9:3:COMMENT_FIELD", "a.proto:11:5:COMMENT_FIELD",
        "a.proto:17:3:COMMENT_FIELD"
    ],
    'comment_message': ["a.proto:4:1:COMMENT_MESSAGE", "a.proto:5:3:COMMENT_MESSAGE"],
    'comment_oneof': ["a.proto:6:3:COMMENT_ONEOF"],
    'comment_rpc': ["a.proto:6:3:COMMENT_RPC", "a.proto:7:3:COMMENT_RPC"],
    'comment_service': ["a.proto:4:1:COMMENT_SERVICE"],
    'comments_v1_noallow': [
        "a.proto:5:1:COMMENT_ENUM", "a.proto:10:1:COMMENT_SERVICE", "a.proto:17:1:COMMENT_SERVICE",
        "a.proto:20:1:COMMENT_SERVICE", "a.proto:24:1:COMMENT_SERVICE",
        "a.proto:27:1:COMMENT_SERVICE"
    ],
    'comments_v2': [
        "a.proto:10:1:COMMENT_SERVICE", "a.proto:17:1:COMMENT_SERVICE",
        "a.proto:20:1:COMMENT_SERVICE", "a.proto:24:1:COMMENT_SERVICE",
        "a.proto:27:1:COMMENT_SERVICE"
    ],
    'comments_v2_disallow': [
        "a.proto:5:1:COMMENT_ENUM", "a.proto:10:1:COMMENT_SERVICE", "a.proto:17:1:COMMENT_SERVICE",
        "a.proto:20:1:COMMENT_SERVICE", "a.proto:24:1:COMMENT_SERVICE",
        "a.proto:27:1:COMMENT_SERVICE"
    ],
    'contract_comments': [
        "a.proto:6:3:CONTRACT_COMMENTS", "a.proto:11:3:CONTRACT_COMMENTS",
        "a.proto:16:1:CONTRACT_COMMENTS", "a.proto:18:1:CONTRACT_COMMENTS",
        "a.proto:21:3:CONTRACT_COMMENTS"
    ],
    'contract_enum_zero_default': [
        "a.proto:16:3:CONTRACT_ENUM_ZERO_DEFAULT", "a.proto:25:5:CONTRACT_ENUM_ZERO_DEFAULT"
    ],
    'contract_event_metadata_ack': [
        "a.proto:9:3:CONTRACT_EVENT_METADATA_ACK", "a.proto:9:67:CONTRACT_EVENT_METADATA_ACK"
    ],
    'contract_list_pagination': [
        "a.proto:8:18:CONTRACT_LIST_PAGINATION", "a.proto:8:18:CONTRACT_LIST_PAGINATION",
        "a.proto:8:46:CONTRACT_LIST_PAGINATION"
    ],
    'contract_update_wrappers': [
        "a.proto:14:3:CONTRACT_UPDATE_WRAPPERS", "a.proto:15:3:CONTRACT_UPDATE_WRAPPERS",
        "a.proto:16:3:CONTRACT_UPDATE_WRAPPERS"
    ],
    'contract_value_types': [
        "a.proto:9:3:CONTRACT_VALUE_TYPES", "a.proto:10:3:CONTRACT_VALUE_TYPES",
        "a.proto:12:3:CONTRACT_VALUE_TYPES", "a.proto:13:3:CONTRACT_VALUE_TYPES"
    ],
    'directory_same_package': [
        "x/a.proto:2:1:DIRECTORY_SAME_PACKAGE", "x/b.proto:2:1:DIRECTORY_SAME_PACKAGE",
        "x/c.proto:1:1:DIRECTORY_SAME_PACKAGE", "y/a.proto:2:1:DIRECTORY_SAME_PACKAGE",
        "y/b.proto:1:1:DIRECTORY_SAME_PACKAGE", "z/a.proto:2:1:DIRECTORY_SAME_PACKAGE",
        "z/b.proto:3:1:DIRECTORY_SAME_PACKAGE"
    ],
    'enum_first_value_zero': [
        "a.proto:5:13:ENUM_FIRST_VALUE_ZERO", "a.proto:10:13:ENUM_FIRST_VALUE_ZERO"
    ],
    'enum_nested_prefix': ["a.proto:6:5:ENUM_VALUE_PREFIX"],
    'enum_no_allow_alias': ["a.proto:5:3:ENUM_NO_ALLOW_ALIAS"],
    'enum_pascal_case': [
        "a.proto:4:6:ENUM_PASCAL_CASE", "a.proto:10:6:ENUM_PASCAL_CASE",
        "a.proto:13:6:ENUM_PASCAL_CASE", "a.proto:17:8:ENUM_PASCAL_CASE"
    ],
    'enum_value_prefix': [
        "a.proto:6:3:ENUM_VALUE_PREFIX", "a.proto:7:3:ENUM_VALUE_PREFIX",
        "a.proto:11:3:ENUM_VALUE_PREFIX", "a.proto:15:3:ENUM_VALUE_PREFIX",
        "a.proto:19:3:ENUM_VALUE_PREFIX"
    ],
    'enum_value_upper_snake_case': [
        "a.proto:5:3:ENUM_VALUE_UPPER_SNAKE_CASE", "a.proto:9:3:ENUM_VALUE_UPPER_SNAKE_CASE",
        "a.proto:13:3:ENUM_VALUE_UPPER_SNAKE_CASE", "a.proto:25:3:ENUM_VALUE_UPPER_SNAKE_CASE",
        "a.proto:29:3:ENUM_VALUE_UPPER_SNAKE_CASE", "a.proto:33:3:ENUM_VALUE_UPPER_SNAKE_CASE",
        "a.proto:41:3:ENUM_VALUE_UPPER_SNAKE_CASE", "a.proto:45:3:ENUM_VALUE_UPPER_SNAKE_CASE",
        "a.proto:49:3:ENUM_VALUE_UPPER_SNAKE_CASE"
    ],
    'enum_zero_value_suffix': [
        "a.proto:5:3:ENUM_ZERO_VALUE_SUFFIX", "a.proto:11:3:ENUM_ZERO_VALUE_SUFFIX"
    ],
    'enum_zero_value_suffix_custom': ["a.proto:8:3:ENUM_ZERO_VALUE_SUFFIX"],
    'ext_nested': ["a.proto:6:5:COMMENT_FIELD", "a.proto:6:21:FIELD_LOWER_SNAKE_CASE"],
    'field_lower_snake_case': [
        "a.proto:5:19:FIELD_LOWER_SNAKE_CASE", "a.proto:6:19:FIELD_LOWER_SNAKE_CASE",
        "a.proto:8:19:FIELD_LOWER_SNAKE_CASE", "a.proto:9:19:FIELD_LOWER_SNAKE_CASE",
        "a.proto:10:19:FIELD_LOWER_SNAKE_CASE", "a.proto:12:23:FIELD_LOWER_SNAKE_CASE",
        "a.proto:14:12:FIELD_LOWER_SNAKE_CASE", "a.proto:22:19:FIELD_LOWER_SNAKE_CASE"
    ],
    'field_no_descriptor': [
        "a.proto:5:10:FIELD_NO_DESCRIPTOR", "a.proto:6:10:FIELD_NO_DESCRIPTOR",
        "a.proto:7:10:FIELD_NO_DESCRIPTOR"
    ],
    'field_not_required': ["a.proto:5:19:FIELD_NOT_REQUIRED", "b.proto:5:10:FIELD_NOT_REQUIRED"],
    'file_lower_snake_case': [
        "Foo1bar.proto:1:1:FILE_LOWER_SNAKE_CASE", "FooBar.proto:1:1:FILE_LOWER_SNAKE_CASE",
        "dir/HTTPServer.proto:1:1:FILE_LOWER_SNAKE_CASE", "foo-bar.proto:1:1:FILE_LOWER_SNAKE_CASE",
        "foo.bar.proto:1:1:FILE_LOWER_SNAKE_CASE"
    ],
    'group_fields': [
        "a.proto:7:3:COMMENT_MESSAGE", "a.proto:8:5:COMMENT_FIELD", "a.proto:10:3:COMMENT_MESSAGE",
        "a.proto:11:5:COMMENT_FIELD", "a.proto:11:21:FIELD_LOWER_SNAKE_CASE"
    ],
    'import_no_public': ["a.proto:4:1:IMPORT_NO_PUBLIC"],
    'import_no_weak': [],
    'import_used': ["a.proto:4:1:IMPORT_USED"],
    'import_used_edges': ["a.proto:5:1:IMPORT_USED", "a.proto:6:1:IMPORT_USED"],
    'import_used_features': ["a.proto:5:1:IMPORT_USED"],
    'imports_all_stable_cycle': [
        "bar/v1beta1/b.proto:3:1:PACKAGE_NO_IMPORT_CYCLE",
        "foo/v1/a.proto:3:1:PACKAGE_NO_IMPORT_CYCLE",
        "foo/v1/a.proto:3:1:STABLE_PACKAGE_NO_IMPORT_UNSTABLE"
    ],
    'imports_exclude': [
        "a.proto:2:1:DIRECTORY_SAME_PACKAGE", "a.proto:2:1:PACKAGE_DIRECTORY_MATCH",
        "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "a.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "c.proto:2:1:DIRECTORY_SAME_PACKAGE",
        "c.proto:2:1:PACKAGE_DIRECTORY_MATCH", "c.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "c.proto:3:9:MESSAGE_PASCAL_CASE"
    ],
    'imports_path': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE",
        "a.proto:2:1:PACKAGE_VERSION_SUFFIX", "a.proto:4:9:MESSAGE_PASCAL_CASE"
    ],
    'imports_path_stable_cycle': ["foo/v1/a.proto:3:1:PACKAGE_NO_IMPORT_CYCLE"],
    'imports_workspace': [],
    'message_pascal_case': [
        "a.proto:4:9:MESSAGE_PASCAL_CASE", "a.proto:5:11:MESSAGE_PASCAL_CASE",
        "a.proto:9:9:MESSAGE_PASCAL_CASE", "a.proto:10:9:MESSAGE_PASCAL_CASE"
    ],
    'oneof_lower_snake_case': [
        "a.proto:5:9:ONEOF_LOWER_SNAKE_CASE", "a.proto:9:9:ONEOF_LOWER_SNAKE_CASE"
    ],
    'package_defined': ["a.proto:1:1:PACKAGE_DEFINED", "c.proto:1:1:PACKAGE_DEFINED"],
    'package_directory_match': [
        "a.proto:2:1:PACKAGE_DIRECTORY_MATCH", "foo/c.proto:2:1:PACKAGE_DIRECTORY_MATCH"
    ],
    'package_lower_snake_case': [
        "a.proto:2:1:PACKAGE_LOWER_SNAKE_CASE", "d.proto:2:1:PACKAGE_LOWER_SNAKE_CASE"
    ],
    'package_no_import_cycle': [
        "a/a.proto:3:1:PACKAGE_NO_IMPORT_CYCLE", "b/b.proto:3:1:PACKAGE_NO_IMPORT_CYCLE"
    ],
    'package_same_csharp_namespace': [
        "a.proto:4:1:PACKAGE_SAME_CSHARP_NAMESPACE", "b.proto:4:1:PACKAGE_SAME_CSHARP_NAMESPACE",
        "c.proto:1:1:PACKAGE_SAME_CSHARP_NAMESPACE", "d.proto:4:1:PACKAGE_SAME_CSHARP_NAMESPACE",
        "e.proto:4:1:PACKAGE_SAME_CSHARP_NAMESPACE"
    ],
    'package_same_directory': [
        "d.proto:1:1:PACKAGE_SAME_DIRECTORY", "x/a.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "x/e.proto:1:1:PACKAGE_SAME_DIRECTORY", "y/b.proto:2:1:PACKAGE_SAME_DIRECTORY",
        "y/z/c.proto:2:1:PACKAGE_SAME_DIRECTORY"
    ],
    'package_same_go_package': [
        "a.proto:4:1:PACKAGE_SAME_GO_PACKAGE", "b.proto:4:1:PACKAGE_SAME_GO_PACKAGE",
        "c.proto:1:1:PACKAGE_SAME_GO_PACKAGE", "d.proto:4:1:PACKAGE_SAME_GO_PACKAGE",
        "e.proto:4:1:PACKAGE_SAME_GO_PACKAGE"
    ],
    'package_same_java_multiple_files': [
        "a.proto:4:1:PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        "b.proto:4:1:PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        "c.proto:1:1:PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        "d.proto:4:1:PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        "e.proto:4:1:PACKAGE_SAME_JAVA_MULTIPLE_FILES"
    ],
    'package_same_java_package': [
        "a.proto:4:1:PACKAGE_SAME_JAVA_PACKAGE", "b.proto:4:1:PACKAGE_SAME_JAVA_PACKAGE",
        "c.proto:1:1:PACKAGE_SAME_JAVA_PACKAGE", "d.proto:4:1:PACKAGE_SAME_JAVA_PACKAGE",
        "e.proto:4:1:PACKAGE_SAME_JAVA_PACKAGE"
    ],
    'package_same_php_namespace': [
        "a.proto:4:1:PACKAGE_SAME_PHP_NAMESPACE", "b.proto:4:1:PACKAGE_SAME_PHP_NAMESPACE",
        "c.proto:1:1:PACKAGE_SAME_PHP_NAMESPACE", "d.proto:4:1:PACKAGE_SAME_PHP_NAMESPACE",
        "e.proto:4:1:PACKAGE_SAME_PHP_NAMESPACE"
    ],
    'package_same_ruby_package': [
        "a.proto:4:1:PACKAGE_SAME_RUBY_PACKAGE", "b.proto:4:1:PACKAGE_SAME_RUBY_PACKAGE",
        "c.proto:1:1:PACKAGE_SAME_RUBY_PACKAGE", "d.proto:4:1:PACKAGE_SAME_RUBY_PACKAGE",
        "e.proto:4:1:PACKAGE_SAME_RUBY_PACKAGE"
    ],
    'package_same_swift_prefix': [
        "a.proto:4:1:PACKAGE_SAME_SWIFT_PREFIX", "b.proto:4:1:PACKAGE_SAME_SWIFT_PREFIX",
        "c.proto:1:1:PACKAGE_SAME_SWIFT_PREFIX", "d.proto:4:1:PACKAGE_SAME_SWIFT_PREFIX",
        "e.proto:4:1:PACKAGE_SAME_SWIFT_PREFIX"
    ],
    'package_version_suffix': [
        "f0.proto:2:1:PACKAGE_VERSION_SUFFIX", "f1.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "f10.proto:2:1:PACKAGE_VERSION_SUFFIX", "f11.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "f13.proto:2:1:PACKAGE_VERSION_SUFFIX", "f8.proto:2:1:PACKAGE_VERSION_SUFFIX",
        "f9.proto:2:1:PACKAGE_VERSION_SUFFIX"
    ],
    'rpc_no_client_streaming': [
        "a.proto:5:3:RPC_NO_CLIENT_STREAMING", "a.proto:6:3:RPC_NO_CLIENT_STREAMING"
    ],
    'rpc_no_server_streaming': [
        "a.proto:6:3:RPC_NO_SERVER_STREAMING", "a.proto:7:3:RPC_NO_SERVER_STREAMING"
    ],
    'rpc_opts_both_empty': [
        "a.proto:7:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:7:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:7:24:RPC_RESPONSE_STANDARD_NAME"
    ],
    'rpc_opts_none': [
        "a.proto:7:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:7:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:7:24:RPC_RESPONSE_STANDARD_NAME", "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:8:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:8:41:RPC_RESPONSE_STANDARD_NAME", "a.proto:9:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:9:9:RPC_REQUEST_STANDARD_NAME", "a.proto:10:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:10:28:RPC_RESPONSE_STANDARD_NAME"
    ],
    'rpc_opts_rpc_allow_google_protobuf_empty_requests': [
        "a.proto:7:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:7:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:7:24:RPC_RESPONSE_STANDARD_NAME", "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:8:41:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:10:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:10:28:RPC_RESPONSE_STANDARD_NAME"
    ],
    'rpc_opts_rpc_allow_google_protobuf_empty_responses': [
        "a.proto:7:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:7:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:7:24:RPC_RESPONSE_STANDARD_NAME", "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:8:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:9:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:9:9:RPC_REQUEST_STANDARD_NAME"
    ],
    'rpc_opts_rpc_allow_same_request_response': [
        "a.proto:7:9:RPC_REQUEST_STANDARD_NAME", "a.proto:7:24:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:8:9:RPC_REQUEST_STANDARD_NAME",
        "a.proto:8:41:RPC_RESPONSE_STANDARD_NAME", "a.proto:9:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:9:9:RPC_REQUEST_STANDARD_NAME", "a.proto:10:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:10:28:RPC_RESPONSE_STANDARD_NAME"
    ],
    'rpc_pascal_case': ["a.proto:5:7:RPC_PASCAL_CASE", "a.proto:6:7:RPC_PASCAL_CASE"],
    'rpc_request_response_unique': [
        "a.proto:7:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:8:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:9:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:10:3:RPC_REQUEST_RESPONSE_UNIQUE",
        "a.proto:10:3:RPC_REQUEST_RESPONSE_UNIQUE", "a.proto:11:3:RPC_REQUEST_RESPONSE_UNIQUE"
    ],
    'rpc_request_standard_name': [
        "a.proto:9:14:RPC_REQUEST_STANDARD_NAME", "a.proto:11:13:RPC_REQUEST_STANDARD_NAME",
        "a.proto:12:14:RPC_REQUEST_STANDARD_NAME"
    ],
    'rpc_response_standard_name': [
        "a.proto:9:28:RPC_RESPONSE_STANDARD_NAME", "a.proto:11:45:RPC_RESPONSE_STANDARD_NAME",
        "a.proto:12:44:RPC_RESPONSE_STANDARD_NAME"
    ],
    'rpc_stream_span': [
        "a.proto:5:17:RPC_REQUEST_STANDARD_NAME", "a.proto:5:40:RPC_RESPONSE_STANDARD_NAME"
    ],
    'service_pascal_case': ["a.proto:4:9:SERVICE_PASCAL_CASE", "a.proto:6:9:SERVICE_PASCAL_CASE"],
    'service_suffix': ["a.proto:4:9:SERVICE_SUFFIX", "a.proto:6:9:SERVICE_SUFFIX"],
    'service_suffix_custom': ["a.proto:5:9:SERVICE_SUFFIX"],
    'service_suffix_empty': ["a.proto:4:9:SERVICE_SUFFIX"],
    'stable_package_no_import_unstable': [
        "foo/v1/a.proto:3:1:STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
        "foo/v1/a.proto:6:1:STABLE_PACKAGE_NO_IMPORT_UNSTABLE"
    ],
    'syntax_specified': ["a.proto:1:1:SYNTAX_SPECIFIED", "c.proto:1:1:SYNTAX_SPECIFIED"],
    # buf lints protopact's image of it (test_lint_protovalidate): its buf.yaml lists a dep
    'protovalidate': [
        "a.proto:6:26:PROTOVALIDATE", "a.proto:7:27:PROTOVALIDATE", "a.proto:8:27:PROTOVALIDATE",
        "a.proto:8:27:PROTOVALIDATE", "a.proto:9:27:PROTOVALIDATE", "a.proto:10:26:PROTOVALIDATE",
        "a.proto:12:17:PROTOVALIDATE", "a.proto:12:17:PROTOVALIDATE", "a.proto:13:17:PROTOVALIDATE",
        "a.proto:14:17:PROTOVALIDATE", "a.proto:15:16:PROTOVALIDATE", "a.proto:15:16:PROTOVALIDATE",
        "a.proto:16:26:PROTOVALIDATE", "a.proto:16:26:PROTOVALIDATE", "a.proto:17:29:PROTOVALIDATE",
        "a.proto:17:29:PROTOVALIDATE", "a.proto:18:25:PROTOVALIDATE", "a.proto:19:16:PROTOVALIDATE",
        "a.proto:20:17:PROTOVALIDATE", "a.proto:21:17:PROTOVALIDATE", "a.proto:22:17:PROTOVALIDATE",
        "a.proto:23:17:PROTOVALIDATE", "a.proto:24:22:PROTOVALIDATE", "a.proto:25:27:PROTOVALIDATE",
        "a.proto:25:27:PROTOVALIDATE", "a.proto:25:27:PROTOVALIDATE", "a.proto:26:31:PROTOVALIDATE",
        "a.proto:26:31:PROTOVALIDATE", "a.proto:28:20:PROTOVALIDATE", "a.proto:30:27:PROTOVALIDATE",
        "a.proto:31:18:PROTOVALIDATE", "a.proto:31:56:PROTOVALIDATE", "a.proto:32:18:PROTOVALIDATE",
        "a.proto:33:36:PROTOVALIDATE", "a.proto:35:38:PROTOVALIDATE", "a.proto:36:18:PROTOVALIDATE",
        "a.proto:37:18:PROTOVALIDATE", "a.proto:38:18:PROTOVALIDATE", "a.proto:39:18:PROTOVALIDATE",
        "a.proto:40:19:PROTOVALIDATE", "a.proto:42:19:PROTOVALIDATE", "a.proto:42:93:PROTOVALIDATE",
        "a.proto:43:19:PROTOVALIDATE", "a.proto:44:19:PROTOVALIDATE", "a.proto:44:19:PROTOVALIDATE",
        "a.proto:45:19:PROTOVALIDATE", "a.proto:46:19:PROTOVALIDATE", "a.proto:47:19:PROTOVALIDATE",
        "a.proto:48:19:PROTOVALIDATE", "a.proto:49:19:PROTOVALIDATE", "a.proto:50:19:PROTOVALIDATE",
        "a.proto:51:18:PROTOVALIDATE", "a.proto:52:27:PROTOVALIDATE", "a.proto:53:31:PROTOVALIDATE",
        "a.proto:54:19:PROTOVALIDATE", "a.proto:58:16:PROTOVALIDATE", "a.proto:59:17:PROTOVALIDATE",
        "a.proto:62:3:PROTOVALIDATE", "a.proto:62:3:PROTOVALIDATE", "b.proto:8:17:PROTOVALIDATE",
        "b.proto:8:17:PROTOVALIDATE", "b.proto:9:17:PROTOVALIDATE", "b.proto:9:17:PROTOVALIDATE",
        "b.proto:10:17:PROTOVALIDATE", "b.proto:11:17:PROTOVALIDATE", "b.proto:12:17:PROTOVALIDATE",
        "b.proto:13:17:PROTOVALIDATE", "b.proto:15:16:PROTOVALIDATE", "b.proto:16:36:PROTOVALIDATE",
        "b.proto:17:37:PROTOVALIDATE", "b.proto:18:37:PROTOVALIDATE", "b.proto:19:37:PROTOVALIDATE",
        "b.proto:20:36:PROTOVALIDATE", "b.proto:21:36:PROTOVALIDATE", "b.proto:22:36:PROTOVALIDATE",
        "b.proto:23:37:PROTOVALIDATE", "b.proto:24:37:PROTOVALIDATE", "b.proto:27:37:PROTOVALIDATE",
        "b.proto:30:3:PROTOVALIDATE", "b.proto:31:3:PROTOVALIDATE", "b.proto:31:3:PROTOVALIDATE",
        "b.proto:31:3:PROTOVALIDATE", "b.proto:32:3:PROTOVALIDATE", "c.proto:9:29:PROTOVALIDATE",
        "c.proto:10:29:PROTOVALIDATE", "c.proto:11:29:PROTOVALIDATE", "c.proto:11:29:PROTOVALIDATE",
        "c.proto:12:28:PROTOVALIDATE", "c.proto:16:30:PROTOVALIDATE", "d.proto:9:17:PROTOVALIDATE",
        "d.proto:9:17:PROTOVALIDATE", "d.proto:10:16:PROTOVALIDATE", "d.proto:11:26:PROTOVALIDATE",
        "d.proto:12:29:PROTOVALIDATE", "d.proto:12:96:PROTOVALIDATE", "d.proto:13:17:PROTOVALIDATE",
        "d.proto:14:37:PROTOVALIDATE", "d.proto:15:17:PROTOVALIDATE", "d.proto:15:17:PROTOVALIDATE",
        "d.proto:16:16:PROTOVALIDATE", "d.proto:18:18:PROTOVALIDATE", "d.proto:19:16:PROTOVALIDATE",
        "d.proto:20:18:PROTOVALIDATE", "d.proto:21:17:PROTOVALIDATE", "d.proto:22:18:PROTOVALIDATE",
        "e.proto:6:3:PROTOVALIDATE", "e.proto:7:3:PROTOVALIDATE", "e.proto:9:3:PROTOVALIDATE",
        "e.proto:10:3:PROTOVALIDATE", "e.proto:11:3:PROTOVALIDATE", "e.proto:12:3:PROTOVALIDATE",
        "e.proto:14:16:PROTOVALIDATE", "e.proto:14:100:PROTOVALIDATE",
        "e.proto:16:137:PROTOVALIDATE", "e.proto:17:29:PROTOVALIDATE",
        "e.proto:17:115:PROTOVALIDATE", "e.proto:17:115:PROTOVALIDATE",
        "e.proto:18:35:PROTOVALIDATE", "e.proto:20:16:PROTOVALIDATE", "e.proto:21:17:PROTOVALIDATE",
        "f.proto:7:39:PROTOVALIDATE", "f.proto:9:34:PROTOVALIDATE", "f.proto:9:34:PROTOVALIDATE",
        "f.proto:15:54:PROTOVALIDATE", "f.proto:21:3:PROTOVALIDATE", "f.proto:25:26:PROTOVALIDATE",
        "g.proto:8:17:PROTOVALIDATE", "g.proto:9:16:PROTOVALIDATE", "g.proto:10:25:PROTOVALIDATE",
        "g.proto:11:29:PROTOVALIDATE", "g.proto:12:16:PROTOVALIDATE", "g.proto:13:16:PROTOVALIDATE",
        "g.proto:14:36:PROTOVALIDATE", "g.proto:15:17:PROTOVALIDATE", "g.proto:16:27:PROTOVALIDATE",
        "g.proto:17:18:PROTOVALIDATE", "g.proto:18:18:PROTOVALIDATE", "g.proto:19:18:PROTOVALIDATE",
        "g.proto:20:18:PROTOVALIDATE", "g.proto:22:18:PROTOVALIDATE", "g.proto:23:18:PROTOVALIDATE",
        "g.proto:24:17:PROTOVALIDATE", "g.proto:25:38:PROTOVALIDATE", "g.proto:26:18:PROTOVALIDATE",
        "g.proto:27:18:PROTOVALIDATE", "g.proto:28:17:PROTOVALIDATE", "g.proto:28:17:PROTOVALIDATE",
        "h.proto:22:131:PROTOVALIDATE", "h.proto:23:109:PROTOVALIDATE",
        "h.proto:24:22:PROTOVALIDATE", "h.proto:26:49:PROTOVALIDATE", "h.proto:27:27:PROTOVALIDATE",
        "h.proto:30:47:PROTOVALIDATE", "h.proto:32:28:PROTOVALIDATE", "h.proto:34:62:PROTOVALIDATE",
        "h.proto:35:62:PROTOVALIDATE", "h.proto:36:67:PROTOVALIDATE", "h.proto:37:87:PROTOVALIDATE",
        "h.proto:38:67:PROTOVALIDATE", "h.proto:39:60:PROTOVALIDATE", "i.proto:5:17:PROTOVALIDATE",
        "i.proto:6:17:PROTOVALIDATE", "i.proto:7:17:PROTOVALIDATE", "i.proto:8:17:PROTOVALIDATE",
        "i.proto:9:17:PROTOVALIDATE", "i.proto:10:17:PROTOVALIDATE", "i.proto:12:17:PROTOVALIDATE",
        "i.proto:15:17:PROTOVALIDATE", "i.proto:16:17:PROTOVALIDATE", "i.proto:17:25:PROTOVALIDATE",
        "i.proto:18:25:PROTOVALIDATE", "i.proto:19:17:PROTOVALIDATE", "i.proto:20:16:PROTOVALIDATE",
        "i.proto:21:15:PROTOVALIDATE",
    ],
}
# fmt: on


def fixture_args(directory: Path) -> list[str]:
    extra = directory / "args"
    return extra.read_text().split() if extra.exists() else []


def located(stdout: str) -> list[str]:
    rows = [json.loads(line) for line in stdout.splitlines()]
    return [f"{r['path']}:{r['start_line']}:{r['start_column']}:{r['type']}" for r in rows]


def test_every_fixture_has_expectations() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    directory = FIXTURES / name
    result = run("lint", "--error-format", "json", *fixture_args(directory), cwd=directory)
    expected = EXPECTED[name]
    if expected is None:
        assert result.exit_code == 1
        assert "is not a known rule or category ID" in result.stderr
        return
    assert result.exit_code == (100 if expected else 0), result.stderr
    assert Counter(located(result.stdout)) == Counter(expected)
