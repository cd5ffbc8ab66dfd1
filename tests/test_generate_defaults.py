"""What a generated distribution is called, which version it is and what it requires, when
``[tool.protopact]`` says nothing: the API's buf.yaml module name or proto package, the project's git
tags, compatible ranges; and the betterproto2 stubs' metadata and timeouts."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grpc
import pytest

from protopact.render.python import compatible

from .conftest import WAIT, git, run, write_tree

PROTO = {"acme/weather/v1/forecast.proto": """
    syntax = "proto3";
    package acme.weather.v1;
    service ForecastService {
      rpc GetForecast(GetForecastRequest) returns (Forecast);
    }
    message GetForecastRequest { string city = 1; }
    message Forecast { string city = 1; int32 celsius = 2; }
    """}


def _generate(root: Path) -> tuple[dict[str, object], str]:
    result = run("generate", ".", "-t", "python", "--out", "gen", cwd=root)
    assert result.exit_code == 0, result.stderr
    project = tomllib.loads((root / "gen" / "python" / "pyproject.toml").read_text())["project"]
    return project, result.stderr


def test_the_name_comes_from_buf_yaml_and_the_version_defaults_with_warnings(
        tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PROTO, "buf.yaml": """
        version: v2
        modules:
          - path: .
            name: buf.build/acme/weather
        """})
    project, warnings = _generate(root)
    assert project["name"] == "acme-weather" and project["version"] == "0.0.0"
    assert (root / "gen" / "python" / "acme_weather" / "__init__.py").is_file()
    assert ("WARN: pyproject.toml: [tool.protopact] sets no name; the distribution is named "
            "'acme-weather' (from the module name in buf.yaml)") in warnings
    assert ("WARN: pyproject.toml: [tool.protopact] sets no version; the distribution is version "
            "0.0.0 (no git tag; set one in pyproject.toml)") in warnings


def test_the_name_comes_from_the_package_and_the_version_from_git_tags(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PROTO, "acme/weather/v1/alerts.proto": """
        syntax = "proto3";
        package acme.weather.alerts.v1;
        message Alert { string text = 1; }
        """})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1.4.2")
    project, warnings = _generate(root)
    assert (project["name"], project["version"]) == ("acme-weather-api", "1.4.2")
    assert "(from the proto package)" in warnings and "(from git tag v1.4.2)" in warnings
    (root / "README").write_text("more")
    git(root, "add", "README")
    git(root, "commit", "-q", "-m", "second")
    assert _generate(root)[0]["version"] == "1.4.3.dev1"  # the next patch, in development
    git(root, "tag", "v2.0.0-rc.1")
    assert _generate(root)[0]["version"] == "2.0.0rc1"  # SemVer's pre-release, as PEP 440 says it


def test_what_pyproject_says_wins_without_a_warning(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PROTO, "pyproject.toml": """
        [tool.protopact]
        name = "weather-client"
        version = "3.1.0"
        """})
    project, warnings = _generate(root)
    assert (project["name"], project["version"]) == ("weather-client", "3.1.0")
    assert "WARN" not in warnings


@pytest.mark.parametrize("floor, expected", [
    ("7.35.1", "protobuf>=7.35.1,<8"),
    ("0.10.0", "protobuf>=0.10.0,<0.11"),
    ("1.66", "protobuf>=1.66,<2"),
])
def test_compatible_ranges(floor: str, expected: str) -> None:
    assert compatible("protobuf", floor) == expected


def test_runtime_requirements_are_compatible_ranges(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**PROTO, "pyproject.toml": """
        [tool.protopact]
        name = "weather"
        flavors = ["protobuf", "betterproto2"]
        """})
    project, _ = _generate(root)
    ranges = {re.split(r"[<>=]", r, maxsplit=1)[0]: r for r in project["dependencies"]}  # type: ignore[union-attr]
    for name in ("protobuf", "grpcio"):
        floor, upper = re.fullmatch(rf"{name}>=(\d+)[.\d]*,<(\d+)", ranges[name]).groups()  # type: ignore[union-attr]
        assert int(upper) == int(floor) + 1
    floor, upper = re.fullmatch(r"betterproto2>=0\.(\d+)[.\d]*,<0\.(\d+)",
                                ranges["betterproto2"]).groups()  # type: ignore[union-attr]
    assert int(upper) == int(floor) + 1  # a 0.x library may break on its next minor


_BETTERPROTO_CLIENT = """
import sys
import grpc
sys.path.insert(0, sys.argv[1])
from weather.betterproto.acme.weather.v1 import ForecastServiceStub, GetForecastRequest
from weather.betterproto.call_options import with_options

stub = ForecastServiceStub(with_options(grpc.insecure_channel(sys.argv[2]), token=sys.argv[3],
                                        metadata=[("x-team", "ops")], timeout=float(sys.argv[4])))
try:
    print(stub.get_forecast(GetForecastRequest(city="Oslo")).city)
except grpc.RpcError as error:
    print(error.code().name)
"""


def test_betterproto2_stubs_send_the_token_metadata_and_a_timeout(tmp_path: Path) -> None:
    from concurrent import futures

    root = write_tree(tmp_path, {**PROTO, "pyproject.toml": """
        [tool.protopact]
        name = "weather"
        flavors = ["protobuf", "betterproto2"]
        """})
    _generate(root)
    seen: list[dict[str, str]] = []

    def forecast(request: bytes, context: grpc.ServicerContext) -> bytes:
        seen.append(dict(context.invocation_metadata()))
        if context.time_remaining() is not None and context.time_remaining() < 1:
            import time
            time.sleep(context.time_remaining() + 0.2)  # let the deadline pass
        return b"\n\x04Oslo"  # Forecast(city="Oslo")

    server = grpc.server(futures.ThreadPoolExecutor(2))
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "acme.weather.v1.ForecastService",
        {"GetForecast": grpc.unary_unary_rpc_method_handler(forecast)})])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        def call(timeout: str) -> str:
            done = subprocess.run(
                [sys.executable, "-c", textwrap.dedent(_BETTERPROTO_CLIENT),
                 str(root / "gen" / "python"), f"127.0.0.1:{port}", "s3cret", timeout],
                capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
            assert "s3cret" not in done.stderr
            return done.stdout.strip()

        assert call("30") == "Oslo"
        assert seen[0]["authorization"] == "Bearer s3cret" and seen[0]["x-team"] == "ops"
        assert call("0.3") == "DEADLINE_EXCEEDED"
    finally:
        server.stop(None).wait(WAIT)
