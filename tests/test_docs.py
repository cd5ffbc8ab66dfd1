"""The documentation site: golden files, the view model, escaping, notes, templates and the CLI."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from pathlib import Path

import nh3
import pytest
from google.protobuf import json_format, message_factory
from markdown_it import MarkdownIt

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.errors import ProtopactError
from protopact.render.docs import Site, build_site
from protopact.render.docs_site import (
    _is_plain,
    comment_html,
    markdown_source,
    plain_html,
    render_site,
)
from protopact.render.targets import renderers

from .conftest import REPO, run, write_tree

GOLDEN = REPO / "tests" / "golden" / "docs"
TITLE, DESCRIPTION = "Acme store", "The store's API."


def _image(path: Path) -> Image:
    # The repository's proto/ is read through the repository's buf.yaml, as `make run` does.
    text, cwd = ("proto", REPO) if path == REPO / "proto" else (".", path)
    return load_input(text, cwd=cwd, cache=Cache(None)).image


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(_image(GOLDEN / "input"), title=TITLE, description=DESCRIPTION)


@pytest.fixture(scope="module")
def files(site: Site) -> dict[str, bytes]:
    return render_site(site)


@pytest.fixture(scope="module")
def repo_site() -> Site:
    return build_site(_image(REPO / "proto"), title="protopact", description="")


def test_docs_match_golden_files(files: dict[str, bytes]) -> None:
    expected_dir = GOLDEN / "expected"
    if os.environ.get("PROTOPACT_UPDATE_GOLDEN") == "1":
        for old in expected_dir.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, data in files.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_bytes(data)
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes()
                for p in expected_dir.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected)
    for name, data in files.items():
        assert data.decode() == expected[name].decode(), f"{name} differs (PROTOPACT_UPDATE_GOLDEN=1)"


def test_rendering_is_deterministic(site: Site, files: dict[str, bytes]) -> None:
    again = build_site(_image(GOLDEN / "input"), title=TITLE, description=DESCRIPTION)
    assert render_site(again) == files


def test_docs_json_is_the_view_model(site: Site, files: dict[str, bytes]) -> None:
    assert json.loads(files["docs.json"]) == json.loads(json.dumps(asdict(site)))


def _package(site: Site, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in site.packages if p.name == name)


def _message(site: Site, full_name: str):  # type: ignore[no-untyped-def]
    return next(m for p in site.packages for m in p.messages if m.full_name == full_name)


def _method(site: Site, full_name: str):  # type: ignore[no-untyped-def]
    return next(m for p in site.packages for s in p.services for m in s.methods
                if m.full_name == full_name)


def test_field_table_model(site: Site) -> None:
    fields = {f.name: f for f in _message(site, "acme.store.v1.Order").fields}
    assert (fields["labels"].label, fields["labels"].map_key, fields["labels"].type.name) == (
        "map", "string", "string")
    assert fields["card_token"].oneof == "payment" and fields["card_token"].json_name == "cardToken"
    assert (fields["note"].label, fields["note"].oneof) == ("optional", "")
    assert fields["lines"].label == "repeated"
    assert (fields["lines"].type.name, fields["lines"].type.page) == ("Order.Line", "acme.store.v1")
    # Types from imports are named but not linked: they are not documented on this site.
    assert (fields["phone"].type.name, fields["phone"].type.page) == ("protopact.v1.PhoneNumber", "")
    assert fields["id"].behaviours == ("OUTPUT_ONLY",) and fields["email"].behaviours == ("REQUIRED",)
    assert fields["sku"].deprecated and fields["sku"].comment.trailing == "Kept for old clients."
    record = {f.name: f for f in _message(site, "acme.legacy.Record").fields}
    assert record["count"].label == "required" and record["count"].default == "7"


def test_comments_stability_and_bindings(site: Site) -> None:
    store = _package(site, "acme.store.v1")
    assert store.comment.leading == "The store, version 1." and store.stability == "stable"
    assert store.files[0].comment.leading.startswith("The store API")
    assert _package(site, "acme.legacy").stability == ""
    assert _message(site, "acme.store.v1.Order").comment.summary == "An order, placed by a customer."
    assert _message(site, "acme.store.v1.Order").stability == "stable"
    assert _method(site, "acme.store.v1.StoreService.UpdateOrder").stability == "beta"
    fetch = _method(site, "acme.store.v1.StoreService.FetchOrder")
    assert fetch.deprecated and fetch.stability == "stable"  # inherited from the service
    bindings = _method(site, "acme.store.v1.StoreService.ListOrders").bindings
    assert [(b.verb, b.path) for b in bindings] == [
        ("GET", "/v1/orders"), ("GET", "/v1/customers/{customer_id}/orders")]
    assert _method(site, "acme.store.v1.StoreService.AckOrderEvent").bindings[0].body == "ack"
    assert _method(site, "acme.store.v1.StoreService.StreamOrderEvents").kind == "server stream"
    assert _method(site, "acme.store.v1.StoreService.StreamOrderEvents").bindings == ()
    state = next(e for e in store.enums if e.name == "OrderState")
    assert [v.deprecated for v in state.values] == [False, False, False, True]


def test_convention_notes(site: Site, repo_site: Site) -> None:
    update = {f.name: f for f in _message(site, "acme.store.v1.UpdateOrderRequest").fields}
    assert "set `updated` to true" in update["gift"].notes[0].lower()
    assert "set `updated` to true" in update["note"].notes[0].lower() and not update["id"].notes
    listing = {f.name: f for f in _message(site, "acme.store.v1.ListOrdersRequest").fields}
    assert "`page` counts from 0" in listing["pagination"].notes[0]
    result = {f.name: f for f in _message(site, "acme.store.v1.ListOrdersResponse").fields}
    assert "Send `next`" in result["pagination"].notes[0]
    assert "Paginated" in _method(site, "acme.store.v1.StoreService.ListOrders").notes[0]
    stream = _method(site, "acme.store.v1.StoreService.StreamOrderEvents").notes[0]
    for words in ("acknowledge every event", "in flight", "delivered again", "`is_redelivered`",
                  "[AckOrderEvent](#acme.store.v1.StoreService.AckOrderEvent)"):
        assert words in stream
    deliveries = {f.name: f for f in _message(
        repo_site, "protopact.example.webhooks.v1.ListWebhookDeliveriesRequest").fields}
    assert "Cursor pagination" in deliveries["pagination"].notes[0]
    # Inside the pagination block itself, Result.next is not annotated as if it were a request.
    page_result = {f.name: f for f in _message(repo_site, "protopact.v1.Pagination.Result").fields}
    assert page_result["next"].notes == ()


def test_every_json_example_parses_into_its_message(repo_site: Site, site: Site) -> None:
    checked = 0
    for s, image in ((repo_site, _image(REPO / "proto")), (site, _image(GOLDEN / "input"))):
        pool = image.pool
        for package in s.packages:
            for message in package.messages:
                cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(message.full_name))
                json_format.Parse(message.example, cls(), descriptor_pool=pool)
                checked += 1
            for service in package.services:
                for method in service.methods:
                    if not method.server_streaming:
                        assert method.stream_example == ""
                        continue
                    cls = message_factory.GetMessageClass(
                        pool.FindMessageTypeByName(method.response.full_name))
                    events = method.stream_example.splitlines()
                    assert len(events) == 2 and events[0] != events[1]
                    for line in events:
                        json_format.Parse(line, cls(), descriptor_pool=pool)
                        checked += 1
    assert checked > 80


def test_every_type_link_has_its_anchor(repo_site: Site, files: dict[str, bytes]) -> None:
    pages = render_site(repo_site)
    for name, data in pages.items():
        if not name.endswith(".html"):
            continue
        for page, anchor in re.findall(r'href="([\w.-]+)\.html#([\w.]+)"', data.decode()):
            assert f'id="{anchor}"' in pages[f"html/{page}.html"].decode(), (name, page, anchor)


def test_html_escapes_everything_from_the_proto(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        html = data.decode()
        assert html.count("<script") == 2, name  # the search index and the search box, nothing else
        assert "<img" not in html and 'href="javascript' not in html
        assert "onmouseover" not in html.replace("&lt;b onmouseover", "")
    store = files["html/acme.store.v1.html"].decode()
    assert 'Hostile &lt;script&gt;document.title = "pwned"' in store
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in files["html/acme.legacy.html"].decode()


def test_comment_markdown_is_sanitised() -> None:
    html = str(comment_html("Has *emphasis*, [a link](https://example.com) and "
                            "[a trap](javascript:alert(1)) <script>alert(1)</script>"))
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in html
    assert 'href="javascript' not in html and "[a trap](javascript:alert(1))" in html  # as text
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_plain_comments_take_a_shortcut_to_the_same_html(repo_site: Site) -> None:
    texts = ["One line.", "Two\nlines > one.", "Para one.\n\n  Para two, \"quoted\", it's.",
             "Identifier. The page_size in the form `projects/*/page_sizes/*` or `a<b>&c`.",
             *(m.comment.leading for p in repo_site.packages for m in p.messages)]
    # googleapis cross-references: without a definition, brackets stay text.
    texts += ["See [Foo][google.foo.Foo] and [Bar][].", "a [b]\n[c] x[0]", "![a][b] [a]\n(b)"]
    plain = [t for t in texts if _is_plain(t)]
    assert all(_is_plain(t) for t in texts[-3:])
    assert len(plain) > 20
    for text in plain:
        assert plain_html(text) == nh3.clean(MarkdownIt("commonmark").render(text)), text
    for marked_up in ("- item", "a *b*", "x  \ny", "    code", "1. one", "| a | b |", "Title\n===",
                      "<https://example.com>", "a &amp; b", "> quote", "# heading", "_em_",
                       "` padded `", "a ` b", "snake_ case", "[a](b)", "[x]\n\n[x]: /u"):
        assert not _is_plain(marked_up), marked_up


def test_markdown_output_makes_raw_html_inert() -> None:
    text = "A <script>x</script> `<kept>` [t](javascript:alert(1)) end\n\n    <code block>"
    assert markdown_source(text) == ("A &lt;script>x&lt;/script> `<kept>` [t](#javascript:alert(1)) end"
                                     "\n\n    <code block>")


@pytest.mark.parametrize("text", [
    "[x](\njavascript:alert(1))",  # the destination may start on the next line
    "[x][1]\n\n[1]: javascript:alert(1)",  # reference definitions
    "[x]\n\n[x]:\n  JavaScript:alert(1)",
    "[x](java&#115;cript:alert(1))",  # entities are decoded in destinations
    "[x](javascript\\:alert(1))",  # so are backslash escapes
    "[x](java&Tab;script:alert(1))",  # browsers drop tabs from URLs
    "![i](data:text/html,x)",
    "para\n    ```\n<script>alert(1)</script>",  # not a fence: lazy paragraph continuation
    "para\n    <script>alert(1)</script>",  # not indented code either
    "\\`<script>alert(1)</script>`",  # an escaped backtick opens no code span
    "``[a](javascript:x)`<img src=x onerror=alert(1)>",  # unmatched backtick runs
])
def test_markdown_output_survives_a_permissive_renderer(text: str) -> None:
    # What a renderer that keeps raw HTML and validates no link (as some Markdown viewers do)
    # makes of the output: no tag and no URL with a script-capable scheme may come through.
    renderer = MarkdownIt("commonmark")
    renderer.validateLink = lambda url: True
    html = renderer.render(markdown_source(text))
    assert not re.search(r"<(script|img src=x)", html), html
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert not re.match(r"[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) or url.startswith(("http", "mailto")), html


def test_markdown_output_keeps_code_and_safe_links() -> None:
    text = ("Use `map<K, V>` and [docs](https://example.com/a_b) or [mail](mailto:a@b.c).\n\n"
            "```\n<tag>\n```\n\n- item\n\n      <indented code>")
    assert markdown_source(text) == text


def test_search_index_covers_names_and_comments(files: dict[str, bytes]) -> None:
    script = files["html/search-index.js"].decode()
    entries = json.loads(script.removeprefix("window.protopactSearchIndex = ").rstrip(";\n"))
    by_name = {e["name"]: e for e in entries}
    assert by_name["acme.store.v1.Order"] == {
        "kind": "message", "name": "acme.store.v1.Order", "page": "acme.store.v1",
        "anchor": "acme.store.v1.Order",
        "text": "An order, placed by a customer. Has *emphasis* and a [safe link]"
                "(https://example.com/orders)."}
    assert by_name["acme.store.v1.StoreService.ListOrders"]["kind"] == "method"


def test_user_templates_override_single_templates(site: Site, tmp_path: Path) -> None:
    write_tree(tmp_path, {"markdown/index.md.j2": "Custom {{ site.title }}\n"})
    files = render_site(site, templates=tmp_path)
    assert files["markdown/index.md"] == b"Custom Acme store\n"
    assert files["markdown/acme.store.v1.md"] == render_site(site)["markdown/acme.store.v1.md"]


def test_docs_verb_writes_the_site(tmp_path: Path) -> None:
    result = run("docs", str(GOLDEN / "input"), "--out", str(tmp_path / "site"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "site" / "html" / "acme.store.v1.html").is_file()
    assert (tmp_path / "site" / "markdown" / "index.md").is_file()
    assert json.loads((tmp_path / "site" / "docs.json").read_text())["format_version"] == 1


def test_docs_verb_reports_an_undefined_template_value_in_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"t/markdown/index.md.j2": "{{ site.no_such_value }}\n"})
    result = run("docs", str(GOLDEN / "input"), "--out", str(tmp_path / "site"),
                 "--templates", str(tmp_path / "t"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no_such_value" in result.stderr
    assert not (tmp_path / "site").exists()


def test_docs_verb_rejects_bad_input(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.proto": 'syntax = "proto3";\nmessage A { Missing m = 1; }\n'})
    result = run("docs", ".", "--out", "site", cwd=tmp_path)
    assert result.exit_code == 1 and "Missing" in result.stderr and "Traceback" not in result.stderr


def test_generate_renders_docs() -> None:
    assert ("docs", "docs") in {(r.name, r.subdirectory) for r in renderers()}


def test_rules_the_gateway_cannot_route_are_still_documented(tmp_path: Path) -> None:
    # googleapis has "**" mid-path (discoveryengine); documenting must not fail on it.
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a/v1/a.proto": (
        'syntax = "proto3";\npackage a.v1;\nimport "google/api/annotations.proto";\n'
        "message R { string parent = 1; }\n"
        "service S {\n  rpc Purge(R) returns (R) {\n    option (google.api.http) = {\n"
        '      post: "/v1/{parent=projects/*/stores/**}/entries:purge" body: "*"\n'
        '      additional_bindings { get: "/v1/{parent=x/*}" } };\n  }\n}\n')})
    site = build_site(_image(tmp_path), title="t")
    (method,) = site.packages[0].services[0].methods
    assert [(b.verb, b.path, b.body) for b in method.bindings] == [
        ("POST", "/v1/{parent=projects/*/stores/**}/entries:purge", "*"), ("GET", "/v1/{parent=x/*}", "")]
    result = run("docs", ".", "--out", "site", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr


def test_parallel_rendering_gives_the_same_files(site: Site, files: dict[str, bytes],
                                                 tmp_path: Path) -> None:
    # Large trees render HTML in a forked worker; small ones (every other test) do not.
    assert render_site(site, jobs=2) == files
    write_tree(tmp_path, {"html/package.html.j2": "{{ site.no_such_value }}\n"})  # the worker's
    with pytest.raises(ProtopactError, match="no_such_value"):
        render_site(site, templates=tmp_path, jobs=2)


def test_parallel_build_gives_the_same_model(site: Site) -> None:
    assert build_site(_image(GOLDEN / "input"), title=TITLE, description=DESCRIPTION,
                      jobs=2) == site
