"""``protopact generate --template``: load the template and its inputs, render, check or write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..compile.image import Image
from ..console import info
from ..errors import ProtopactError
from .runner import guard_clean, render, stale, write
from .template import load_template


def run_template(path: Path, input_: str | None, *, project: Path, check: bool,
                 load: Callable[[str], Image], echo: Callable[..., None]) -> None:
    """Run the template at ``path`` over ``input_`` (else its v2 ``inputs``, else the project)."""
    template = load_template(path, project=project)
    inputs = (input_,) if input_ is not None else template.inputs or (".",)
    guard_clean(template, inputs, project=project)
    files: dict[Path, bytes] = {}
    for text in inputs:
        files.update(render(template, load(text)))
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
