"""The text writers: indented JSON as ``json.dumps`` writes it, and YAML that PyYAML (YAML 1.1) reads
back as the data written."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from protopact.render.dumps import json_text, yaml_text

# Text that exercises every scalar style: YAML keywords, numbers and dates, indicators, comments,
# line breaks (YAML 1.1 has four), indentation, and characters outside YAML's printable set.
_TRICKY = st.sampled_from([
    "", " ", "yes", "No", "ON", "off", "y", "null", "~", "true", "False", "1", "0x1f", "1e3", "1_000",
    "12:30", "2001-12-14", ".inf", "-", "- a", "? x", ": x", "a: b", "a:b", "a:", "a #b", "a#b", "#x",
    "$ref", "/v1/{name}:get", "'q'", '"q"', "&a", "*a", "!t", "|", ">", "%", "@", "`", "{}", "[a]",
    "a\nb", "a\n", "\na", " a\nb", "a\n\n b\n  c", "a\r\nb", "a\x85b", "a\u2028b", "\ttab\nx", "\ufeff",
    "\x7f", "\x00", "é\nü", "x" * 1100, "line\n" * 3 + "end",
])
_TEXT = st.one_of(_TRICKY, st.text(), st.text(alphabet=" :#-?\n\t'\"abc"))
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(),
    st.floats(allow_nan=False), _TEXT,
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400)
@given(st.dictionaries(_TEXT, _DATA, max_size=5))
def test_reads_back_as_written(data: dict[str, Any]) -> None:
    assert yaml.safe_load(yaml_text(data)) == data


def test_style_is_plain_where_it_can_be() -> None:
    text = yaml_text({"openapi": "3.1.0", "paths": {"/v1/{name}": {"get": {
        "tags": ["Things"], "description": "Gets a thing.\nOr fails.", "deprecated": True,
        "parameters": [], "$ref": "#/components/schemas/X"}}}})
    assert text == (
        'openapi: "3.1.0"\n'
        "paths:\n"
        "  /v1/{name}:\n"
        "    get:\n"
        "      tags:\n"
        "      - Things\n"
        "      description: |-\n"
        "        Gets a thing.\n"
        "        Or fails.\n"
        "      deprecated: true\n"
        "      parameters: []\n"
        '      $ref: "#/components/schemas/X"\n'
    )


@given(_DATA)
def test_json_is_what_json_dumps_writes(data: Any) -> None:
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)
