"""Shared test helpers: an isolated image cache, a CLI runner, proto trees on disk, the real buf."""

from __future__ import annotations

import gc
import io
import os
import shutil
import subprocess
import tarfile
import textwrap
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from protopact.cli import cli

REPO = Path(__file__).resolve().parents[1]
# How long a test waits for a server to start or stop, a process to answer or end: generous, as a
# loaded CI machine may take a minute where a quiet one takes a second, but bounded.
WAIT = 120.0

# Speed is measured in benchmarks/, against buf and protoc: a property test that takes longer than
# hypothesis's default deadline on a loaded machine has not failed.
settings.register_profile("protopact", deadline=None)
settings.load_profile("protopact")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PROTOPACT_CACHE_DIR", str(cache))
    # buf's module cache is a dependency source: the machine's own must not serve a test's deps
    monkeypatch.setenv("BUF_CACHE_DIR", str(tmp_path_factory.mktemp("buf-cache")))
    # A bug in protopact raises out of the CLI runner with its traceback instead of becoming the
    # one-line internal error a user sees (tests/test_cli_errors.py checks that line).
    monkeypatch.setenv("PROTOPACT_DEBUG", "1")
    return cache


def collect_garbage() -> None:
    """Free now what a test's servers and channels left in reference cycles: a crash in a finalizer
    (grpc's, say) then happens in the test that made the garbage, and the crash report names it,
    not whichever test was running when the collector next ran."""
    gc.collect()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> Result:
    """Run the protopact CLI in process, in ``cwd``, ``stdin`` on its standard input."""
    old = Path.cwd()
    os.chdir(cwd or old)
    try:
        result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def tar_bytes(files: dict[str, bytes], *, mode: str = "w") -> bytes:
    """A tar archive (``mode`` "w:gz": gzipped) holding ``files`` (member name -> content)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def buf_binary() -> str:
    found = shutil.which("buf") or str(REPO / "node_modules" / ".bin" / "buf")
    if not Path(found).exists():
        pytest.fail("buf is not installed: run `make test`, which installs @bufbuild/buf from npm")
    return found


@pytest.fixture
def buf() -> str:
    return buf_binary()


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven through Playwright."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield launched
        launched.close()


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=env).stdout
