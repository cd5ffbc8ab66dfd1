"""``protopact generate --template``: load the template and its inputs, render, check or write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..compile.inputs import Input
from ..console import info
from ..errors import ProtopactError
from .managed import apply as apply_managed
from .runner import guard_clean, pruned_to, render, stale, write
from .template import TemplateInput, load_template


def run_template(path: Path, input_: str | None, *, project: Path, check: bool,
                 load: Callable[[str], Input], echo: Callable[..., None]) -> None:
    """Run the template at ``path`` over ``input_`` (else its v2 ``inputs``, else the project)."""
    template = load_template(path, project=project)
    inputs = ((TemplateInput(input_),) if input_ is not None
              else template.inputs or (TemplateInput("."),))
    guard_clean(template, [i.text for i in inputs], project=project)
    files: dict[Path, bytes] = {}
    for entry in inputs:
        loaded = load(entry.text)
        if entry.paths or entry.exclude_paths:
            loaded = loaded.restricted(entry.paths, entry.exclude_paths)
        image = pruned_to(loaded.image, entry.types or template.types, entry.exclude_types)
        if template.managed is not None:
            modules = {file: m.name for file, m in loaded.module_of.items() if m.name}
            image = apply_managed(image, template.managed, modules)
        files.update(render(template, image))
    if check:
        changed = stale(template, files, project=project)
        for name in changed:
            why = "out of date" if name in files else "not generated (clean: true removes it)"
            echo(f"{name.as_posix()}: {why}", err=True)
        if changed:
            raise ProtopactError(f"{len(changed)} generated files differ; run `protopact generate`")
        return
    write(template, files, project=project)
    info(f"{path.name}: {len(files)} files written by {len(template.plugins)} plugins")
