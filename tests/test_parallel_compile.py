"""Large builds compile in two halves at once; the result must be exactly one protoc run's."""

from __future__ import annotations

from pathlib import Path

import pytest

from protopact.compile import protoc

from .conftest import run, write_tree


def _tree(root: Path, count: int) -> None:
    files = {}
    for i in range(count):
        deps = sorted(j for j in {i - 1, i // 2} if 0 <= j < i)
        imports = "".join(f'import "p{j}/f.proto";\n' for j in deps)
        uses = " ".join(f"p{j}.M m{j} = {n};" for n, j in enumerate(deps, 2))
        files[f"p{i}/f.proto"] = (f'syntax = "proto3";\npackage p{i};\n{imports}'
                                  f"message M {{ string name = 1; {uses} }}\n")
    write_tree(root, files)


def _image(root: Path, parallel_from: int, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(protoc, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    result = run("build", "--no-cache", "-o", "out.binpb", cwd=root)
    assert result.exit_code == 0, result.stderr
    return (root / "out.binpb").read_bytes()


def test_split_compilation_equals_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 24)
    assert _image(tmp_path, 2, monkeypatch) == _image(tmp_path, 10_000, monkeypatch)


def test_an_error_in_the_second_half_is_reported_as_the_user_sees_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path / "tree", 6)
    (tmp_path / "tree/p5/f.proto").write_text('syntax = "proto3";\npackage p5;\nmessage M { int32 x = 1 }\n')
    monkeypatch.setattr(protoc, "PARALLEL_FROM", 2)
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    result = run("build", "--no-cache", "tree", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == 'tree/p5/f.proto:3:25: Expected ";".'


def test_a_name_defined_in_both_halves_is_refused_as_one_run_refuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # files that import nothing: no half's run sees the other half's
    write_tree(tmp_path, {f"a/f{i}.proto": f'syntax = "proto3";\npackage a;\nmessage M{i} {{}}\n'
                          for i in range(6)})
    (tmp_path / "a/f5.proto").write_text('syntax = "proto3";\npackage a;\nmessage M0 {}\n')
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    refusals = []
    for parallel_from in (2, 10_000):
        monkeypatch.setattr(protoc, "PARALLEL_FROM", parallel_from)
        refusals.append(run("build", "--no-cache", "-o", "out.binpb", cwd=tmp_path))
    assert [r.exit_code for r in refusals] == [1, 1]
    assert refusals[0].stderr == refusals[1].stderr
    assert refusals[0].stderr.strip() == 'a/f5.proto:3:9: "a.M0" is already defined in file "a/f0.proto".'
    assert not (tmp_path / "out.binpb").exists()


@pytest.mark.parametrize(("sizes", "first_half"), [
    ([1] * 10, 5), ([1] * 9, 5), ([90, 1, 1, 1, 1], 1), ([1, 1, 1, 1, 90], 4), ([3, 1, 1, 1], 1),
])
def test_halves_hold_about_the_same_amount_of_source(sizes: list[int], first_half: int) -> None:
    assert protoc._middle(sizes) == first_half
