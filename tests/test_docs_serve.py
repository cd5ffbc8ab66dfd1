"""``protopact docs --serve`` in a real browser: an edit reloads the open page with the new docs, a
build error shows in its place (escaped) until fixed, and Ctrl-C ends the server; only the holders of
its token read the docs."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from protopact.live.docs_server import PREFIX

from .conftest import write_tree
from .live_process import WAIT, Running, save

BUF_YAML = "version: v2\n"
SHOP = '''syntax = "proto3";
package shop.v1;
// An order placed by a customer.
message Order { string id = 1; }
'''
HOSTILE = '// <img src=x onerror="window.pwned = 1"> reads the docs.\nmessage Invoice { string id = 1; }\n'


def test_an_edit_reloads_the_open_page(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_tree(tmp_path, {"buf.yaml": BUF_YAML, "shop/v1/shop.proto": SHOP})
    server = Running(["docs", "--serve", "--port", "0"], tmp_path)
    try:
        line = server.until("err", "docs on http://")[-1]
        address = re.search(r"http://\S+", line)[0]  # type: ignore[index]
        url, token = address.split("?token=")
        page = browser.new_page()
        page.on("dialog", lambda dialog: dialog.dismiss())
        page.goto(address)  # the token becomes a cookie, and leaves the address
        assert page.url == url
        page.goto(url + "shop.v1.html")
        assert page.locator('[id="shop.v1.Order"]').inner_text().count("An order placed") == 1
        page.evaluate("window.before = 1")

        save(tmp_path / "shop/v1/shop.proto", SHOP + HOSTILE)
        invoice = page.locator('[id="shop.v1.Invoice"]')
        invoice.wait_for(timeout=WAIT * 1000)
        assert page.evaluate("typeof window.before") == "undefined"  # the page was reloaded
        assert '<img src=x onerror="window.pwned = 1">' in invoice.inner_text()
        assert page.evaluate("typeof window.pwned") == "undefined"

        # A file that does not compile: its error, escaped, in place of the page.
        save(tmp_path / "shop/v1/shop.proto",
             SHOP.replace("package shop.v1;\n", 'package shop.v1;\nimport "<b>x</b>.proto";\n'))
        error = page.locator("#error")
        error.wait_for(timeout=WAIT * 1000)
        assert ('shop/v1/shop.proto:3:1: Import "<b>x</b>.proto" was not found'
                in error.inner_text())
        assert page.locator("b").count() == 0
        # Fixed: the page comes back.
        save(tmp_path / "shop/v1/shop.proto", SHOP)
        page.locator('[id="shop.v1.Order"]').wait_for(timeout=WAIT * 1000)
        assert page.locator('[id="shop.v1.Invoice"]').count() == 0
        page.close()

        # Only the loopback names reach it: another site's name resolved to 127.0.0.1 does not.
        bearer = {"Authorization": f"Bearer {token}"}
        assert httpx.get(url, headers={**bearer, "Host": "attacker.example"}).status_code == 400
        assert httpx.get(url + "nothing.html", headers=bearer).status_code == 404
        assert server.interrupt() == 0
        assert not any("Traceback" in line for _, line in server.rest())
    finally:
        server.stop()


def test_the_docs_need_the_token(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": BUF_YAML, "shop/v1/shop.proto": SHOP})
    secret = "s3cret-given-by-env"
    server = Running(["docs", "--serve", "--port", "0"], tmp_path,
                     env={"PROTOPACT_DOCS_TOKEN": secret})
    try:
        line = server.until("err", "docs on http://")[-1]
        url = re.search(r"http://\S+/", line)[0]  # type: ignore[index]
        assert "?token=" not in line and secret not in line
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {secret}"}):
            refused = httpx.get(url + "shop.v1.html", headers=headers)
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert secret not in refused.text
        assert httpx.get(url + f"{PREFIX}/events", params={"token": "wrong"}).status_code == 401
        page = httpx.get(url + "shop.v1.html", headers={"Authorization": f"Bearer {secret}"})
        assert page.status_code == 200 and "An order placed" in page.text

        # The address with the token: a cookie for this port only, and the same page without it.
        entry = httpx.get(url + "shop.v1.html", params={"token": secret, "x": "a b"})
        assert entry.status_code == 303 and entry.headers["location"] == "/shop.v1.html?x=a+b"
        cookie = entry.headers["set-cookie"]
        port = url.rstrip("/").rsplit(":", 1)[1]
        assert cookie.startswith(f"protopact_docs_{port}={secret};")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        with_cookie = httpx.get(url + "shop.v1.html", cookies={f"protopact_docs_{port}": secret})
        assert with_cookie.status_code == 200
        assert httpx.get(url + "shop.v1.html",
                         cookies={f"protopact_docs_{port}": "wrong"}).status_code == 401
        assert server.interrupt() == 0
        assert not any(secret in line for _, line in server.rest())
    finally:
        server.stop()
