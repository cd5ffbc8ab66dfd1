"""Resolving a workspace's ``deps`` offline, without the Buf Schema Registry.

Each declared module (``buf.yaml`` ``deps``, every module's in a ``buf.work.yaml`` workspace) and
each module ``buf.lock`` pins besides (the dependencies of dependencies) comes from where
``[tool.protopact.deps]`` of ``pyproject.toml`` maps it (:mod:`.local`, :mod:`.fetched`), else from
buf's module cache at the pinned commit and digest (:mod:`.bufcache`), else from an installed Python
distribution (:mod:`.known` names the ones that carry well-known modules). protopact's libraries (:mod:`.library`)
follow them. Nothing here reads a file a dependency serves: that happens when protoc needs them
(:attr:`Dependency.contents`), and a cached module's digest is verified then.
"""

from __future__ import annotations

from pathlib import Path

from ..config.buflock import DepRef, LockedDep
from ..config.bufyaml import Workspace
from ..config.depsources import DepSource, load_dep_sources
from .bufcache import buf_cache_dir, cached_dependency
from .distributions import distribution_dependency
from .known import KNOWN_MODULES
from .library import library_dependencies
from .local import directory_dependency, package_dependency
from .model import Dependency, Resolution, Unresolved

PYPROJECT_REMEDY = "map it in [tool.protopact.deps] of pyproject.toml"
BUF_CACHE_REMEDY = "run `buf build` once where the registry is reachable (buf's cache then serves it)"


_LOCAL = {"path": directory_dependency, "package": package_dependency}


def resolve(workspace: Workspace, project: Path | None = None) -> Resolution:
    """``project``: the directory whose ``pyproject.toml`` may map modules to sources (the same for
    an input and its baseline: it says where modules are, their ``buf.yaml`` which)."""
    configured = load_dep_sources(project) if project is not None else {}
    pins = {pin.name: pin for pin in workspace.locked}
    names = {ref.name for ref in workspace.deps}
    # a module only buf.lock names is a dependency's dependency: served when found, never required
    locked_only = [DepRef(name) for name in pins if name not in names]
    cache_dir = buf_cache_dir()
    declared: list[Dependency] = []
    unresolved: list[Unresolved] = []
    for ref in (*workspace.deps, *locked_only):
        found = (_from_config(configured.get(ref.name))
                 or _from_buf_cache(pins.get(ref.name), cache_dir) or _from_distributions(ref))
        if found is not None:
            declared.append(found)
        elif ref.name in names:
            unresolved.append(_unresolved(ref))
    served = {d.module for d in declared}
    library = [d for d in library_dependencies() if d.module not in served]
    return Resolution((*declared, *library), tuple(unresolved))


def _from_config(source: DepSource | None) -> Dependency | None:
    if source is None:
        return None
    if source.kind in _LOCAL:
        return _LOCAL[source.kind](source)
    # imported here: only a git or an archive source needs it, and with git and the archive
    # readers it took about 10 ms to import on every run
    from .fetched import archive_dependency, git_dependency

    return (git_dependency if source.kind == "git" else archive_dependency)(source)


def _from_buf_cache(pin: LockedDep | None, cache_dir: Path) -> Dependency | None:
    return None if pin is None else cached_dependency(pin, cache_dir)


def _from_distributions(ref: DepRef) -> Dependency | None:
    known = KNOWN_MODULES.get(ref.name)
    if known is None:
        return None
    for name in known.distributions:
        found = distribution_dependency(ref.name, name, data_prefix=known.data_prefix)
        if found is not None:
            return found
    return None


def _unresolved(ref: DepRef) -> Unresolved:
    known = KNOWN_MODULES.get(ref.name)
    if known is None:
        return Unresolved(ref, f"{PYPROJECT_REMEDY}, or {BUF_CACHE_REMEDY}")
    return Unresolved(ref, f"pip install {known.distributions[0]}, or {PYPROJECT_REMEDY}",
                      known.prefixes)
