"""Files in dependency order: each after the files it imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def dependencies_first(names: Iterable[str], imports: Callable[[str], Iterable[str]]) -> list[str]:
    """``names`` and the files ``imports`` says they import, directly or not, each after its own
    imports and otherwise in the order met: depth first, in import order, as protoc lists files
    (without recursion: imports may chain thousands deep). A file on an import cycle comes after
    the part of the cycle already met."""
    order: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        pending = [(name, iter(imports(name)))]
        while pending:
            current, dependencies = pending[-1]
            for dependency in dependencies:
                if dependency not in seen:
                    seen.add(dependency)
                    pending.append((dependency, iter(imports(dependency))))
                    break
            else:
                pending.pop()
                order.append(current)
    return order
