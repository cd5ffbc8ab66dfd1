"""protovalidate's string formats (``email``, ``hostname``, ``ip``, ``ipv4``, ``ipv6``, ``address``,
``uuid``) become keywords that hold exactly what protovalidate accepts, judged against the validator
itself on chosen texts and on texts drawn around each format; those no keyword holds (``uri``,
``uri_ref``) are the server's, under ``x-protovalidate``, and promise nothing."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import protovalidate
import pytest
from google.protobuf import message_factory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protopact.compile.image import Image
from protopact.render.jsonschema import render_json_schemas

from .validation.images import validated_image

KINDS = ("email", "hostname", "ip", "ipv4", "ipv6", "address", "uuid", "uri", "uri_ref")
FIELDS = "\n".join(f"  string {kind} = {n} [(buf.validate.field).string.{kind} = true];"
                   for n, kind in enumerate(KINDS, 1))
PROTO = f"""
syntax = "proto3";
package formats.v1;
import "buf/validate/validate.proto";
message Contact {{
{FIELDS}
}}
"""
LONG_LABEL = "x" * 63
CASES = {
    "email": ["a@b", "a@b.c", ".a@b.com", "a..b@c.com", "a@1.2.3.4", "a@b.123", "A@B.COM",
              "!#$%&'*+/=?^_`{|}~-@x.com", f"a@{LONG_LABEL}.com", f"a@{LONG_LABEL}x.com",
              f"a@{'.'.join([LONG_LABEL] * 4)}", '"a b"@c.com', "a@[1.2.3.4]", "a@b-.com",
              "a@-b.com", "a@b_c.com", "é@b.com", "a@é.com", "a@b.com.", "a@b..com", "@b.com",
              "a@", "a@b@c.com", " a@b.com", "a b@c.com"],
    "hostname": ["a", "a.", "1.a", "a-b", "1-2", "A.B", "0x1", LONG_LABEL, f"{LONG_LABEL}x",
                 ".".join([LONG_LABEL] * 3) + "." + "x" * 61,
                 ".".join([LONG_LABEL] * 3) + "." + "x" * 62,
                 ".".join([LONG_LABEL] * 3) + "." + "x" * 61 + ".",
                 ".".join([LONG_LABEL] * 3) + "." + "x" * 62 + ".",
                 "a..b", "1", "1.2", "a.1", "a.1.", "-a", "a-", "a_b", "é", "1.2.3.4", "a.-1"],
    "ipv4": ["1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4", "256.1.1.1", "1.2.3",
             "1.2.3.4.5", "1.2.3.04", "1.2.3.4/8", "\u0661.2.3.4"],
    "ipv6": ["::", "::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "fe80::1%eth0",
             "FE80::A", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4", "1::1.2.3.4", "1:2:3:4:5:6:7::",
             "::2:3:4:5:6:7:8", "1::3:4:5:6:7:8", "fe80::1%25eth0", "fe80::1% ",
             "1:2:3:4:5:6:7:8:9", "1::2::3", "fe80::1%", "1:2:3:4:5:6:7:1.2.3.4", "01234::",
             "::ffff:01.2.3.4", "[::1]", "1:2:3:4:5::6:7:8", "1:2:3:4:5:6:7:8::"],
    "ip": ["1.2.3.4", "::1", "1.2.3", "a"],
    "address": ["a", "a.b.", "1.2.3.4", "::1", "1.2.3", "a.1", "[::1]", "fe80::1%x"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "A987FBC9-4BED-3078-CF07-9141BA07C9F3",
             "a987fbc94bed3078cf079141ba07c9f3", "a987fbc9-4bed-3078-cf07-9141ba07c9f",
             "g987fbc9-4bed-3078-cf07-9141ba07c9f3"],
}
# texts around each format: its characters and a few that break it, in any order
NEAR = {
    "email": r"[a-zA-Z0-9.!#%'*+=?^_`{|}~\- @\[\]é\"]{0,12}@[a-zA-Z0-9.\-_]{0,12}",
    "hostname": r"[a-z0-9.\-_]{0,16}",
    "ipv4": r"[0-9.]{0,17}",
    "ipv6": r"[0-9a-fA-F:.]{0,30}(%[a-z0-9%]{0,3})?",
    "uuid": r"[0-9a-fA-FgG\-]{30,38}",
}
NEAR.update(ip=NEAR["ipv6"], address=f"({NEAR['hostname']}|{NEAR['ipv6']})")


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    return validated_image(tmp_path_factory.mktemp("formats"), {"formats/v1/formats.proto": PROTO})


@pytest.fixture(scope="module")
def fields(image: Image) -> dict[str, Any]:
    schema = json.loads(render_json_schemas(image)["schemas/formats.v1.Contact.json"])
    return schema["properties"]


def _verdicts(image: Image, fields: dict[str, Any], kind: str, text: str) -> tuple[bool, bool]:
    """The document's verdict (formats asserted) and protovalidate's on ``text`` as ``kind``
    (a field whose JSON name is its proto name)."""
    validator = jsonschema.Draft202012Validator(
        fields[kind], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    cls = message_factory.GetMessageClass(image.pool.FindMessageTypeByName("formats.v1.Contact"))
    violations = protovalidate.collect_violations(cls(**{kind: text}))
    return validator.is_valid(text), not any(
        v.proto.field.elements[0].field_name == kind for v in violations)


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in CASES.items() for t in texts])
def test_the_document_and_protovalidate_agree_on_a_format(image: Image, fields: Any, kind: str,
                                                          text: str) -> None:
    document, server = _verdicts(image, fields, kind, text)
    assert document is server, (kind, text, server)


@pytest.mark.parametrize("kind", sorted(NEAR))
def test_they_agree_on_texts_drawn_around_a_format(image: Image, fields: Any, kind: str) -> None:
    pattern = fields[kind].get("pattern") or fields[kind]["anyOf"][1]["pattern"]

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.from_regex(pattern, fullmatch=True),
                     st.from_regex(NEAR[kind], fullmatch=True)))
    def agree(text: str) -> None:
        document, server = _verdicts(image, fields, kind, text)
        assert document is server, (kind, text, server)

    agree()


@pytest.mark.parametrize(("kind", "name"), [("uri", "uri"), ("uri_ref", "uriRef")])
def test_a_format_no_keyword_holds_is_the_servers(fields: Any, kind: str, name: str) -> None:
    """JSON Schema's ``uri`` differs from protovalidate's (which checks that a host's
    percent-encoding is UTF-8, say): the document promises nothing, and says the rule."""
    assert "format" not in fields[name] and "pattern" not in fields[name]
    assert fields[name]["x-protovalidate"] == {"string": {name: True}}
