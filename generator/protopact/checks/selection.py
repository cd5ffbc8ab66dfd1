"""Which rules a ``lint``/``breaking`` config selects, exactly as buf resolves ``use`` and ``except``.

IDs and categories are resolved against the config's version column. An empty ``use`` means the
version's defaults. A deprecated rule is replaced by its replacements (or dropped when it has none).
"""

from __future__ import annotations

from typing import NamedTuple

from ..config.bufyaml import CheckConfig
from ..errors import ProtopactError
from .registry import Registry, Rule


class Selection(NamedTuple):
    rules: tuple[Rule, ...]
    warnings: tuple[str, ...]
    skipped: tuple[str, ...]  # selected rules protopact does not implement


# Aliases buf accepts in one version for a category of another name.
_ALIASES = {"v2": {"DEFAULT": "STANDARD"}, "v1": {"STANDARD": "DEFAULT"},
            "v1beta1": {"STANDARD": "DEFAULT"}}


def select(registry: Registry, config: CheckConfig, *, label: str) -> Selection:
    version = config.version
    available = {r.id: r for r in registry.rules() if r.row.versions.get(version) is not None}
    categories = registry.categories(version)
    warnings: list[str] = []

    def expand(names: tuple[str, ...]) -> set[str]:
        ids: set[str] = set()
        for name in names:
            alias = _ALIASES[version].get(name)
            if name in available:
                ids.add(name)
            elif name in categories:
                ids.update(categories[name])
            elif alias and alias in categories:
                if version == "v2":
                    warnings.append(f'Category "{name}" is deprecated. Use "{alias}" instead.')
                ids.update(categories[alias])
            else:
                raise ProtopactError(f'{label}: "{name}" is not a known rule or category ID')
        return ids

    if config.use:
        chosen = expand(config.use)
    else:
        chosen = {i for i, r in available.items() if r.row.versions[version].default}  # type: ignore[union-attr]
    chosen -= expand(config.except_)
    resolved: set[str] = set()
    for rule_id in chosen:
        rule = available[rule_id]
        if rule.row.deprecated:
            resolved.update(r for r in rule.row.replacements if r in available)
        else:
            resolved.add(rule_id)
    ordered = [available[rule_id] for rule_id in sorted(resolved)]
    return Selection(tuple(r for r in ordered if r.implemented), tuple(warnings),
                     tuple(r.id for r in ordered if not r.implemented))
