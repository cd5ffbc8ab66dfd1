"""Resolving a workspace's ``deps`` offline, without the Buf Schema Registry.

Each declared module (``buf.yaml`` ``deps``, every module's in a ``buf.work.yaml`` workspace) is
looked for in installed Python distributions (:mod:`.known` names the ones that carry well-known
modules). protopact's libraries (:mod:`.library`) follow the declared dependencies. Nothing here
reads a file a dependency serves: that happens when protoc needs them (:attr:`Dependency.contents`).
"""

from __future__ import annotations

from ..config.buflock import DepRef
from ..config.bufyaml import Workspace
from .distributions import distribution_dependency
from .known import KNOWN_MODULES
from .library import library_dependencies
from .model import Dependency, Resolution, Unresolved

PYPROJECT_REMEDY = "map it in [tool.protopact.deps] of pyproject.toml"


def resolve(workspace: Workspace) -> Resolution:
    declared: list[Dependency] = []
    unresolved: list[Unresolved] = []
    for ref in workspace.deps:
        found = _from_distributions(ref)
        if found is not None:
            declared.append(found)
        else:
            unresolved.append(_unresolved(ref))
    served = {d.module for d in declared}
    library = [d for d in library_dependencies() if d.module not in served]
    return Resolution((*declared, *library), tuple(unresolved))


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
        return Unresolved(ref, PYPROJECT_REMEDY)
    return Unresolved(ref, f"pip install {known.distributions[0]}, or {PYPROJECT_REMEDY}",
                      known.prefixes)
