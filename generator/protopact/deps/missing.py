"""An import that no module or dependency serves, said as what to do about it.

protoc reports a missing import as ``NAME: File not found.`` and ``FILE:LINE:COL: Import "NAME" was
not found or had errors.``, followed by whatever no longer resolves. When a dependency of the
workspace could not be resolved, or the import belongs to a well-known module the workspace does not
declare, that becomes one line naming the module, the import and the ways to provide it.
"""

from __future__ import annotations

import re

from ..config.bufyaml import Workspace
from ..errors import ProtopactError
from .known import KNOWN_MODULES, known_module_for
from .model import Resolution, Unresolved
from .resolver import PYPROJECT_REMEDY

_IMPORT = re.compile(r'^(?P<at>.+?:\d+:\d+): Import "(?P<name>[^"]+)" was not found or had errors\.$')
_NOT_FOUND = ": File not found."


def explained(error: ProtopactError, resolution: Resolution, workspace: Workspace
              ) -> ProtopactError:
    """``error`` with its missing imports explained, or ``error`` itself when none can be."""
    lines = error.message.splitlines()
    missing = {line.removesuffix(_NOT_FOUND) for line in lines if line.endswith(_NOT_FOUND)}
    explanations = []
    for line in lines:
        found = _IMPORT.match(line)
        if found is not None and found["name"] in missing:
            why = _why(found["name"], resolution, workspace)
            if why is not None:
                explanations.append(f"{found['at']}: {why}")
    if not explanations:
        return error
    return ProtopactError("\n".join(dict.fromkeys(explanations)))


def _why(name: str, resolution: Resolution, workspace: Workspace) -> str | None:
    config = workspace.config_file.name if workspace.config_file else "buf.yaml"
    matching = [u for u in resolution.unresolved if name.startswith(u.prefixes or ("",))]
    specific = [u for u in matching if u.prefixes]
    candidates: list[Unresolved] = specific or matching
    if candidates:
        names = ", ".join(str(u.dep) for u in candidates)
        remedies = "; ".join(dict.fromkeys(u.remedy for u in candidates))
        return (f'{names} (in {config} deps) is not available for import "{name}": {remedies}')
    module = known_module_for(name)
    if module is not None and module not in {str(d.name) for d in workspace.deps}:
        distribution = KNOWN_MODULES[module].distributions[0]
        return (f'import "{name}" is in {module}, which {config} does not list in deps: add it '
                f"there, then pip install {distribution}, or {PYPROJECT_REMEDY}")
    return None
