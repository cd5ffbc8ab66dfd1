"""The renderer registry: one entry per output target of ``protopact generate``.

A renderer is a pure function ``(Image, Settings) -> {relative path: bytes}``; its outputs land in its
own subdirectory of ``--out``. Renderers register themselves with :func:`renderer` when their module is
imported; :data:`_RENDERER_MODULES` names the module of each target, so that the target names are
known (for ``--target``) without importing any. :func:`render_all` runs the renderers asked for and
returns one mapping for their part of the output tree, sorted by path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from ..console import tracked

if TYPE_CHECKING:  # importing the settings costs a command that renders nothing a fifth of a second
    from ..compile.image import Image
    from ..config.settings import Settings

RenderFunction = Callable[["Image", "Settings"], Mapping[str, bytes]]

# Each module registers its renderer with @renderer when imported.
_RENDERER_MODULES = {"docs": "protopact.render.docs_site", "openapi": "protopact.render.openapi",
                     "python": "protopact.render.python"}
TARGETS = tuple(sorted(_RENDERER_MODULES))


class Renderer(NamedTuple):
    name: str
    subdirectory: str  # under --out
    render: RenderFunction


_REGISTRY: dict[str, Renderer] = {}


def renderer(name: str, *, subdirectory: str) -> Callable[[RenderFunction], RenderFunction]:
    """Register the decorated function as the renderer ``name``, writing under ``subdirectory``."""

    def register(function: RenderFunction) -> RenderFunction:
        _REGISTRY[name] = Renderer(name, subdirectory.strip("/"), function)
        return function

    return register


def renderers(names: Iterable[str] = TARGETS) -> tuple[Renderer, ...]:
    """The renderers of the targets ``names`` (default: all), in name order."""
    chosen = sorted(set(names))
    for name in chosen:
        importlib.import_module(_RENDERER_MODULES[name])
    return tuple(_REGISTRY[name] for name in chosen)


def render_all(image: Image, settings: Settings, targets: Iterable[str] = TARGETS, *,
               progress: bool = False) -> dict[str, bytes]:
    """The output of the renderers of ``targets`` (default: all), keyed by path relative to
    ``--out``; ``progress`` draws a progress bar on a terminal."""
    files: dict[str, bytes] = {}
    chosen = renderers(targets)
    for entry in tracked(chosen, "Rendering") if progress else chosen:
        for path, data in entry.render(image, settings).items():
            files[f"{entry.subdirectory}/{path}" if entry.subdirectory else path] = data
    return dict(sorted(files.items()))
