"""The documentation shows each field's and message's buf.validate rules in words, escaped like
everything else that comes from a ``.proto``."""

from __future__ import annotations

from pathlib import Path

from protopact.render.docs import build_site
from protopact.render.docs_site import render_site
from protopact.render.rules_text import Said, field_said, message_said
from tests.validation.images import validated_image

SOURCE = '''syntax = "proto3";
package acme.v1;
import "buf/validate/validate.proto";
import "google/protobuf/duration.proto";
message Order {
  option (buf.validate.message).cel = {
    id: "order.window"
    message: "min_items <b>below</b> max"
    expression: "this.lines.size() < 50 || this.note != ''"
  };
  string note = 1 [(buf.validate.field).string = {min_len: 1, max_len: 80, pattern: "^<[a-z]+>|x$"}];
  repeated string lines = 2 [(buf.validate.field).repeated = {
    min_items: 1, max_items: 100, unique: true, items: {string: {prefix: "L-", max_len: 1}}}];
  int32 quantity = 3 [(buf.validate.field).int32 = {gte: 0, lte: 200}];
  int64 outside = 4 [(buf.validate.field).int64 = {gt: 10, lt: 5}];
  google.protobuf.Duration wait = 5 [(buf.validate.field).duration = {gte: {seconds: 10}, lte: {seconds: 600}}];
  bytes blob = 6 [(buf.validate.field).bytes = {min_len: 1, max_len: 140}];
  string email = 7 [(buf.validate.field).string.email = true, (buf.validate.field).required = true];
  string state = 8 [(buf.validate.field).string = {in: ["open", "closed"]}];
  string code = 9 [(buf.validate.field).cel = {id: "code.upper", expression: "this == this.upperAscii()"}];
}
'''


def test_rules_read_as_words(tmp_path: Path) -> None:
    image = validated_image(tmp_path, {"acme/v1/order.proto": SOURCE})
    order = image.pool.FindMessageTypeByName("acme.v1.Order")
    said = {f.name: field_said(f) for f in order.fields}
    assert said == {
        "note": (Said("1 to 80 characters"), Said("matches", "^<[a-z]+>|x$")),
        "lines": (Said("1 to 100 items"), Said("items unique"),
                  Said("each item: at most 1 character"), Said("each item: starts with", "L-")),
        "quantity": (Said("0 to 200"),),
        "outside": (Said("> 10 or < 5"),),
        "wait": (Said("10s to 600s"),),
        "blob": (Said("1 to 140 bytes"),),
        "email": (Said("required"), Said("an email address")),
        "state": (Said("one of", '"open", "closed"'),),
        "code": (Said("code.upper:", "this == this.upperAscii()"),),
    }
    assert message_said(order) == (
        Said("min_items <b>below</b> max:", "this.lines.size() < 50 || this.note != ''"),)


def test_the_pages_show_the_rules_escaped(tmp_path: Path) -> None:
    image = validated_image(tmp_path, {"acme/v1/order.proto": SOURCE})
    pages = render_site(build_site(image, title="Acme"))
    html = pages["html/acme.v1.html"].decode()
    assert '<ul class="rules">\n<li>1 to 80 characters</li>\n<li>matches <code>^&lt;[a-z]+&gt;|x$</code></li>' in html
    assert "<li>min_items &lt;b&gt;below&lt;/b&gt; max: <code>" in html
    assert "<b>below</b>" not in html
    markdown = pages["markdown/acme.v1.md"].decode()
    # inside code spans a raw tag is inert; in a table cell the pipe is escaped
    assert "| Rules: 1 to 80 characters; matches `^<[a-z]+>\\|x$`. |" in markdown, markdown
    assert "Rules: min_items &lt;b>below&lt;/b> max: `this.lines.size() < 50 || this.note != ''`." \
        in markdown, markdown
