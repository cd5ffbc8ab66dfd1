"""Docs, OpenAPI and lint on an API that names every convention its own way.

``ledger.v1`` pages with ``Paging`` (``page_number``/``per_page`` in; ``total_count``,
``prev_page``/``next_page`` out), scans with a ``Continuation`` (``continuation_token``,
``end_cursor``), wraps updates in ``OptionalAmount`` (``is_set`` + ``value``), delivers events in a
``Delivery`` (a plain ``receipt_handle`` string, ``redelivered``), reads them through a
``Subscription`` (``prefetch_count``, ``ack_wait``, ``consumer_group``) and settles them with
``SettleEntryEvent``. The notes must name those fields, never protopact's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.render.docs import Site, build_site
from protopact.render.openapi import build_openapi

from .conftest import run
from .test_conventions import FIXTURES

PROTOPACT_NAMES = ("`size`", "`page`", "`cursor`", "`next`", "`updated`", "`ack_id`",
                   "`max_in_flight`", "`ack_timeout`", "`is_redelivered`", "`durable_queue`")


def _image(name: str) -> Image:
    return load_input(str(FIXTURES / name), cwd=FIXTURES, cache=Cache(None)).image


@pytest.fixture(scope="module")
def ledger() -> Site:
    return build_site(_image("ledger"), title="Ledger")


def _fields(site: Site, message: str) -> dict[str, tuple[str, ...]]:
    found = next(m for p in site.packages for m in p.messages if m.full_name == message)
    return {f.name: f.notes for f in found.fields}


def _method_notes(site: Site, method: str) -> tuple[str, ...]:
    return next(m.notes for p in site.packages for s in p.services for m in s.methods
                if m.full_name == method)


def test_docs_notes_name_the_api_own_pagination(ledger: Site) -> None:
    (paging,) = _fields(ledger, "ledger.v1.ListEntriesRequest")["paging"]
    assert "`page_number` counts from 0" in paging and "`per_page` 0 selects" in paging
    assert "`prev_page` and `next_page` pages" in paging and "`Result`" in paging
    (result,) = _fields(ledger, "ledger.v1.ListEntriesResponse")["paging"]
    assert result.startswith("Send `next_page` as the next request's pagination")
    (scan,) = _fields(ledger, "ledger.v1.ScanEntriesRequest")["continuation"]
    assert "leave `continuation_token` empty" in scan and "send the `end_cursor`" in scan
    (scanned,) = _fields(ledger, "ledger.v1.ScanEntriesResponse")["continuation"]
    assert scanned == ("Send `end_cursor` as the next request's `continuation_token` to continue; "
                       "it is empty on the last page.")
    assert _method_notes(ledger, "ledger.v1.EntryService.ListEntries") == (
        ("Paginated: the response holds one page; see the request's `paging` field for how to "
         "continue."),)
    assert "Paginated" in _method_notes(ledger, "ledger.v1.EntryService.ScanEntries")[0]
    # inside the blocks themselves the notes would be noise
    assert _fields(ledger, "ledger.v1.Paging.Result")["next_page"] == ()
    for notes in (paging, result, scan, scanned):
        assert not any(name in notes for name in PROTOPACT_NAMES)


def test_docs_notes_name_the_api_own_update_wrapper(ledger: Site) -> None:
    (note,) = _fields(ledger, "ledger.v1.AmendEntryRequest")["amount"]
    assert note.startswith("Set `is_set` to true and `value` to the new value")
    assert _fields(ledger, "ledger.v1.AmendEntryRequest")["ledger"] == ()


def test_docs_notes_name_the_api_own_event_stream(ledger: Site) -> None:
    (note,) = _method_notes(ledger, "ledger.v1.EntryService.WatchEntryEvents")
    assert note.startswith("Event stream: acknowledge every event with the `receipt_handle` from "
                           "its `delivery` by calling "
                           "[SettleEntryEvent](#ledger.v1.EntryService.SettleEntryEvent).")
    for words in ("At most `prefetch_count` events", "within `ack_wait`", "with `redelivered` set",
                  "(by `event_id`)", "the same `consumer_group`"):
        assert words in note
    assert not any(name in note for name in PROTOPACT_NAMES)
    assert _method_notes(ledger, "ledger.v1.EntryService.SettleEntryEvent") == ()


def test_docs_notes_follow_an_ack_handle_message_and_a_verb_of_its_own() -> None:
    site = build_site(_image("telecom"), title="Telecom")
    (note,) = _method_notes(site, "telco.events.v1.RoamingEventService.StreamSimSwapEvents")
    assert ("the `ack_handle.value` from its `header` by calling [ConfirmSimSwapEvent]"
            "(#telco.events.v1.RoamingEventService.ConfirmSimSwapEvent)") in note
    assert "At most `in_flight_limit` events" in note and "within `ack_deadline`" in note


def test_named_conventions_reach_the_docs(tmp_path: Path) -> None:
    # a wrapper whose flag no shape rule knows is an Update wrapper once pyproject.toml says so
    root = Path(shutil.copytree(FIXTURES / "ledger", tmp_path / "ledger"))
    proto = root / "ledger" / "v1" / "ledger.proto"
    proto.write_text(proto.read_text().replace("bool is_set = 1;", "bool touched = 1;"))
    (root / "pyproject.toml").write_text(
        '[tool.protopact]\nname = "ledger-api"\n\n[tool.protopact.conventions]\n'
        'update_wrapper = ["ledger.v1.OptionalAmount"]\n')
    image = load_input(".", cwd=root, cache=Cache(None)).image
    assert _fields(build_site(image, title="t"), "ledger.v1.AmendEntryRequest")["amount"] == ()
    result = run("docs", ".", "--out", str(tmp_path / "out"), cwd=root)
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "out" / "markdown" / "ledger.v1.md").read_text()
    assert "Set `touched` to true and `value` to the new value" in page


def test_contract_lint_accepts_the_api_own_ack_verb(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "ledger", tmp_path / "ledger"))
    result = run("lint", ".", cwd=root)
    assert result.exit_code == 0, result.stdout
    proto = root / "ledger" / "v1" / "ledger.proto"
    text = proto.read_text()
    start = text.index("  // Settles one entry event.\n  rpc SettleEntryEvent")
    proto.write_text(text[:start] + text[text.index("  }\n", start) + 4:])
    result = run("lint", ".", cwd=root)
    assert result.exit_code == 100
    assert ('Event RPC "WatchEntryEvents" should have an ack RPC "AckEntryEvent"'
            in result.stdout)


def test_openapi_operations_carry_the_notes_in_the_api_own_names() -> None:
    document = build_openapi(_image("ledger"), title="Ledger", version="1.0.0")
    paths = document["paths"]
    listing = paths["/v1/ledgers/{ledger}/entries"]["get"]["description"]
    assert listing.startswith("Lists a ledger's entries, oldest first.\n\n")
    assert listing.endswith("see the request's `paging` field for how to continue.")
    watch = paths["/v1/entry-events"]["get"]["description"]
    assert ("acknowledge every event with the `receipt_handle` from its `delivery` by calling "
            "`SettleEntryEvent`.") in watch  # no link: the anchor lives in the documentation
    assert "`prefetch_count`" in watch and "`ack_wait`" in watch
    assert "Event stream" not in paths["/v1/entry-events:settle"]["post"].get("description", "")
    # the query parameters are the API's own pagination fields
    names = {p["name"] for p in paths["/v1/ledgers/{ledger}/entries"]["get"]["parameters"]}
    assert {"paging.perPage", "paging.pageNumber"} <= names
