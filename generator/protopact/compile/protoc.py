"""``grpc_tools.protoc``: proto files in, ``FileDescriptorSet`` bytes out, a crash turned into an error.

protoc's C++ ends the whole process on some inputs: an option value nested 100 levels deep fails a
``CHECK`` (``SIGABRT``), a deep enough recursion overflows the stack (``SIGSEGV``). So protoc runs in
a forked child, which costs no interpreter start (the modules are already imported): the child points
its file descriptor 2 at a temporary file, runs protoc and leaves by ``os._exit``. It runs nothing but
protoc's C++, so the threads a fork does not copy (gRPC's, a thread pool's) and the locks they may
hold are never needed there. A child killed by a signal becomes an error naming the file that does it.
Where ``fork`` is missing, protoc runs in process, one run at a time (it is not re-entrant).

Diagnostics are returned errors first, with protoc's disk paths rewritten to the paths the user knows
(``path:line:col: message``); protoc's warnings and absl log lines follow as ``WARN:`` lines.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import re
import selectors
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from grpc_tools import protoc as _protoc

from ..errors import CompileError, ProtopactError
from .halves import halves, joined
from .image import set_files

_LOCK = threading.Lock()
_FORKS = hasattr(os, "fork")
# Linux reports a FIFO's end only once a writer has come and gone (see _by_ending)
_FIFOS = sys.platform.startswith("linux")
# absl's log line: severity, date, time, thread, source location, then the message.
_ABSL_LINE = re.compile(r"^([IWEF])\d{4} [\d:.]+\s+\d+ [^\]]*\] ?(.*)$")
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog()"
_NO_MESSAGE = "protoc failed without a message"


# Below this many files a second protoc process costs more than it saves.
PARALLEL_FROM = 200
# Set while other work runs beside the compile (see one_run)
_ONE_RUN: ContextVar[bool] = ContextVar("one_run", default=False)


@contextmanager
def one_run() -> Iterator[None]:
    """Within, a large compile on two CPUs runs in one protoc process, not two halves: for a
    command whose own work fills the second CPU meanwhile (``format``'s formatting child), where
    halves would only add what they cost on top of one run (on the scale-1 benchmark corpus, the
    imports both halves compile and the choice of halves, about 0.5 CPU-s of 7). With three CPUs
    or more the halves still run, each on a CPU of its own."""
    token = _ONE_RUN.set(True)
    try:
        yield
    finally:
        _ONE_RUN.reset(token)


# Compiles begun before they were asked for (see begin), by what they compile; None outside
# begun_early, where none is begun
_BEGUN: ContextVar[dict[tuple[object, ...], _Begun] | None] = ContextVar("begun", default=None)


@contextmanager
def begun_early() -> Iterator[None]:
    """Within, a compile may be begun before the caller knows it is needed (:func:`begin`), so that
    protoc works on the CPU left idle while the caller still lists and digests the files; a
    :func:`run_protoc` with the same arguments takes it over, and one nobody took is killed when
    the block ends."""
    begun: dict[tuple[object, ...], _Begun] = {}
    token = _BEGUN.set(begun)
    try:
        yield
    finally:
        _BEGUN.reset(token)
        for early in begun.values():
            early.stop()


def may_begin() -> bool:
    """Whether a compile may be begun early here (see :func:`begun_early`)."""
    return _BEGUN.get() is not None


def begin(include_roots: Sequence[Path], files: Sequence[str], *, descriptor_set: bytes,
          source_info: bool, retain_options: bool) -> None:
    """protoc begun on ``files`` as :func:`run_protoc` with these arguments compiles them (in one
    run: a compile that :func:`run_protoc` would split in halves is not begun)."""
    begun = _BEGUN.get()
    key = _key(include_roots, files, descriptor_set, source_info, retain_options)
    if begun is None or key in begun or not _FORKS or _halved(len(files), whole=False):
        return
    tmp = tempfile.TemporaryDirectory(prefix="protopact-")
    imported, (out,), (run,) = _started(tmp.name, include_roots, [list(files)], descriptor_set,
                                        source_info, retain_options)
    begun[key] = _Begun(tmp, imported, out, run)


def _started(tmp: str, include_roots: Sequence[Path], parts: Sequence[Sequence[str]],
             descriptor_set: bytes, source_info: bool, retain_options: bool,
             ) -> tuple[Path | None, list[Path], list[_Run]]:
    """protoc started on each of ``parts`` at once, writing under ``tmp``: the imports' file,
    where each run writes and the runs."""
    imported = _written(Path(tmp) / "imports.binpb", descriptor_set)
    outs = [Path(tmp) / f"part{i}.binpb" for i in range(len(parts))]
    runs = [_start(_compile_args(include_roots, part, out, imported, source_info, retain_options),
                   output=out)
            for part, out in zip(parts, outs, strict=True)]
    return imported, outs, runs


def _key(include_roots: Sequence[Path], files: Sequence[str], descriptor_set: bytes,
         source_info: bool, retain_options: bool) -> tuple[object, ...]:
    return (tuple(map(str, include_roots)), tuple(files), descriptor_set, source_info,
            retain_options)


@dataclass
class _Begun:
    tmp: tempfile.TemporaryDirectory[str]
    imported: Path | None
    out: Path
    run: _Run

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.run.pid, signal.SIGKILL)  # type: ignore[arg-type]
        _finish(self.run)
        self.tmp.cleanup()


class Protoc(NamedTuple):
    """The files of protoc's FileDescriptorSet (each file's bytes, in protoc's order), and which of
    them a split build compiled apart from the rest (the second half's own): protoc checked their
    names only among themselves."""

    files: Sequence[bytes]
    apart: frozenset[str] = frozenset()


def run_protoc(
    include_roots: Sequence[Path], files: Sequence[str], *, shown: Callable[[str], str],
    sources: Mapping[str, bytes], descriptor_set: bytes = b"", whole: bool = False,
    source_info: bool = True, retain_options: bool = False,
    ended_first: Callable[[Sequence[bytes]], None] | None = None,
) -> Protoc:
    """Compile ``files`` (import paths) and return the files of a FileDescriptorSet with imports and
    (unless not ``source_info``) source info; with ``retain_options``, protoc keeps the options of
    source retention it otherwise strips from its output (see :func:`.build.verdict_only`).

    ``descriptor_set`` (a FileDescriptorSet) serves imports that no include root holds.
    ``shown`` maps a path printed by protoc (a disk path or an import path) to the user's path.
    Large builds are split in two halves compiled at once by two children (unless ``whole``, or
    within :func:`one_run` on two CPUs), chosen from the text of the files (``sources``, where
    known; see :mod:`.halves`). The files of the half that ends first go to ``ended_first`` while the other
    half compiles: the CPU that half's child leaves idle can start on them (decode them, say).
    """
    early = (_BEGUN.get() or {}).pop(
        _key(include_roots, files, descriptor_set, source_info, retain_options), None)
    with early.tmp if early is not None else tempfile.TemporaryDirectory(prefix="protopact-") \
            as tmp:
        if early is not None:  # begun as this call would begin it, in one run
            imported, parts, outs, runs = early.imported, [list(files)], [early.out], [early.run]
        else:
            parts = _parts(files, sources, whole=whole)
            imported, outs, runs = _started(tmp, include_roots, parts, descriptor_set,
                                            source_info, retain_options)
        listed: list[list[tuple[str, bytes]]] = [[] for _ in runs]
        ended: dict[int, tuple[int, str]] = {}
        try:
            for index in _by_ending(runs):
                ended[index] = _finish(runs[index])
                if ended[index][0] == 0 and ended_first is not None and len(runs) > 1:
                    listed[index] = set_files(_output(runs[index], outs[index]))
                    ended_first([data for _, data in listed[index]])
                    ended_first = None
        finally:  # every child is waited for, before any error
            ended.update((i, _finish(run)) for i, run in enumerate(runs) if i not in ended)
        for index, part in enumerate(parts):
            code, diagnostics = ended[index]
            if code < 0:
                raise _crashed(code, diagnostics,
                               _crashing_file(include_roots, part, imported, source_info), shown)
            if code != 0:
                raise CompileError(_message(diagnostics, shown) or _NO_MESSAGE)
        listed = [have or set_files(_output(run, out))
                  for have, run, out in zip(listed, runs, outs, strict=True)]
        if len(listed) == 1:
            return Protoc([data for _, data in listed[0]])
        first = {name for name, _ in listed[0]}
        return Protoc(joined(files, list(zip(parts, listed, strict=True))),
                      frozenset(name for name, _ in listed[1] if name not in first))


def _parts(files: Sequence[str], sources: Mapping[str, bytes], *, whole: bool,
           ) -> list[list[str]]:
    """``files`` as compiled: in one run, or in halves at once (see :func:`run_protoc`)."""
    return list(halves(files, sources)) if _halved(len(files), whole) else [list(files)]


def _halved(count: int, whole: bool) -> bool:
    # within one_run, the halves need a CPU each beside the one the caller's work takes
    halving_from = 3 if _ONE_RUN.get() else 2
    return not whole and count >= PARALLEL_FROM and (os.cpu_count() or 1) >= halving_from \
        and _FORKS


def _output(run: _Run, out: Path) -> bytes:
    """The FileDescriptorSet protoc wrote: through the FIFO at ``out``, else to the file."""
    return b"".join(run.received) if run.piped else out.read_bytes()


def _written(path: Path, data: bytes) -> Path | None:
    if not data:
        return None
    path.write_bytes(data)
    return path


def _compile_args(include_roots: Sequence[Path], files: Sequence[str], out: Path,
                  imported: Path | None, source_info: bool, retain_options: bool = False,
                  ) -> list[str]:
    args = ["--include_imports", *(["--include_source_info"] if source_info else []),
            *(["--retain_options"] if retain_options else [])]
    args += [f"--proto_path={root}" for root in include_roots]
    if imported is not None:
        args.append(f"--descriptor_set_in={imported}")
    return [*args, f"--descriptor_set_out={out}", *(_file_argument(f, include_roots) for f in files)]


def _file_argument(name: str, include_roots: Sequence[Path]) -> str:
    """``name`` as protoc's command line takes it. protoc reads an argument starting with ``-`` as a
    flag and one starting with ``@`` as a file of arguments, whatever follows; such a file is given
    by its path on disk instead, which protoc maps back to the import path through the root that
    holds it (the first, as for any import)."""
    if not name.startswith(("-", "@")):
        return name
    for root in include_roots:
        disk = os.path.join(str(root), name)
        if os.path.isfile(disk):
            return disk
    raise ProtopactError(f"{name}: not found under any include root")


def invoke_protoc(args: Sequence[str], *, shown: Callable[[str], str] = str) -> None:
    """Run protoc with ``args`` (everything after the program name), e.g. ``--python_out`` runs.

    Raises :class:`ProtopactError` with protoc's diagnostics, paths shown as the user knows them.
    """
    code, diagnostics = _finish(_start(args))
    if code < 0:
        raise _crashed(code, diagnostics, None, shown)
    if code != 0:
        raise CompileError(_message(diagnostics, shown) or _NO_MESSAGE)


@dataclass
class _Run:
    pid: int | None  # the child running protoc; None once protoc ran in process
    err: IO[bytes]  # what protoc wrote to its stderr
    code: int = 0
    # a pipe's read end whose write end only the child holds: readable (at its end) once the
    # child is gone, however it ended; None without a child
    gone: int | None = None
    # the read end of the FIFO the child's protoc writes its FileDescriptorSet to (see _start),
    # until it is read to its end; None without one
    output: int | None = None
    piped: bool = False  # whether the set comes through a FIFO
    received: list[bytes] = field(default_factory=list)  # what came through it so far
    stopped: bool = False  # killed by the parent once the whole set came


def _by_ending(runs: Sequence[_Run]) -> Iterator[int]:
    """The indexes of ``runs`` in the order their children end (waiting for any one child would
    reap children that are not protoc's), their FIFOs read meanwhile. A child that has written
    and closed its whole FileDescriptorSet is killed: all protoc does after that is free its
    memory piece by piece (about a tenth of its time: 0.7 s of a 7 s compile of the scale-1
    benchmark corpus), which the end of the process does at once. protoc writes its output only
    once every file compiled, its diagnostics printed before. A selector, not ``select``: a host
    process may hold more file descriptors than ``select`` takes."""
    yield from (index for index, run in enumerate(runs) if run.gone is None)
    with selectors.DefaultSelector() as watched:
        for index, run in enumerate(runs):
            if run.gone is not None:
                watched.register(run.gone, selectors.EVENT_READ, (index, False))
            if run.output is not None:
                watched.register(run.output, selectors.EVENT_READ, (index, True))
        while watched.get_map():
            for key, _ in watched.select():
                if key.fd not in watched.get_map():
                    continue  # a FIFO closed when its child was found gone, in this round
                index, is_output = key.data
                run = runs[index]
                if is_output:
                    # the FIFO's end is seen only once a writer opened it and closed it
                    if _drained(run) and run.received:
                        _closed_output(run, watched)
                        os.kill(run.pid, signal.SIGKILL)  # type: ignore[arg-type]
                        run.stopped = True
                    continue
                watched.unregister(key.fd)
                if run.output is not None:  # the child is gone: its FIFO holds what it wrote
                    _drained(run)
                    _closed_output(run, watched)
                yield index


def _drained(run: _Run) -> bool:
    """What the FIFO of ``run`` holds read; True at its end (its writer closed it)."""
    assert run.output is not None
    while True:
        try:
            chunk = os.read(run.output, 1 << 20)
        except BlockingIOError:
            return False
        if not chunk:
            return True
        run.received.append(chunk)


def _closed_output(run: _Run, watched: selectors.BaseSelector | None = None) -> None:
    if run.output is not None:
        if watched is not None:
            watched.unregister(run.output)
        os.close(run.output)
        run.output = None


def _start(args: Sequence[str], *, output: Path | None = None) -> _Run:
    """protoc started in a child with ``args``, or run to its end in process without fork.
    ``output``, the path ``args`` write the FileDescriptorSet to, is made a FIFO (on Linux, with
    a child) that the parent reads as the child writes, so that it sees the set whole before the
    child ends (see :func:`_by_ending`)."""
    err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _finish
    if not _FORKS:
        with _LOCK:
            return _Run(None, err, _in_process(args, err))
    piped = None
    if output is not None and _FIFOS:
        os.mkfifo(output)
        # opened first, so that protoc's open for writing does not wait for a reader
        piped = os.open(output, os.O_RDONLY | os.O_NONBLOCK)
    sys.stdout.flush()
    sys.stderr.flush()
    gone, held = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a threaded process; the child needs no other thread.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        code = 70  # EX_SOFTWARE, should protoc's Python wrapper itself fail
        # The child runs protoc and exits: no garbage collection may finalize what it inherited
        # (a host application's gRPC channels, say, whose threads did not follow into the child).
        gc.disable()
        try:
            os.dup2(err.fileno(), 2)
            import resource  # POSIX only, as fork is

            # A crash is reported by the parent: no core file, no Python fault report.
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            faulthandler.disable()
            code = _protoc.main(["protoc", *args])
        finally:
            os._exit(code)
    os.close(held)
    return _Run(pid, err, gone=gone, output=piped, piped=piped is not None)


def _in_process(args: Sequence[str], err: IO[bytes]) -> int:
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(err.fileno(), 2)
    try:
        return int(_protoc.main(["protoc", *args]))
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _finish(run: _Run) -> tuple[int, str]:
    """protoc's exit code (minus the signal's number when one killed it) and what it printed."""
    with run.err:
        _closed_output(run)  # a child still writing to it then ends, instead of waiting for ever
        if run.pid is not None:
            _, status = os.waitpid(run.pid, 0)
            run.code = os.waitstatus_to_exitcode(status)
            if run.stopped and run.code == -signal.SIGKILL:
                run.code = 0
        if run.gone is not None:
            os.close(run.gone)
            run.gone = None
        run.err.seek(0)
        return run.code, run.err.read().decode("utf-8", "replace")


def _crashing_file(include_roots: Sequence[Path], files: Sequence[str],
                   imported: Path | None, source_info: bool) -> str | None:
    """The file whose compilation crashes protoc, found by halving ``files`` (protoc is
    deterministic); None when no single file does it."""
    with tempfile.TemporaryDirectory(prefix="protopact-") as tmp:
        out = Path(tmp) / "set.binpb"

        def crashes(some: Sequence[str]) -> bool:
            return _finish(_start(_compile_args(include_roots, some, out, imported,
                                                source_info)))[0] < 0

        candidates = list(files)
        while len(candidates) > 1:
            half = candidates[: len(candidates) // 2]
            candidates = half if crashes(half) else candidates[len(half):]
        return candidates[0] if candidates and crashes(candidates) else None


def _crashed(code: int, diagnostics: str, culprit: str | None,
             shown: Callable[[str], str]) -> ProtopactError:
    try:
        killed_by = signal.Signals(-code).name
    except ValueError:
        killed_by = f"signal {-code}"
    errors, _ = _diagnostics(diagnostics, shown)
    reason = "; ".join(errors) or "no message"
    where = f"{shown(culprit)}: " if culprit else ""
    return ProtopactError(f"{where}protoc crashed ({killed_by}: {reason}); a value nested 100 or "
                          "more levels deep (protobuf's limit) is a known cause")


def _message(diagnostics: str, shown: Callable[[str], str]) -> str:
    errors, warned = _diagnostics(diagnostics, shown)
    return "\n".join([*errors, *(f"WARN: {w}" for w in warned)]) if errors else ""


def _diagnostics(text: str, shown: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """protoc's errors and warnings, each on one line, paths as the user knows them. absl's log
    lines are warnings (or errors, when fatal) without their time stamp and source location;
    absl's preamble and a crash's stack trace are left out."""
    errors: list[str] = []
    warned: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or line.startswith(_ABSL_PREAMBLE) or stripped.startswith(("***", "@ ")):
            continue
        absl = _ABSL_LINE.match(line)
        if absl is not None:
            level, message = absl.groups()
            (errors if level == "F" else warned).append(" ".join(message.split()))
            continue
        head, sep, rest = line.partition(":")
        line = f"{shown(head)}{sep}{rest}" if sep else line
        if line.startswith("warning:") or ": warning:" in line:
            warned.append(line)
        else:
            errors.append(line)
    return errors, warned
