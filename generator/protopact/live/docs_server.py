"""``protopact docs --serve``: a directory's HTML docs over HTTP, rebuilt after every batch of edits,
and reloaded in the browser when they change.

Each build compiles through the cache and the incremental compile (only the edited files and their
dependents), then builds the docs' view model; pages are rendered when the browser asks for them
(:class:`protopact.render.docs_site.HtmlPages`), so feedback does not wait for a whole site to render.

Every page loads ``/__protopact/live-reload.js``, which listens to ``/__protopact/events`` (server-sent
events) and reloads the page when the site's version differs from the one the page was rendered at;
the version names this server process too, so a restarted server reloads its pages. A build that
fails (a file that does not compile, a broken ``buf.yaml``) shows its error, escaped, in place of
every page until the next build succeeds. The pages keep their Content-Security-Policy, which also
allows connections to the server itself; requests whose ``Host`` is not the loopback address served
are refused (a web page elsewhere cannot read the docs through DNS rebinding).

Every request needs the server's token: as ``Authorization: Bearer TOKEN``, or in the browser as the
cookie that the address ``/?token=TOKEN`` sets (and then redirects to itself without the token, so it
stays out of the history and the pages' links). A token of the server's own making is printed in that
address once, at startup, as the only way in; one given with ``--token`` is never printed.
"""

from __future__ import annotations

import asyncio
import gc
import html
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode

import click
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (HTMLResponse, PlainTextResponse, RedirectResponse, Response,
                                 StreamingResponse)
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..compile.image import Image
from ..config.settings import load_settings
from ..console import info
from ..errors import ProtopactError, report
from ..gateway.listen import bound_socket
from ..render.docs import build_site
from ..render.docs_site import HtmlPages
from .changes import Watch, watched_root

PREFIX = "/__protopact"
_SCRIPT = f"""(() => {{
  const since = new URL(document.currentScript.src).searchParams.get("v");
  const events = new EventSource("{PREFIX}/events?since=" + encodeURIComponent(since));
  events.onmessage = () => {{ events.close(); location.reload(); }};
}})();
"""
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_HEARTBEAT_S = 15.0
_LOOPBACK = ("127.0.0.1", "localhost")

class _Site:
    """The latest build: its pages or the error that stopped it, and its version."""

    def __init__(self, load_image: Callable[[], Image], templates: Path | None) -> None:
        self._load_image = load_image
        self._templates = templates
        self._boot = secrets.token_hex(4)
        self._builds = 0
        self.version = ""
        self.pages: HtmlPages | None = None
        self.error = ""
        self.stop = threading.Event()

    def script(self, version: str) -> str:
        return f"{PREFIX}/live-reload.js?v={version}"

    def _build(self, version: str) -> HtmlPages:
        image = self._load_image()
        settings = load_settings(Path.cwd())
        site = build_site(image, title=settings.name, description=settings.description)
        return HtmlPages(site, templates=self._templates, live_reload=self.script(version))

    def rebuild(self) -> None:
        self._builds += 1
        version = f"{self._boot}.{self._builds}"
        started = time.monotonic()
        try:
            pages, error = self._build(version), ""
        except ProtopactError as exc:
            pages, error = None, report(exc)
            click.echo(error, err=True)
        else:
            info(f"{time.strftime('%H:%M:%S')} docs: built ({time.monotonic() - started:.2f} s)",
                 err=True)
        # The pages first: a browser told of the new version must find them.
        self.pages, self.error, self.version = pages, error, version
        # Commands run with the cyclic collector paused (see protopact.runtime); a server runs
        # for hours, so each build's leftovers are collected here.
        gc.collect()


def serve_docs(directory: Path, load_image: Callable[[], Image], *, templates: Path | None,
               host: str, port: int, token: str | None = None) -> None:
    """Serve the docs of the image ``load_image`` compiles from ``directory`` until interrupted
    (Ctrl-C ends quietly) to the holders of ``token`` (None: one made here and printed);
    ``templates`` override the built-in ones."""
    shown = "" if token else "?token="
    token = token or secrets.token_urlsafe(24)
    site = _Site(load_image, templates)
    watch = Watch(watched_root(directory, Path.cwd()), stop=site.stop)
    sock = bound_socket(host, port, serving="the docs")
    watcher = threading.Thread(target=_rebuild_on_edits, args=(watch, site), daemon=True)
    try:
        site.rebuild()
        bound = sock.getsockname()[1]
        # The port in the cookie's name: cookies are shared by every port of a host.
        app = _app(site, host, token, cookie=f"protopact_docs_{bound}")
        server = _Server(uvicorn.Config(app, log_level="warning", access_log=False), site.stop)
        watcher.start()
        address = f"http://{'[' + host + ']' if ':' in host else host}:{bound}/"
        info(f"docs on {address}{shown + token if shown else ''} "
             f"(rebuilt after edits under {watch.root}; Ctrl-C ends)", err=True)
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        site.stop.set()
        if watcher.is_alive():
            watcher.join()
        watch.close()
        sock.close()


class _Server(uvicorn.Server):
    """uvicorn's server; its exit also ends the event streams, which would hold it open."""

    def __init__(self, config: uvicorn.Config, stop: threading.Event) -> None:
        super().__init__(config)
        self._stop = stop

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._stop.set()
        super().handle_exit(sig, frame)


def _rebuild_on_edits(watch: Watch, site: _Site) -> None:
    for edited in watch:
        info(f"edited: {', '.join(edited[:5])}{' ...' if len(edited) > 5 else ''}", err=True)
        site.rebuild()


def _app(site: _Site, host: str, token: str, cookie: str) -> Starlette:
    def page(request: Request) -> Response:
        name = request.path_params["name"] or "index.html"
        if site.pages is None:
            if not name.endswith(".html"):
                return PlainTextResponse("not found", 404, headers=_HEADERS)
            return HTMLResponse(_error_page(site.error, site.script(site.version)), 500,
                                headers=_HEADERS)
        data = site.pages.get(name)
        if data is None:
            return PlainTextResponse("not found", 404, headers=_HEADERS)
        return Response(data, headers=_HEADERS, media_type=_TYPES[Path(name).suffix])

    def script(_request: Request) -> Response:
        return Response(_SCRIPT, headers=_HEADERS, media_type=_TYPES[".js"])

    async def events(request: Request) -> Response:
        since = request.query_params.get("since", "")
        return StreamingResponse(_changes(site, since), media_type="text/event-stream",
                                 headers=_HEADERS)

    routes = [Route(f"{PREFIX}/live-reload.js", script), Route(f"{PREFIX}/events", events),
              Route("/{name:path}", page)]
    middleware = ([Middleware(TrustedHostMiddleware, allowed_hosts=list(_LOOPBACK))]
                  if host in _LOOPBACK else [])
    middleware.append(Middleware(_Authorized, token=token, cookie=cookie))
    return Starlette(routes=routes, middleware=middleware)


class _Authorized:
    """Lets through the requests that carry the token (as a bearer token or the cookie); answers
    ``?token=`` with the cookie and a redirect, and everything else with 401."""

    def __init__(self, app: ASGIApp, token: str, cookie: str) -> None:
        self._app, self._token, self._cookie = app, token, cookie

    def _holds(self, offered: str | None) -> bool:
        return offered is not None and secrets.compare_digest(offered.encode(), self._token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if self._holds(request.cookies.get(self._cookie)) or (
                scheme.lower() == "bearer" and self._holds(bearer.strip())):
            await self._app(scope, receive, send)
            return
        if self._holds(request.query_params.get("token")):
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response: Response = RedirectResponse(request.url.path + (f"?{query}" if query else ""),
                                                  303, headers=_HEADERS)
            response.set_cookie(self._cookie, self._token, httponly=True, samesite="strict")
        else:
            response = PlainTextResponse(
                "a token is needed: open the address protopact docs --serve printed, or send "
                "Authorization: Bearer TOKEN", 401, headers={**_HEADERS, "WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)


async def _changes(site: _Site, since: str) -> AsyncIterator[str]:
    """One event once the site's version is not ``since``, with a comment now and then meanwhile
    (a closed browser tab is noticed when writing to it)."""
    yield "retry: 1000\n\n"
    quiet = 0.0
    while not site.stop.is_set():
        if site.version != since:
            yield f"data: {site.version}\n\n"
            return
        await asyncio.sleep(0.1)
        quiet += 0.1
        if quiet >= _HEARTBEAT_S:
            quiet = 0.0
            yield ": still here\n\n"


def _error_page(error: str, script: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; "
        "form-action 'none'\">\n<title>Docs not built</title>\n</head>\n<body>\n"
        "<h1>The docs could not be built</h1>\n"
        f"<pre id=\"error\">{html.escape(error)}</pre>\n"
        "<p>This page reloads when the next edit builds.</p>\n"
        f'<script src="{html.escape(script)}"></script>\n</body>\n</html>\n')
