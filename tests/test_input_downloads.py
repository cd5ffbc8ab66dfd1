"""Downloaded inputs are kept in the cache and reused as HTTP allows: a fixed revision's archive is
downloaded once, a branch's is revalidated (a 304 sends no body), ``max-age`` is honoured,
``no-store`` is not kept, ``--no-cache`` downloads each time, an unreachable server falls back to
the kept copy, and the kept downloads stay within their bound."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from protopact.compile import downloads

from .conftest import run, tar_bytes

ONE = {"acme/v1/a.proto": b'syntax = "proto3";\npackage acme.v1;\nmessage A {}\n'}
TWO = {**ONE, "acme/v1/b.proto": b'syntax = "proto3";\npackage acme.v1;\nmessage B {}\n'}


class _Site:
    """What the server serves: path -> (body, extra headers); and each request it answered."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, dict[str, str]]] = {}
        self.log: list[tuple[str, int]] = []


@pytest.fixture
def site() -> Iterator[tuple[_Site, str]]:
    served = _Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, headers = served.pages.get(self.path, (b"", {}))
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            status = 404 if self.path not in served.pages else (
                304 if self.headers.get("If-None-Match") == etag else 200)
            served.log.append((self.path, status))
            self.send_response(status)
            if status != 404:
                self.send_header("ETag", etag)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body) if status == 200 else 0))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def _targets(tmp_path: Path, url: str, *options: str) -> list[str]:
    result = run("build", *options, "-o", "out.json", url, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return sorted(f["name"] for f in json.loads((tmp_path / "out.json").read_text())["file"])


def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(cache))
    return cache


def test_a_branch_archive_is_revalidated_and_a_tag_archive_read_once(
        site: tuple[_Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served, base = site
    _cache(monkeypatch, tmp_path)
    served.pages["/archive/main.tar.gz"] = (tar_bytes(ONE, mode="w:gz"), {})
    served.pages["/archive/refs/tags/v1.0.tar.gz"] = (tar_bytes(TWO, mode="w:gz"), {})
    main, tag = f"{base}/archive/main.tar.gz", f"{base}/archive/refs/tags/v1.0.tar.gz"
    for _ in range(3):
        assert _targets(tmp_path, main) == ["acme/v1/a.proto"]
        assert _targets(tmp_path, tag) == ["acme/v1/a.proto", "acme/v1/b.proto"]
    assert served.log == [("/archive/main.tar.gz", 200), ("/archive/refs/tags/v1.0.tar.gz", 200),
                          ("/archive/main.tar.gz", 304), ("/archive/main.tar.gz", 304)]
    served.pages["/archive/main.tar.gz"] = (tar_bytes(TWO, mode="w:gz"), {})  # main moved on
    assert _targets(tmp_path, main) == ["acme/v1/a.proto", "acme/v1/b.proto"]
    assert served.log[-1] == ("/archive/main.tar.gz", 200)


def test_freshness_no_store_and_no_cache(site: tuple[_Site, str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    served, base = site
    _cache(monkeypatch, tmp_path)
    served.pages["/fresh.tgz"] = (tar_bytes(ONE, mode="w:gz"), {"Cache-Control": "max-age=600"})
    served.pages["/secret.tgz"] = (tar_bytes(ONE, mode="w:gz"), {"Cache-Control": "no-store"})
    for _ in range(2):
        _targets(tmp_path, f"{base}/fresh.tgz")
        _targets(tmp_path, f"{base}/secret.tgz")
    _targets(tmp_path, f"{base}/fresh.tgz", "--no-cache")
    assert served.log == [("/fresh.tgz", 200), ("/secret.tgz", 200), ("/secret.tgz", 200),
                          ("/fresh.tgz", 200)]
    kept = tmp_path / "cache" / "downloads"
    assert len(list(kept.glob("*.body"))) == 1  # fresh.tgz only


def test_an_unreachable_server_falls_back_to_the_kept_copy(
        site: tuple[_Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served, base = site
    _cache(monkeypatch, tmp_path)
    served.pages["/main.tgz"] = (tar_bytes(ONE, mode="w:gz"), {})
    assert _targets(tmp_path, f"{base}/main.tgz") == ["acme/v1/a.proto"]
    missing = run("build", f"{base}/gone.tgz", cwd=tmp_path)
    assert missing.exit_code == 1 and "HTTP 404" in missing.stderr
    # the same URL on a port nobody listens on: its kept copy is used, with a warning
    cache = tmp_path / "cache" / "downloads"
    port = base.rsplit(":", 1)[1]
    closed = base.replace(port, "9")
    key = hashlib.sha256(f"{base}/main.tgz".encode()).hexdigest()
    closed_key = hashlib.sha256(f"{closed}/main.tgz".encode()).hexdigest()
    for suffix in (".body", ".json"):
        (cache / f"{closed_key}{suffix}").write_bytes((cache / f"{key}{suffix}").read_bytes())
    result = run("build", "-o", "out.json", f"{closed}/main.tgz", cwd=tmp_path)
    assert result.exit_code == 0 and result.stderr.startswith("WARN: ") and "copy downloaded" \
        in result.stderr
    never = run("build", f"{closed}/never.tgz", cwd=tmp_path)
    assert never.exit_code == 1 and "cannot download" in never.stderr


def test_the_kept_downloads_stay_within_their_bound(
        site: tuple[_Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served, base = site
    cache = _cache(monkeypatch, tmp_path)
    archive = tar_bytes(ONE, mode="w:gz")
    monkeypatch.setattr(downloads, "LIMIT", 3 * len(archive))
    for name in "abc":
        served.pages[f"/{name}/v1.0.tgz"] = (archive, {})
        _targets(tmp_path, f"{base}/{name}/v1.0.tgz")
    _targets(tmp_path, f"{base}/a/v1.0.tgz")  # used again: b is now the least recently used
    served.pages["/d/v1.0.tgz"] = (archive, {})
    _targets(tmp_path, f"{base}/d/v1.0.tgz")
    kept = {p.stem for p in (cache / "downloads").glob("*.body")}
    assert kept == {hashlib.sha256(f"{base}/{n}/v1.0.tgz".encode()).hexdigest() for n in "acd"}
    assert [path for path, _ in served.log] == ["/a/v1.0.tgz", "/b/v1.0.tgz", "/c/v1.0.tgz",
                                                "/d/v1.0.tgz"]
