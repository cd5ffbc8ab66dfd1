"""The two halves of a large compile, run at once by two protoc processes, and their results joined.

Each run compiles its files and every file they import, so a file both halves import is compiled
twice: split in the middle of the sorted list, the halves of a googleapis-sized tree share about a
fifth of their work. Files of one directory (mostly one package) import one another most, so a
directory goes to one half whole: directories are dealt out, the one with the largest import closure
first, each to the half whose closure it enlarges least, while that half stays within half of the
whole (else to the other). Imports are found by a plain scan of the text for import statements: a
missed or spurious one only makes the halves less even, as protoc compiles and judges every file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

# the literal start lets the scan jump from one "import" to the next, about 1 GB/s
_IMPORT = re.compile(rb'import\s+(?:public\s+|weak\s+)?"([^"\n]*)"')
# a directory costlier than this share of the whole is dealt out file by file
_WHOLE_UP_TO = 0.25


def halves(files: Sequence[str], sources: Mapping[str, bytes]) -> tuple[list[str], list[str]]:
    """``files`` in two halves of about the same cost (the size of the source they compile, their
    imports included), sharing few imports; each in the order of ``files``. ``sources`` holds the
    text of the files known, which are the only ones scanned and counted."""
    imports = {name: [i.decode("utf-8", "replace") for i in _IMPORT.findall(text)]
               for name, text in sources.items()}
    cost = {name: len(text) for name, text in sources.items()}
    reach = _closures(files, imports)
    total = sum(cost.get(n, 0) for n in set().union(*reach.values())) or 1
    units = _units(files, lambda group: sum(cost.get(n, 0) for n in group) > _WHOLE_UP_TO * total)
    closures = [set().union(*(reach[n] for n in unit)) for unit in units]
    weights = [sum(cost.get(n, 0) for n in c) for c in closures]
    taken: list[set[str]] = [set(), set()]
    spent = [0, 0]
    side: dict[str, int] = {}
    for index in sorted(range(len(units)), key=lambda i: (-weights[i], i)):
        added = [sum(cost.get(n, 0) for n in closures[index] - t) for t in taken]
        fits = [h for h in (0, 1) if spent[h] + added[h] <= total / 2]
        half = (min(fits, key=lambda h: (added[h], spent[h])) if fits
                else min((0, 1), key=lambda h: spent[h] + added[h]))
        taken[half] |= closures[index]
        spent[half] += added[half]
        side.update((name, half) for name in units[index])
    first = [n for n in files if side[n] == 0]
    second = [n for n in files if side[n] == 1]
    if not first or not second:  # one unit only: the sorted list's halves
        return list(files[: len(files) // 2]), list(files[len(files) // 2:])
    return first, second


def _units(files: Sequence[str], too_large: Callable[[Sequence[str]], bool]) -> list[list[str]]:
    """The files by directory; a directory too large to go whole, file by file."""
    directories: dict[str, list[str]] = defaultdict(list)
    for name in files:
        directories[name.rpartition("/")[0]].append(name)
    units = []
    for group in directories.values():
        units += [[n] for n in group] if too_large(group) else [group]
    return units


def _closures(files: Sequence[str], imports: Mapping[str, Sequence[str]],
              ) -> dict[str, frozenset[str]]:
    """Each file with every file it imports, as far as the scan knows, built from its imports'
    (depth first without recursion; a file on an import cycle misses the part still open)."""
    reach: dict[str, frozenset[str]] = {}
    for start in files:
        pending = [(start, iter(imports.get(start, ())))]
        opened = {start}
        while pending:
            name, rest = pending[-1]
            for imported in rest:
                if imported not in reach and imported not in opened:
                    opened.add(imported)
                    pending.append((imported, iter(imports.get(imported, ()))))
                    break
            else:
                pending.pop()
                reach[name] = frozenset((name,)).union(
                    *(reach.get(i, ()) for i in imports.get(name, ())))
    return reach


def joined(files: Sequence[str], runs: Sequence[tuple[Sequence[str], Sequence[tuple[str, bytes]]]],
           ) -> list[bytes]:
    """The files of one protoc run over ``files``, from the runs over its halves: each run's files
    (name and bytes) as protoc listed them for its targets.

    protoc lists each target after the imports no earlier target listed, depth first; so a target's
    files in one run are those of its half's run since the previous target of that half, less the
    files an earlier target of the other half listed (a file's imports are listed before it).
    """
    half_of = {name: index for index, (targets, _) in enumerate(runs) for name in targets}
    positions = [{name: at for at, (name, _) in enumerate(listed)} for _, listed in runs]
    read = [0] * len(runs)
    listed: dict[str, bytes] = {}
    for target in files:
        half = half_of[target]
        end = positions[half][target] + 1
        for name, data in runs[half][1][read[half]:end]:
            listed.setdefault(name, data)
        read[half] = max(read[half], end)
    return list(listed.values())
