"""Contract conventions recognised by shape in APIs that name every building block their own way.

Two fixture APIs: an IoT API (``fleet.v1``: its own ``Pagination``, a ``PageCursor``, Update
wrappers, a ``Timestamp`` around google's, enums whose zero value is a bare ``DEFAULT``) and a telecom
event API (``telco.events.v1``: an ``EventHeader`` carrying an ``AckHandle``, ``ConsumerOptions``
with an in-flight limit and an ack deadline, ``Confirm*`` ack RPCs, an ``Msisdn`` phone type).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from protopact.cli import load
from protopact.schema.conventions import Paging, recognise
from tests.conftest import REPO, run

FIXTURES = REPO / "tests" / "fixtures" / "conventions"


@pytest.fixture
def iot(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "iot", tmp_path / "iot"))


@pytest.fixture
def telecom(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "telecom", tmp_path / "telecom"))


def test_iot_conventions_are_recognised_by_shape() -> None:
    found = recognise(load(str(FIXTURES / "iot")).image.files)
    assert found.pagination == (
        Paging("fleet.v1.PageCursor", "fleet.v1.PageCursor.Result", cursor=True),
        Paging("fleet.v1.Pagination", "fleet.v1.Pagination.Result", cursor=False),
    )
    assert found.selections == {"fleet.v1.DeviceSelection"}
    assert found.update_wrappers == {"fleet.v1.UpdateBoolean", "fleet.v1.UpdateClearableString",
                                     "fleet.v1.UpdateZeroableInt"}
    assert found.timestamps == {"google.protobuf.Timestamp", "fleet.v1.Timestamp"}
    assert not found.event_metadata and not found.ack_methods


def test_telecom_conventions_are_recognised_by_shape() -> None:
    found = recognise(load(str(FIXTURES / "telecom")).image.files)
    assert found.event_metadata == {"telco.events.v1.EventHeader"}
    assert found.ack_types == {"telco.events.v1.AckHandle"}
    assert found.stream_configurations == {"telco.events.v1.ConsumerOptions"}
    assert found.ack_methods == ("telco.events.v1.RoamingEventService.ConfirmRoamingEvent",
                                 "telco.events.v1.RoamingEventService.ConfirmSimSwapEvent")
    assert found.phone_numbers == {"telco.common.v1.Msisdn"}
    assert not found.pagination and not found.update_wrappers


def test_protopact_building_blocks_are_recognised_too() -> None:
    found = recognise(load(str(REPO / "proto")).image.files)
    assert {p.message for p in found.pagination} == {"protopact.v1.Pagination",
                                                     "protopact.v1.CursorPagination"}
    assert found.event_metadata == {"protopact.v1.EventMetadata"}
    assert found.stream_configurations == {"protopact.v1.StreamConfiguration"}
    assert found.timestamps == {"google.protobuf.Timestamp"}  # a TimeRange is not a moment


def test_conventions_command_says_what_and_where() -> None:
    result = run("conventions", str(FIXTURES / "telecom"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "telco/events/v1/delivery.proto: event_metadata telco.events.v1.EventHeader" in lines
    assert ("telco/events/v1/roaming.proto: ack_rpc "
            "telco.events.v1.RoamingEventService.ConfirmRoamingEvent") in lines


def test_named_conventions_replace_recognition(iot: Path) -> None:
    # a team names its cursor type a pagination of its own, and one wrapper only
    (iot / "pyproject.toml").write_text(
        '[tool.protopact]\nname = "fleet-api"\n\n[tool.protopact.conventions]\n'
        'update_wrapper = ["fleet.v1.UpdateBoolean"]\nselection = [".fleet.v1.Device"]\n')
    result = run("conventions", str(iot), cwd=iot)
    assert result.exit_code == 0, result.stderr
    assert "fleet/v1/common.proto: update_wrapper fleet.v1.UpdateBoolean" in result.stdout
    assert "UpdateZeroableInt" not in result.stdout
    assert "fleet/v1/devices.proto: selection fleet.v1.Device" in result.stdout
    assert "DeviceSelection" not in result.stdout


@pytest.mark.parametrize("table, message", [
    ('pagination = ["fleet.v1.Nope"]', "pagination: 'fleet.v1.Nope' is not a message of the input"),
    ('paging = ["fleet.v1.Pagination"]', "unknown [tool.protopact.conventions] key 'paging'"),
])
def test_bad_named_conventions_are_one_line_errors(iot: Path, table: str, message: str) -> None:
    (iot / "pyproject.toml").write_text(f"[tool.protopact.conventions]\n{table}\n")
    result = run("conventions", str(iot), cwd=iot)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_contract_lint_follows_the_iot_api_own_conventions(iot: Path) -> None:
    result = run("lint", str(iot), "--error-format", "json", cwd=iot)
    contract = [line for line in result.stdout.splitlines() if '"CONTRACT_' in line]
    # DEFAULT = 0 follows buf.yaml's suffix; its own Pagination, PageCursor, wrappers and Timestamp
    # count: what is left are a phone number kept as text and a list without a selection
    assert sorted(line.split('"type":"')[1].split('"')[0] for line in contract) == [
        "CONTRACT_LIST_PAGINATION", "CONTRACT_VALUE_TYPES", "CONTRACT_VALUE_TYPES"]
    assert "ListReadings" in next(line for line in contract if "PAGINATION" in line)


def test_contract_lint_still_finds_what_the_iot_api_breaks(iot: Path) -> None:
    devices = iot / "fleet" / "v1" / "devices.proto"
    text = devices.read_text()
    text = text.replace("    DEFAULT = 0;", "    HEALTH_NONE = 0;", 1)
    text = text.replace("UpdateBoolean active = 3;", "bool active = 3;")
    text = text.replace("Timestamp last_seen = 9;", "string last_seen_at = 9;")
    text = text.replace("Pagination.Result pagination = 3;", "int32 total = 3;")
    devices.write_text(text)
    result = run("lint", str(iot), cwd=iot)
    assert result.exit_code == 100
    found = result.stdout
    assert 'Enum zero value "HEALTH_NONE" should be named "HEALTH_DEFAULT".' in found
    assert 'Field "active" of "UpdateDeviceRequest" should be a fleet.v1.UpdateBoolean' in found
    assert ('Field "last_seen_at" should have type fleet.v1.Timestamp or '
            "google.protobuf.Timestamp.") in found
    assert 'should answer with a fleet.v1.Pagination.Result in its response.' in found


def test_contract_lint_follows_the_telecom_api_own_events(telecom: Path) -> None:
    result = run("lint", str(telecom), cwd=telecom)
    assert result.exit_code == 0, result.stdout
    roaming = telecom / "telco" / "events" / "v1" / "roaming.proto"
    text = roaming.read_text()
    text = text.replace("  rpc ConfirmSimSwapEvent(ConfirmSimSwapEventRequest) returns "
                        "(ConfirmSimSwapEventResponse);\n", "")
    text = text.replace("EventHeader header = 1;\n  // What happened.\n  RoamingEvent",
                        "string header = 1;\n  // What happened.\n  RoamingEvent")
    roaming.write_text(text)
    result = run("lint", str(telecom), cwd=telecom)
    assert result.exit_code == 100
    assert ('Event RPC "StreamSimSwapEvents" should have an ack RPC "AckSimSwapEvent"'
            in result.stdout)
    assert ('Event RPC "StreamRoamingEvents" should answer with a telco.events.v1.EventHeader'
            in result.stdout)
