"""Plugin parameters → :class:`~protopact.config.settings.Settings`.

A parameter is what protoc passes as ``--NAME_opt=`` and buf as ``opt:``: ``key=value`` pairs
separated by commas (``\\,`` is a comma inside a value: buf joins ``opt:`` entries with commas and
protoc passes one string). The keys are those of ``[tool.protopact]`` (``out`` excepted: the plugin
host chooses where files go); a list key (``flavors``, ``dependencies``) takes one value per repetition,
``default_bindings`` takes ``true`` or ``false``. The same keys validate the same way as in
``pyproject.toml``, so a parameter never means something a table would not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config.settings import Settings, settings_from_table
from ..errors import ProtopactError

_LISTS = frozenset({"flavors", "dependencies"})
_BOOLS = {"true": True, "false": False}


def settings_from_parameter(parameter: str) -> Settings:
    table: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in _split(parameter))):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise ProtopactError(f"plugin option {item!r} is not key=value")
        if key == "out":
            raise ProtopactError("plugin option 'out' is not used: protoc and buf choose the "
                                 "output directory")
        if key in _LISTS:
            table.setdefault(key, []).append(value)
        elif key in table:
            raise ProtopactError(f"plugin option {key!r} is given twice")
        elif key == "default_bindings":
            if value not in _BOOLS:
                raise ProtopactError("plugin option default_bindings must be true or false")
            table[key] = _BOOLS[value]
        else:
            table[key] = value
    try:
        return settings_from_table(table, project=Path.cwd())
    except ProtopactError as exc:
        # The table's words name pyproject.toml; here the values came from the plugin parameter.
        raise ProtopactError(exc.message.replace("pyproject.toml: [tool.protopact]",
                                                 "plugin option")) from None


def _split(parameter: str) -> list[str]:
    return [part.replace("\x00", ",") for part in parameter.replace("\\,", "\x00").split(",")]
