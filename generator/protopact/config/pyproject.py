"""The ``[tool.protopact]`` table of a project's ``pyproject.toml``, read for the settings
(:mod:`.settings`) and for where dependencies come from (:mod:`.depsources`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ProtopactError


def protopact_table(project: Path) -> dict[str, Any] | None:
    """The table, or None when the file or the table is missing."""
    path = project / "pyproject.toml"
    if not path.is_file():
        return None
    import tomllib  # imported here: most trees have no pyproject.toml, and it costs 3 ms to import

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProtopactError(f"pyproject.toml: invalid TOML: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("protopact") if isinstance(tool, dict) else tool
    if table is not None and not isinstance(table, dict):
        raise ProtopactError("pyproject.toml: [tool.protopact] must be a table")
    return table
