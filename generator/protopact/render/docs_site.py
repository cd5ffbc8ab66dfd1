"""Rendering the docs view model: Markdown pages, a static HTML site and ``docs.json``.

Output (relative to the docs directory): ``docs.json``; ``markdown/index.md`` and one
``markdown/<package>.md`` per package; the same pages as ``html/*.html`` plus ``html/search-index.js``.
Pages come from the Jinja2 templates in ``templates/docs/`` (``StrictUndefined``; HTML templates are
autoescaped), and a user's ``--templates DIR`` overrides any of them by relative path.

HTML safety: every value from a ``.proto`` is escaped by autoescape; comments, which are Markdown, go
through markdown-it with raw HTML disabled and then through nh3 (ammonia), which keeps an allow-list of
tags and only http(s)/mailto and relative links. Pages carry a Content-Security-Policy that allows
only their own inline script (by hash) and the search index beside them, and nothing from the network.
The site works from ``file://``: the search index is a script file, not a fetched resource.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..compile.image import Image
from ..config.settings import Settings
from ..errors import ProtopactError
from ..forked import beside, worth_forking
from ..paths import templates_root
from .docs import Comment, Package, Site, build_site, site_json
from .targets import renderer

SEARCH_INDEX = "search-index.js"
_FORMATS = (("markdown", "md"), ("html", "html"))
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {"a", "p", "br", "code", "pre", "em", "strong", "ul", "ol", "li", "blockquote", "h1", "h2",
         "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"}
_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=65536)
def comment_html(text: str) -> Markup:
    """A comment's Markdown as sanitised HTML (the ``markdown`` filter)."""
    if _is_plain(text):
        return Markup(plain_html(text))
    html = _MARKDOWN.render(text)
    return Markup(nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes=_URL_SCHEMES))


# Most comments are plain prose, perhaps with `code` or googleapis' `[Name][pkg.Name]` references
# (literal text: with no `](` and no `]:` definition, brackets make no link). Without the characters below (outside code
# spans) and without a line that could open a block (list, heading, quote, table, code block),
# Markdown only makes paragraphs and code spans of them: rendering is the hot path on large trees.
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_MARKUP = re.compile(r"[\\`*<&]|\]\(|\]:|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])| {2}$"
                     r"|^(\s*([-+#>|=]|\d+[.)])| {4}|\t)", re.MULTILINE)


def _is_plain(text: str) -> bool:
    spans = _CODE_SPAN.findall(text)
    if any(span != span.strip() for span in spans):
        return False  # Markdown trims a space from each end of such spans: leave it to markdown-it
    return _MARKUP.search(_CODE_SPAN.sub("x", text)) is None


def plain_html(text: str) -> str:
    """What markdown-it then nh3 make of plain prose (:func:`_is_plain`), produced directly."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + _plain_inline("\n".join(line.strip() for line in p.split("\n")))
                   + "</p>\n" for p in paragraphs)


def _plain_inline(text: str) -> str:
    parts = _CODE_SPAN.split(text)
    # re.split alternates text and the code spans' contents.
    return "".join(part.replace(">", "&gt;") if i % 2 == 0 else
                   "<code>" + part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                   + "</code>" for i, part in enumerate(parts))


def markdown_cell(text: str) -> str:
    """Text made safe for one Markdown table cell (the ``md_cell`` filter)."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_code(text: str, in_cell: bool = True) -> str:
    """``text`` as one Markdown code span, whatever backticks it holds (the ``md_code`` filter);
    ``in_cell``: its pipes escaped, as a table cell needs (a paragraph would show the escapes)."""
    text = markdown_cell(text) if in_cell else " ".join(text.split())
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_source(text: str) -> str:
    """A comment's Markdown with raw HTML and script links made inert (the ``md_text`` filter).

    The output is read by renderers we do not control, some of which keep raw HTML and any link, so
    ``<tag`` outside code is written as an entity and a link destination with a scheme other than
    http(s)/mailto gets a leading ``#`` (a harmless fragment). Which lines are code is decided by a
    CommonMark parser, not by guessing: a guess that disagrees with the reader's renderer is a hole.
    """
    if "<" not in text and "](" not in text and "]:" not in text:
        return text
    code_lines: set[int] = set()
    if "<" in text:
        for token in _BLOCKS.parse(text):
            if token.type in ("fence", "code_block") and token.map:
                code_lines.update(range(*token.map))
    lines = text.split("\n")
    out = [line if i in code_lines else _escape_tags(line) for i, line in enumerate(lines)]
    # Destinations are checked everywhere, code included: a link may span lines, and a scheme
    # that is not http(s)/mailto has no business in a comment's code either.
    return _LINK_START.sub(_defuse_link, "\n".join(out))


# Only block structure is needed to tell code lines from text.
_BLOCKS = MarkdownIt("commonmark", {"html": False}).disable(
    ["text", "linkify", "newline", "escape", "backticks", "strikethrough", "emphasis", "link",
     "image", "autolink", "html_inline", "entity", "balance_pairs", "fragments_join", "inline"],
    ignoreInvalid=True)
# A code span as CommonMark sees it: a backtick run (not escaped, not part of a longer run) closed
# by a run of the same length.
_INLINE_CODE = re.compile(r"((?<![`\\])(`+)(?!`).+?(?<!`)\2(?!`))")
_LINK_START = re.compile(r"\]\(\s*<?|^ {0,3}\[[^\]]+\]:\s*<?", re.MULTILINE)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]|\\(?=[!-/:-@\[-`{-~])")


def _escape_tags(line: str) -> str:
    parts = _INLINE_CODE.split(line)
    # re.split yields [text, span, backticks, text, ...]: every third item is plain text.
    return "".join(re.sub(r"<(?=[A-Za-z/!?])", "&lt;", p) if i % 3 == 0 else p
                   for i, p in enumerate(parts) if i % 3 != 2)


def _defuse_link(match: re.Match[str]) -> str:
    # Browsers drop tabs and newlines in URLs, Markdown decodes entities and backslash escapes:
    # the scheme is judged as the browser will finally see it.
    probe = _INVISIBLE.sub("", html.unescape(match.string[match.end():match.end() + 80]))
    scheme = _SCHEME.match(probe)
    if scheme and scheme.group(1).lower() not in _URL_SCHEMES:
        return match.group(0) + "#"
    return match.group(0)


def environment(templates: Path | None = None) -> Environment:
    """The docs Environment: user templates first, then the built-in ones."""
    loaders = [FileSystemLoader(str(templates))] if templates is not None else []
    loaders.append(FileSystemLoader(str(templates_root() / "docs")))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                      autoescape=lambda name: (name or "").endswith(".html.j2"),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["markdown"] = comment_html
    env.filters["md_cell"] = markdown_cell
    env.filters["md_code"] = markdown_code
    env.filters["md_text"] = markdown_source
    return env


def search_entries(site: Site) -> list[dict[str, str]]:
    """One entry per package, service, method, message and enum: what the search box looks at."""
    entries = []

    def add(kind: str, name: str, page: str, anchor: str, comment: Comment) -> None:
        text = " ".join(" ".join((*comment.detached, comment.leading, comment.trailing)).split())
        entries.append({"kind": kind, "name": name, "page": page, "anchor": anchor, "text": text})

    for package in site.packages:
        add("package", package.name, package.page, "", package.comment)
        for service in package.services:
            add("service", service.full_name, package.page, service.anchor, service.comment)
            for method in service.methods:
                add("method", method.full_name, package.page, method.anchor, method.comment)
        for message in package.messages:
            add("message", message.full_name, package.page, message.anchor, message.comment)
        for enum in package.enums:
            add("enum", enum.full_name, package.page, enum.anchor, enum.comment)
    return entries


def render_site(site: Site, *, templates: Path | None = None, jobs: int | None = None) -> dict[str, bytes]:
    """Every docs file, by path relative to the docs directory.

    With ``jobs`` > 1 (by default on a large tree, where fork is worth it, see :mod:`.forked`) the
    HTML pages are rendered in a forked process while this one writes the rest; the output is the
    same.
    """
    env = environment(templates)
    context = _context(env, site, live_reload=None)
    files: dict[str, bytes] = {}
    fork = jobs > 1 if jobs is not None else worth_forking(
        sum(len(p.messages) for p in site.packages), _PARALLEL_MESSAGES)
    if fork:
        theirs, ours = _split_html(site.packages)
        with beside(lambda: _render_format(env, context, site, "html", "html", theirs, index=False),
                    fork=True) as their_html:
            files["docs.json"] = site_json(site)
            files.update(_render_format(env, context, site, "markdown", "md"))
            mine = _render_format(env, context, site, "html", "html", ours)
            files.update(their_html())
            files.update(mine)
    else:
        files["docs.json"] = site_json(site)
        for folder, ext in _FORMATS:
            files.update(_render_format(env, context, site, folder, ext))
    files[f"html/{SEARCH_INDEX}"] = _search_index(site)
    return files


def _context(env: Environment, site: Site, *, live_reload: str | None) -> dict[str, Any]:
    search_js = _script_source(env, "html/search.js")
    return {
        "site": site,
        "search_index": SEARCH_INDEX,
        "search_script": Markup(search_js),
        "script_hash": "sha256-" + base64.b64encode(hashlib.sha256(search_js.encode()).digest())
        .decode(),
        "live_reload": live_reload,
    }


def _search_index(site: Site) -> bytes:
    # ensure_ascii keeps U+2028/U+2029 escaped, so the JSON is also a valid JavaScript literal.
    index_json = json.dumps(search_entries(site), separators=(",", ":"), sort_keys=True)
    return f"window.protopactSearchIndex = {index_json};\n".encode()


class HtmlPages:
    """The HTML site's files (``index.html``, one page per package, the search index), each
    rendered when first asked for: a server shows the page being read without rendering the rest.

    ``live_reload`` is the address of a script every page loads (and may connect back to its
    origin), which reloads the page when the site changes.
    """

    def __init__(self, site: Site, *, templates: Path | None = None,
                 live_reload: str | None = None) -> None:
        self._env = environment(templates)
        self._context = _context(self._env, site, live_reload=live_reload)
        self._site = site
        self._packages = {f"{p.page}.html": p for p in site.packages}
        self._rendered: dict[str, bytes] = {}

    def get(self, name: str) -> bytes | None:
        """The file at ``name`` (relative to the site), None when there is none."""
        if name not in self._rendered:
            if name == SEARCH_INDEX:
                self._rendered[name] = _search_index(self._site)
            elif name == "index.html":
                self._rendered[name] = self._html((), index=True)[f"html/{name}"]
            elif name in self._packages:
                self._rendered[name] = self._html((self._packages[name],), index=False)[f"html/{name}"]
            else:
                return None
        return self._rendered[name]

    def _html(self, packages: tuple[Package, ...], *, index: bool) -> dict[str, bytes]:
        return _render_format(self._env, self._context, self._site, "html", "html", packages,
                              index=index)


# Below this many messages a worker costs more than it saves.
_PARALLEL_MESSAGES = 5000


# The worker's share of the HTML pages: HTML takes about as long as docs.json, Markdown and
# the search index together, which this process does meanwhile.
_WORKER_HTML_SHARE = 0.87


def _split_html(packages: tuple[Package, ...]) -> tuple[tuple[Package, ...], tuple[Package, ...]]:
    weights = [1 + sum(1 + len(m.fields) for m in p.messages) for p in packages]
    total, running, cut = sum(weights), 0, len(packages)
    for i, weight in enumerate(weights):
        if running + weight > total * _WORKER_HTML_SHARE:
            cut = i
            break
        running += weight
    return packages[:cut], packages[cut:]



def _render_format(env: Environment, context: dict[str, Any], site: Site, folder: str,
                   ext: str, packages: tuple[Package, ...] | None = None, *,
                   index: bool = True) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        if index:
            front = env.get_template(f"{folder}/index.{ext}.j2")
            files[f"{folder}/index.{ext}"] = _tidy(front.render(context, package=None),
                                                   folder).encode()
        page = env.get_template(f"{folder}/package.{ext}.j2")
        for package in site.packages if packages is None else packages:
            text = page.render(context, package=package)
            files[f"{folder}/{package.page}.{ext}"] = _tidy(text, folder).encode()
    except TemplateError as exc:
        # Syntax errors know where they are; undefined values only say what is missing.
        line = getattr(exc, "lineno", None)
        where = f"{getattr(exc, 'filename', '')}:{line}: " if line else ""
        raise ProtopactError(f"docs templates: {where}{exc.message}") from None
    return files


def _tidy(text: str, folder: str) -> str:
    # Templates stay readable when they may leave runs of blank lines; Markdown gives them no meaning.
    return re.sub(r"\n{3,}", "\n\n", text) if folder == "markdown" else text


def _script_source(env: Environment, name: str) -> str:
    loader = env.loader
    assert loader is not None
    source, _, _ = loader.get_source(env, name)
    return source.strip()


def render_docs(image: Image, *, title: str, description: str = "", templates: Path | None = None,
                conventions: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, bytes]:
    """The docs of ``image``'s target files (``conventions`` as ``[tool.protopact.conventions]``)."""
    site = build_site(image, title=title, description=description, conventions=conventions)
    return render_site(site, templates=templates)


@renderer("docs", subdirectory="docs")
def docs_target(image: Image, settings: Settings) -> Mapping[str, bytes]:
    return render_docs(image, title=settings.name, description=settings.description,
                       conventions=settings.conventions)
