"""The two halves of a large compile, run at once by two protoc processes, and their results joined.

Each run compiles its files and every file they import, so a file both halves import is compiled
twice: split in the middle of the sorted list, the halves of the scale-1 benchmark corpus (7,200
files) share a sixth of their work. Files of one directory (mostly one package) import one another
most, so a directory goes to one half whole: directories are dealt out, the one with the largest
import closure first, each to the half whose closure it enlarges least, while that half stays within
half of the whole (else to the other); then a directory moves to the other half where that lowers
the two halves' work together (on that corpus the halves then share 2 MB of source, not 8 MB).
Imports are found by a plain scan of the text for import statements: a missed or spurious one only
makes the halves less even, as protoc compiles and judges every file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from .order import dependencies_first

# the literal start lets the scan jump from one "import" to the next, about 1 GB/s
_IMPORT = re.compile(rb'import\s+(?:public\s+|weak\s+)?"([^"\n]*)"')
# a directory costlier than this share of the whole is dealt out file by file
_WHOLE_UP_TO = 0.25
# the share of the whole a half may grow to when a move lowers both halves' cost together
_AT_MOST = 0.575
_PASSES = 4


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
    side = _dealt(closures, cost, total)
    _moved(closures, side, cost, _AT_MOST * total)
    half_of = {name: half for unit, half in zip(units, side, strict=True) for name in unit}
    first = [n for n in files if half_of[n] == 0]
    second = [n for n in files if half_of[n] == 1]
    if not first or not second:  # one unit only: the sorted list's halves
        return list(files[: len(files) // 2]), list(files[len(files) // 2:])
    return first, second


def _dealt(closures: Sequence[set[str]], cost: Mapping[str, int], total: int) -> list[int]:
    """Each unit's half: the one its closure enlarges least while it stays within half of the
    whole, else the one that ends the smaller; the units with the largest closures first."""
    weights = [sum(cost.get(n, 0) for n in c) for c in closures]
    taken: list[set[str]] = [set(), set()]
    spent = [0, 0]
    side = [0] * len(closures)
    for index in sorted(range(len(closures)), key=lambda i: (-weights[i], i)):
        added = [sum(cost.get(n, 0) for n in closures[index] - t) for t in taken]
        fits = [h for h in (0, 1) if spent[h] + added[h] <= total / 2]
        half = (min(fits, key=lambda h: (added[h], spent[h])) if fits
                else min((0, 1), key=lambda h: spent[h] + added[h]))
        taken[half] |= closures[index]
        spent[half] += added[half]
        side[index] = half
    return side


def _moved(closures: Sequence[set[str]], side: list[int], cost: Mapping[str, int],
           at_most: float) -> None:
    """Move units to the other half where that lowers the two halves' cost together, no half
    growing past ``at_most``: once both halves are past half of the whole, dealing out adds each
    unit where it ends the smaller, however much the halves then share."""
    held = [Counter[str](), Counter[str]()]
    for closure, half in zip(closures, side, strict=True):
        held[half].update(closure)
    spent = [sum(cost.get(n, 0) for n in h) for h in held]
    for _ in range(_PASSES):
        moves = 0
        for index, closure in enumerate(closures):
            here, there = side[index], 1 - side[index]
            freed = sum(cost.get(n, 0) for n in closure if held[here][n] == 1)
            added = sum(cost.get(n, 0) for n in closure if not held[there][n])
            if added < freed and spent[there] + added <= max(at_most, *spent):
                held[here].subtract(closure)
                held[there].update(closure)
                spent[here] -= freed
                spent[there] += added
                side[index] = there
                moves += 1
        if not moves:
            return


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
    (a file on an import cycle misses the part still open)."""
    reach: dict[str, frozenset[str]] = {}
    for name in dependencies_first(files, lambda n: imports.get(n, ())):
        reach[name] = frozenset((name,)).union(*(reach.get(i, ()) for i in imports.get(name, ())))
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
