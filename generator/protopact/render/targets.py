"""The renderer registry: one entry per output target of ``protopact generate``.

A renderer is a pure function ``(Image, Settings) -> {relative path: bytes}``; its outputs land in its
own subdirectory of ``--out``. Renderers register themselves with :func:`renderer` when their module is
imported; :data:`_RENDERER_MODULES` lists the modules to import. :func:`render_all` runs every
renderer and returns one mapping for the whole output tree, sorted by path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..compile.image import Image
from ..config.settings import Settings

RenderFunction = Callable[[Image, Settings], Mapping[str, bytes]]

# Each module registers its renderers with @renderer when imported.
_RENDERER_MODULES = ("protopact.render.docs_site", "protopact.render.openapi", "protopact.render.python")


@dataclass(frozen=True)
class Renderer:
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


def renderers() -> tuple[Renderer, ...]:
    for module in _RENDERER_MODULES:
        importlib.import_module(module)
    return tuple(_REGISTRY[name] for name in sorted(_REGISTRY))


def render_all(image: Image, settings: Settings) -> dict[str, bytes]:
    """Every registered renderer's output, keyed by path relative to ``--out``."""
    files: dict[str, bytes] = {}
    for entry in renderers():
        for path, data in entry.render(image, settings).items():
            files[f"{entry.subdirectory}/{path}" if entry.subdirectory else path] = data
    return dict(sorted(files.items()))
