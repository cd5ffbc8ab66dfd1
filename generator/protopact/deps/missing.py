"""An import that no module or dependency serves, said as what to do about it.

protoc reports a missing import as ``NAME: File not found.`` and ``FILE:LINE:COL: Import "NAME" was
not found or had errors.``, followed by whatever no longer resolves. When a dependency of the
workspace could not be resolved, or the import belongs to a well-known module the workspace does not
declare, that becomes one line naming the module, the import and the ways to provide it.

protovalidate's ``buf/validate/validate.proto`` is always importable (protopact's building blocks
carry their rules in it), yet a module whose own files import it must list
``buf.build/bufbuild/protovalidate`` in ``deps``, as buf requires: otherwise the tree would build
with protopact and fail with buf. :func:`undeclared` refuses it in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..compile.image import Image
from ..compile.order import imports_of
from ..config.bufyaml import Workspace
from ..errors import ProtopactError
from ..schema.source import Sources
from .known import KNOWN_MODULES, known_module_for
from .library import PROTOVALIDATE
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
        return _not_listed(name, module, config)
    return None


def _not_listed(name: str, module: str, config: str) -> str:
    distribution = KNOWN_MODULES[module].distributions[0]
    return (f'import "{name}" is in {module}, which {config} does not list in deps: add it '
            f"there, then pip install {distribution}, or {PYPROJECT_REMEDY}")


_DEPENDENCY = 3  # FileDescriptorProto.dependency


def undeclared(image: Image, resolution: Resolution, workspace: Workspace,
               own: Collection[str]) -> ProtopactError | None:
    """The imports of protovalidate that ``image``'s own files make without ``deps`` listing it
    (nor a declared dependency, nor a file of the workspace (``own``), serving them), one line
    each; None when there are none."""
    prefixes = KNOWN_MODULES[PROTOVALIDATE].prefixes
    # a compiled image holds every file imported: without one of protovalidate's, no import of
    # one (far fewer names to look at than imports)
    if not any(f.name.startswith(prefixes) for f in image.files):
        return None
    wanted = [(f, i, name) for f in image.target_files() for i, name in enumerate(imports_of(f))
              if name.startswith(prefixes) and name not in own]
    if not wanted or PROTOVALIDATE in {str(d.name) for d in workspace.deps}:
        return None
    declared = [d for d in resolution.dependencies if not d.library]
    config = workspace.config_file.name if workspace.config_file else "buf.yaml"
    sources = Sources(image.files, image.encoded)
    lines = []
    for f, index, name in wanted:
        if any(name in d.contents.files for d in declared):
            continue
        span = sources[f.name].span((_DEPENDENCY, index))
        at = f"{image.shown(f.name)}:{span.start_line}:{span.start_column}" if span else \
            image.shown(f.name)
        lines.append(f"{at}: {_not_listed(name, PROTOVALIDATE, config)}")
    return ProtopactError("\n".join(lines)) if lines else None
