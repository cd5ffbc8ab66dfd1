"""Downloaded inputs (``https://…/api.tar.gz``, ``https://…/image.binpb``) kept in the cache.

Each URL's last response is kept under ``downloads/`` in the cache directory, with what HTTP says
about it, and is reused as a demanding user expects:

- a URL that names a fixed revision (a 40-digit commit id, ``/refs/tags/``, or a last element that
  is a version such as ``v1.4.0.tar.gz``) is downloaded once and then read from the cache;
- otherwise a response is reused while it is fresh (``Cache-Control: max-age``, ``Expires``;
  ``immutable`` for ever), then revalidated with ``If-None-Match`` / ``If-Modified-Since``: a
  ``304 Not Modified`` costs no body; a response without any of these is downloaded each time;
- ``Cache-Control: no-store`` is never kept; a server that cannot be reached falls back to the
  kept copy, with a warning.

The directory is bounded: after a download, the least recently used responses are removed until
the rest fit in :data:`LIMIT` bytes. Entries are written to a temporary file and renamed into place.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import click

from ..errors import ProtopactError, redacted
from .recency import beyond, used

LIMIT = 512 * 2**20  # bytes kept, all downloads together
_TIMEOUT = 60  # seconds
# a URL path naming a fixed revision: a commit id, a tag ref, or an element that is a version
_FIXED = re.compile(r"/[0-9a-f]{40}(/|\.|$)|/refs/tags/|/v?\d+(\.\d+)+(/|[^/]*$)")


class _Unreachable(ProtopactError):
    """The server could not be asked (no answer, no route, a refused connection)."""


def fetched(url: str, label: str, cache_dir: Path | None) -> bytes:
    """The body at ``url`` (``http://``, ``https://``), from the cache when HTTP allows."""
    if cache_dir is None:
        return _request(url, label, {})[1]
    directory = cache_dir / "downloads"
    key = hashlib.sha256(url.encode()).hexdigest()
    body_path, meta = directory / f"{key}.body", _read_meta(directory / f"{key}.json")
    if meta is not None and _fresh(url, meta):
        return _used(body_path)
    headers = {}
    if meta is not None and meta.get("etag"):
        headers["If-None-Match"] = str(meta["etag"])
    if meta is not None and meta.get("last_modified"):
        headers["If-Modified-Since"] = str(meta["last_modified"])
    try:
        status, body, response = _request(url, label, headers)
    except _Unreachable as exc:
        if meta is None:
            raise
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(meta["at"])))
        click.echo(f"WARN: {exc}; using the copy downloaded {when}", err=True)
        return _used(body_path)
    if status == 304 and meta is not None:
        body = _used(body_path)
        _store(directory, key, url, None, _kept(response, meta))
    elif "no-store" not in _directives(response):
        _store(directory, key, url, body, _kept(response, {}))
        _bound(directory, LIMIT)
    return body


def _request(url: str, label: str, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    import urllib.error  # only inputs from a URL need it: kept off every build's imports
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=_TIMEOUT) as response:
            return response.status, response.read(), _lower(response.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", _lower(exc.headers)
        raise ProtopactError(f"{label}: cannot download {redacted(url)}: HTTP {exc.code} "
                             f"{exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise _Unreachable(f"{label}: cannot download {redacted(url)}: {reason}") from None


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers is not None else {}


def _directives(response: dict[str, str]) -> dict[str, str]:
    """``Cache-Control``'s directives, by name (a value or "")."""
    found = {}
    for part in response.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip('"')
    return found


def _kept(response: dict[str, str], previous: dict[str, object]) -> dict[str, object]:
    """What to keep of a response (a 304 updates what was kept): its validators and for how many
    seconds it stays fresh (None: revalidated each time)."""
    directives = _directives(response)
    fresh_for = previous.get("fresh_for")
    if "immutable" in directives:
        fresh_for = float("inf")
    elif "no-cache" in directives:
        fresh_for = None
    elif directives.get("max-age", "").isdigit():
        fresh_for = int(directives["max-age"])
    elif "expires" in response:
        fresh_for = _until(response["expires"])
    return {"etag": response.get("etag", previous.get("etag", "")),
            "last_modified": response.get("last-modified", previous.get("last_modified", "")),
            "fresh_for": fresh_for, "at": time.time()}


def _until(expires: str) -> float | None:
    try:
        return email.utils.parsedate_to_datetime(expires).timestamp() - time.time()
    except (TypeError, ValueError):
        return None  # an invalid date means already expired


def _fresh(url: str, meta: dict[str, object]) -> bool:
    if _FIXED.search(urlsplit(url).path):
        return True
    fresh_for, at = meta.get("fresh_for"), meta.get("at")
    if not isinstance(fresh_for, (int, float)) or not isinstance(at, (int, float)):
        return False
    return time.time() - at < fresh_for


def _read_meta(path: Path) -> dict[str, object] | None:
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    body = path.with_suffix(".body")
    return found if isinstance(found, dict) and body.is_file() else None


def _used(body: Path) -> bytes:
    """The kept body, marked as just used (what eviction goes by)."""
    data = body.read_bytes()
    used(body)
    return data


def _store(directory: Path, key: str, url: str, body: bytes | None,
           meta: dict[str, object]) -> None:
    """Keep ``body`` (None: the kept one stays) and what is known of it."""
    if body is not None and len(body) > LIMIT:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if body is not None:
            _replace(directory / f"{key}.body", body)
        _replace(directory / f"{key}.json",
                 json.dumps({**meta, "url": redacted(url)}, sort_keys=True).encode())
    except OSError:
        pass  # a cache that cannot be written only costs a download


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bound(directory: Path, limit: int) -> None:
    """Remove the least recently used responses until the rest fit in ``limit`` bytes."""
    for body in beyond(directory.glob("*.body"), limit):
        body.unlink(missing_ok=True)
        body.with_suffix(".json").unlink(missing_ok=True)
