"""The HTML docs in a real browser: opened from disk, searched, navigated, and not scriptable by a
hostile ``.proto``. Drives Debian's chromium through Playwright (``make test`` installs it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input
from protopact.render.docs_site import render_docs

from .conftest import REPO

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    image = load_input(".", cwd=REPO / "tests" / "golden" / "docs" / "input", cache=Cache(None)).image
    out = tmp_path_factory.mktemp("docs")
    for name, data in render_docs(image, title="Acme store").items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out / "html"


def _page(browser, requests: list[str]):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    return page


def test_search_then_follow_a_type_link(browser, site_dir: Path) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page = _page(browser, requests)
    page.goto((site_dir / "index.html").as_uri())
    page.fill("#search", "order line")
    results = page.locator("#search-results a")
    assert results.all_text_contents() == ["acme.store.v1.Order.Line"]
    page.fill("#search", "placed by a customer")  # words from a comment find the element too
    assert "acme.store.v1.Order" in page.locator("#search-results a").all_text_contents()
    page.locator("#search-results a", has_text="acme.store.v1.Order").first.click()
    page.wait_for_url("**/acme.store.v1.html#acme.store.v1.Order")
    order = page.locator('[id="acme.store.v1.Order"]')
    page.locator('[id="acme.store.v1.Order"] a.type', has_text="Order.Line").click()
    page.wait_for_url("**/acme.store.v1.html#acme.store.v1.Order.Line")
    line = page.locator('[id="acme.store.v1.Order.Line"]')
    assert line.is_visible() and "A line of an order." in line.inner_text()
    assert order.count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-type-link.png"))
    # Everything came from disk: no request left the machine.
    assert requests and all(url.startswith("file://") for url in requests)
    page.close()


def test_script_in_a_comment_does_not_run(browser, site_dir: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, [])
    page.goto((site_dir / "acme.store.v1.html").as_uri() + "#acme.store.v1.Hostile")
    assert page.title() == "acme.store.v1 · Acme store"
    assert page.evaluate("typeof window.pwned") == "undefined"
    hostile = page.locator('[id="acme.store.v1.Hostile"]')
    hostile.locator("td").first.hover()
    text = hostile.inner_text()
    assert '<script>document.title = "pwned"; window.pwned = 1;</script>' in text
    assert page.evaluate("typeof window.pwned") == "undefined"
    # The page's own script still runs under its Content-Security-Policy.
    page.fill("#search", "hostile")
    assert page.locator("#search-results a").all_text_contents() == ["acme.store.v1.Hostile"]
    page.close()
