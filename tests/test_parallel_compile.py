"""Large builds compile in two halves at once; the result must be exactly one protoc run's."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from protopact.compile import protoc
from protopact.compile.halves import halves

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


def _paired_tree(root: Path) -> dict[str, str]:
    """Directories a and b import only c and d respectively: the middle of the sorted list would
    give one half everything, as a imports c and b imports d. e imports nothing."""
    files = {}
    for own, imported in (("a", "c"), ("b", "d"), ("c", None), ("d", None), ("e", None)):
        for i in range(3):
            imports = f'import "{imported}/f{i}.proto";\n' if imported else ""
            field = f"{imported}.M{i} used = 2;" if imported else ""
            files[f"{own}/f{i}.proto"] = (f'syntax = "proto3";\npackage {own};\n{imports}'
                                          f"message M{i} {{ string name = 1; {field} }}\n")
    write_tree(root, files)
    return files


def test_halves_keep_a_directory_with_what_it_imports(tmp_path: Path) -> None:
    files = _paired_tree(tmp_path)
    first, second = halves(sorted(files), {n: t.encode() for n, t in files.items()})
    directories = [{n.split("/")[0] for n in half} for half in (first, second)]
    assert [{"a", "c"} <= d or {"b", "d"} <= d for d in directories] == [True, True]
    assert first == sorted(first) and second == sorted(second)


def test_halves_that_interleave_give_one_run_s_image(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _paired_tree(tmp_path)
    assert _image(tmp_path, 2, monkeypatch) == _image(tmp_path, 10_000, monkeypatch)


def test_a_directory_too_large_to_go_whole_is_dealt_out_by_file() -> None:
    files = [f"one/f{i}.proto" for i in range(8)]
    first, second = halves(files, {n: b"x" * 100 for n in files})
    assert len(first) == len(second) == 4


def test_a_directory_dealt_away_from_its_importer_is_moved_back() -> None:
    # a, imported by nothing, is dealt out first and takes b with it; b alone then fits the other
    # half better, until b is seen to cost nothing more where a is
    sources = {"a/f.proto": b'import "b/f.proto";\n' + b"x" * 25, "b/f.proto": b"x" * 50,
               "c/f.proto": b"x" * 20}
    assert halves(sorted(sources), sources) == (["a/f.proto", "b/f.proto"], ["c/f.proto"])


def test_the_half_that_ends_first_is_handed_over_whole_before_the_join(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 24)
    monkeypatch.setattr(protoc, "PARALLEL_FROM", 2)
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.proto"))
    sources = {n: (tmp_path / n).read_bytes() for n in names}
    handed: list[list[bytes]] = []
    protoc.run_protoc([tmp_path], names, shown=str, sources=sources,
                      ended_first=lambda files: handed.append(list(files)))
    alone = [list(protoc.run_protoc([tmp_path], half, shown=str, sources=sources, whole=True).files)
             for half in halves(names, sources)]
    assert len(handed) == 1
    assert handed[0] in alone


def test_a_host_holding_many_file_descriptors_still_compiles_in_halves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # select() takes no descriptor numbered 1,024 or more
    resource = pytest.importorskip("resource")
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1_200:
        pytest.skip("too few file descriptors allowed")
    _tree(tmp_path, 24)
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1_100)]
    try:
        split = _image(tmp_path, 2, monkeypatch)
    finally:
        for fd in held:
            os.close(fd)
    assert split == _image(tmp_path, 10_000, monkeypatch)


def test_within_one_run_a_large_compile_on_two_cpus_is_one_protoc_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 24)
    monkeypatch.setattr(protoc, "PARALLEL_FROM", 2)
    monkeypatch.setattr(protoc.os, "cpu_count", lambda: 2)
    started: list[list[str]] = []
    start = protoc._start
    monkeypatch.setattr(protoc, "_start",
                        lambda args, **kw: started.append(list(args)) or start(args, **kw))
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.proto"))
    sources = {n: (tmp_path / n).read_bytes() for n in names}
    split = protoc.run_protoc([tmp_path], names, shown=str, sources=sources)
    assert len(started) == 2
    started.clear()
    with protoc.one_run():
        one = protoc.run_protoc([tmp_path], names, shown=str, sources=sources)
        assert len(started) == 1
        monkeypatch.setattr(protoc.os, "cpu_count", lambda: 3)  # a CPU for each half still
        protoc.run_protoc([tmp_path], names, shown=str, sources=sources)
    assert len(started) == 3
    assert sorted(one.files) == sorted(split.files)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="FIFOs are read so on Linux only")
def test_a_child_that_wrote_its_whole_set_is_stopped_and_its_set_is_the_file_s(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 24)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.proto"))
    sources = {n: (tmp_path / n).read_bytes() for n in names}
    monkeypatch.setattr(protoc, "_FIFOS", False)
    written = protoc.run_protoc([tmp_path], names, shown=str, sources=sources, whole=True)
    monkeypatch.setattr(protoc, "_FIFOS", True)
    signals: list[int] = []
    kill = os.kill
    monkeypatch.setattr(protoc.os, "kill", lambda pid, sig: signals.append(sig) or kill(pid, sig))
    piped = protoc.run_protoc([tmp_path], names, shown=str, sources=sources, whole=True)
    assert signals == [signal.SIGKILL]
    assert list(piped.files) == list(written.files) and len(piped.files) == 24


def test_a_compile_begun_early_is_taken_over_by_the_same_compile_and_the_others_stopped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 6)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.proto"))
    sources = {n: (tmp_path / n).read_bytes() for n in names}
    alone = protoc.run_protoc([tmp_path], names, shown=str, sources=sources)
    runs: list[tuple[list[str], protoc._Run]] = []
    start = protoc._start
    monkeypatch.setattr(protoc, "_start",
                        lambda args, **kw: runs.append((list(args), run := start(args, **kw)))
                        or run)
    protoc.begin([tmp_path], names, descriptor_set=b"", source_info=True, retain_options=False)
    assert runs == []  # outside begun_early, nothing is begun
    with protoc.begun_early():
        protoc.begin([tmp_path], names, descriptor_set=b"", source_info=True, retain_options=False)
        protoc.begin([tmp_path], names[:2], descriptor_set=b"", source_info=True,
                     retain_options=False)
        assert len(runs) == 2
        taken = protoc.run_protoc([tmp_path], names, shown=str, sources=sources)
        assert len(runs) == 2  # the first one's, taken over
        assert list(taken.files) == list(alone.files)
        # another kind of compile of the same files is not the one begun
        protoc.run_protoc([tmp_path], names, shown=str, sources=sources, source_info=False)
        assert len(runs) == 3
    # the run nobody took is stopped and waited for, its directory removed
    (args, untaken), = [(a, r) for a, r in runs if names[2] not in a]
    with pytest.raises(ChildProcessError):
        os.waitpid(untaken.pid, os.WNOHANG)
    out = next(a for a in args if a.startswith("--descriptor_set_out="))
    assert not Path(out.split("=", 1)[1]).parent.exists()


def test_an_error_of_a_compile_begun_early_is_reported_as_the_user_sees_it(
        tmp_path: Path) -> None:
    _tree(tmp_path / "tree", 3)
    (tmp_path / "tree/p2/f.proto").write_text('syntax = "proto3";\npackage p2;\nmessage M { int32 x = 1 }\n')
    names = ["p0/f.proto", "p1/f.proto", "p2/f.proto"]
    with protoc.begun_early():
        protoc.begin([tmp_path / "tree"], names, descriptor_set=b"", source_info=True,
                     retain_options=False)
        with pytest.raises(protoc.CompileError) as refused:
            protoc.run_protoc([tmp_path / "tree"], names, shown=lambda p: os.path.relpath(p, tmp_path),
                               sources={})
    assert str(refused.value) == 'tree/p2/f.proto:3:25: Expected ";".'
