"""The generated distributions as a user gets them: built into wheels, installed into a fresh virtual
environment with only their declared requirements, imported, type-checked and run against a server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO, run

pytestmark = pytest.mark.xdist_group("generate_package")
TYPING = REPO / "tests" / "typing"
SMALL = REPO / "tests" / "golden" / "python_small" / "input"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python of a fresh venv holding both generated wheels and their requirements only."""
    root = tmp_path_factory.mktemp("package")
    wheels = root / "wheels"
    for cwd, name in ((REPO, "repo"), (SMALL, "small")):
        out = root / name
        result = run("generate", ".", "--out", str(out), cwd=cwd)
        assert result.exit_code == 0, result.stderr
        _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels),
             str(out / "python"))
    environment = root / "venv"
    venv.create(environment, with_pip=False, system_site_packages=False)
    python = environment / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         *map(str, sorted(wheels.glob("*.whl"))))
    return python


def _run(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(args, capture_output=True, text=True, cwd=cwd, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_only_declared_requirements_are_installed(installed: Path) -> None:
    listed = _run(sys.executable, "-m", "pip", "--python", str(installed), "list", "--format=freeze")
    names = {line.split("==")[0].lower() for line in listed.splitlines()}
    assert {"protopact-example-api", "shop-api", "protobuf", "grpcio",
            "googleapis-common-protos"} <= names
    assert "protopact" not in names and "grpcio-tools" not in names and "mypy-protobuf" not in names


def test_every_module_imports_and_every_message_round_trips(installed: Path) -> None:
    out = _run(str(installed), str(TYPING / "roundtrip.py"), "protopact_example_api", "shop_api",
               cwd=installed.parent)
    assert "protopact_example_api: 35 modules, 104 message types" in out
    assert "shop_api: 7 modules" in out


def test_embedded_image_is_a_baseline(installed: Path) -> None:
    site = _run(str(installed), "-c", "import protopact_example_api as p; print(p.__path__[0])")
    image = Path(site.strip()) / "descriptor_set.binpb"
    result = run("breaking", ".", "--against", str(image), cwd=REPO)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_client_runs_against_a_real_server(installed: Path) -> None:
    assert _run(str(installed), str(TYPING / "client.py"), cwd=installed.parent).strip() == "ok"


def _mypy(installed: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--no-error-summary",
         "--hide-error-context", "--python-executable", str(installed), name],
        capture_output=True, text=True, cwd=TYPING, check=False,
    )


def test_client_passes_mypy_strict(installed: Path) -> None:
    done = _mypy(installed, "client.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_wrong_code_fails_mypy_with_the_expected_errors(installed: Path) -> None:
    done = _mypy(installed, "negative.py")
    assert done.returncode == 1
    errors = [line.removeprefix("negative.py:") for line in done.stdout.splitlines()
              if ": note:" not in line]
    assert errors == (TYPING / "negative.expected").read_text().splitlines()


def test_wheel_is_an_input(installed: Path, tmp_path: Path) -> None:
    wheel = next((installed.parents[2] / "wheels").glob("protopact_example_api-*.whl"))
    shutil.copy(wheel, tmp_path / wheel.name)
    result = run("build", wheel.name, "-o", "image.binpb", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "image.binpb").stat().st_size > 1000
