"""Helpers shared by the fuzz tests: a CLI run that must end cleanly, and a rich schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ..conftest import Result, run, write_tree

# Bounded examples, no example database, a fixed sequence of cases: a fuzz test must cost the same
# and give the same verdict on every run (explore further with PROTOPACT_FUZZ_RANDOM=1).
FUZZ = settings(deadline=None, database=None, derandomize=not os.environ.get("PROTOPACT_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Every feature a consumer walks: nesting, oneofs, maps, enums, services with streams, options,
# HTTP bindings, extensions, comments, a public import.
RICH: dict[str, str | bytes] = {
    "acme/v1/common.proto": """
        syntax = "proto3";
        package acme.v1;
        // A colour.
        enum Colour { COLOUR_DEFAULT = 0; COLOUR_RED = 1; }
        message Money { string currency = 1; int64 units = 2; }
    """,
    "acme/v1/shop.proto": """
        syntax = "proto3";
        package acme.v1;
        import public "acme/v1/common.proto";
        import "google/api/annotations.proto";
        import "google/protobuf/timestamp.proto";
        // A thing for sale.
        message Item {
          string name = 1 [json_name = "itemName", deprecated = true];
          map<string, Money> prices = 2;
          oneof kind { string sku = 3; int32 code = 4; }
          repeated Colour colours = 5;
          google.protobuf.Timestamp at = 6;
          message Part { optional bytes data = 1; Item parent = 2; }
          repeated Part parts = 7;
          reserved 9, 10 to 12;
          reserved "old";
        }
        message GetItemRequest { string name = 1; }
        message ListItemsResponse { repeated Item items = 1; string next_page_token = 2; }
        // The shop.
        service Shop {
          rpc GetItem(GetItemRequest) returns (Item) {
            option (google.api.http) = { get: "/v1/{name=items/*}" };
          }
          rpc Watch(GetItemRequest) returns (stream Item);
          rpc List(GetItemRequest) returns (ListItemsResponse) {
            option (google.api.http) = { post: "/v1/items:list" body: "*" };
          }
        }
    """,
    "acme/v1/custom.proto": """
        syntax = "proto2";
        package acme.v1;
        import "google/protobuf/descriptor.proto";
        message Label { optional string text = 1; repeated Label children = 2; }
        extend google.protobuf.FieldOptions { optional Label label = 51234; }
        message Tagged {
          optional string a = 1 [(label) = { text: "x" children { text: "y" } }];
          extensions 100 to 200;
        }
    """,
}


def clean(result: Result) -> Result:
    """``result`` after checking that the command ended as a CLI must: exit 0, 1 or 100, and on 1
    a reason without a traceback or an internal error."""
    assert result.exit_code in (0, 1, 100), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 1:
        assert result.stderr.strip(), "an error without a reason"
    return result


def clean_run(*args: str, cwd: Path) -> Result:
    return clean(run(*args, cwd=cwd))


@pytest.fixture(scope="session")
def rich_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RICH on disk with its image (``original.binpb``), compiled once for every fuzz test."""
    root = write_tree(tmp_path_factory.mktemp("rich"), RICH)
    assert run("build", ".", "-o", "original.binpb", cwd=root).exit_code == 0
    return root
