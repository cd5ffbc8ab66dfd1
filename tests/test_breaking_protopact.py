"""protopact's additions to ``breaking``: versioning advice (markdown and sarif only), the SARIF and
Markdown formats, stability marks read through the Image's pool, ``changelog``, and the repo itself
staying clean against ``main``."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from protopact.cli import load
from protopact.schema.stability import Stability, StabilityReader
from tests.conftest import REPO, run, write_tree

GOLDEN = REPO / "tests" / "golden" / "changelog"
BUF_FORMATS = ("text", "json", "msvs", "junit", "github-actions", "gitlab-code-quality")

# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that a producer must satisfy for
# what protopact emits; no installed package ships the full schema.
SARIF_2_1_0 = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "items": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {
                    "driver": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"},
                        "version": {"type": "string"},
                        "informationUri": {"type": "string", "format": "uri"},
                        "rules": {"type": "array", "uniqueItems": True, "items": {
                            "type": "object", "required": ["id"],
                            "properties": {"id": {"type": "string"}}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": -1},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"type": "object", "anyOf": [{"required": ["text"]},
                                                                {"required": ["id"]}]},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "properties": {
                                "artifactLocation": {"type": "object", "properties": {
                                    "uri": {"type": "string", "format": "uri-reference"}}},
                                "region": {"type": "object", "properties": {
                                    k: {"type": "integer", "minimum": 1} for k in (
                                        "startLine", "startColumn", "endLine", "endColumn")}},
                            }}}}},
                    }}},
            }}},
    },
}


def breaking(*args: str, cwd: Path = GOLDEN / "input"):  # type: ignore[no-untyped-def]
    return run("breaking", "current", "--against", "previous", *args, cwd=cwd)


def test_sarif_is_valid_sarif_2_1_0() -> None:
    result = breaking("--error-format", "sarif")
    assert result.exit_code == 100
    document = json.loads(result.stdout)
    jsonschema.validate(document, SARIF_2_1_0, format_checker=jsonschema.FormatChecker())
    run_ = document["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rules == ["FIELD_NO_DELETE", "FIELD_SAME_TYPE"]
    for item in run_["results"]:
        assert rules[item["ruleIndex"]] == item["ruleId"]
    region = run_["results"][0]["locations"][0]["physicalLocation"]
    assert region == {"artifactLocation": {"uri": "current/a/v1/a.proto"},
                      "region": {"startLine": 6, "startColumn": 1, "endLine": 14, "endColumn": 2}}
    clean = run("breaking", "previous", "--against", "previous", "--error-format", "sarif",
                cwd=GOLDEN / "input")
    assert clean.exit_code == 0
    jsonschema.validate(json.loads(clean.stdout), SARIF_2_1_0)


def test_advice_is_shown_by_sarif_markdown_and_changelog_only() -> None:
    sarif = json.loads(breaking("--error-format", "sarif").stdout)
    texts = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert texts[0] == ('Previously present field "2" with name "gone" on message "M" was deleted. '
                        'Add `reserved "gone";` to message "M" so that the number and name of '
                        'deleted field "gone" are never reused.')
    assert "reserve its number (`reserved 3;`) and add the field" in texts[1]
    assert texts[2].startswith('Field "4" with name "enabled" on message "M" changed type from '
                               '"message" to "bool". Replacing protopact.v1.UpdateBoolean with a '
                               "proto3 optional bool breaks the wire format")
    markdown = breaking("--error-format", "markdown").stdout
    assert '<br>**Advice:** Add `reserved "gone";` to message "M"' in markdown
    for fmt in BUF_FORMATS:
        output = breaking("--error-format", fmt).stdout
        assert output and "reserved" not in output and "Advice" not in output, fmt


def test_advice_names_every_missing_reserved_line(tmp_path: Path) -> None:
    message = 'syntax = "proto3";\npackage a.v1;\nmessage M {{ {} }}\n'
    write_tree(tmp_path, {"previous/a.proto": message.format("string a = 1; string b_c = 2;"),
                          "current/a.proto": message.format("string a = 1;")})
    result = run("breaking", "current", "--against", "previous", "--error-format", "markdown",
                 cwd=tmp_path)
    assert result.exit_code == 100
    assert ('Add `reserved 2;` and `reserved "b_c";` to message "M" so that the number and name of '
            'deleted field "b_c" are never reused.') in result.stdout


def test_markdown_table_and_escaping(tmp_path: Path) -> None:
    message = 'syntax = "proto3";\npackage a.v1;\nmessage M {{ string a = 1{}; }}\n'
    write_tree(tmp_path, {"buf.yaml": "version: v2\nbreaking:\n  use: [WIRE_JSON]\n",
                          "previous/a.proto": message.format(""),
                          "current/a.proto": message.format(' [json_name = "<img|x>"]')})
    result = run("breaking", "current", "--against", "previous", "--error-format", "markdown",
                 cwd=tmp_path)
    assert result.exit_code == 100
    assert result.stdout == (
        "**1 finding**\n\n| Location | Rule | Message |\n| --- | --- | --- |\n"
        '| `current/a.proto:3:27` | `FIELD_SAME_JSON_NAME` | Field "1" with name "a" on message "M" '
        'changed option "json_name" from "a" to "&lt;img\\|x&gt;". |\n')
    clean = run("breaking", "previous", "--against", "previous", "--error-format", "markdown",
                cwd=tmp_path)
    assert (clean.exit_code, clean.stdout) == (0, "No findings.\n")


def test_changelog_golden(tmp_path: Path) -> None:
    expected = (GOLDEN / "expected" / "CHANGELOG.md").read_text()
    result = run("changelog", "current", "--against", "previous", cwd=GOLDEN / "input")
    assert (result.exit_code, result.stdout) == (0, expected)
    out = tmp_path / "CHANGELOG.md"
    written = run("changelog", "current", "--against", "previous", "-o", str(out),
                  cwd=GOLDEN / "input")
    assert (written.exit_code, written.stdout, out.read_text()) == (0, "", expected)


def test_changelog_baseline_that_does_not_compile(tmp_path: Path) -> None:
    write_tree(tmp_path, {"previous/a.proto": "syntax = \"proto3\";\nmessage {\n",
                          "current/a.proto": 'syntax = "proto3";\npackage a;\n'})
    result = run("changelog", "current", "--against", "previous", cwd=tmp_path)
    assert result.exit_code == 1 and result.stderr.startswith("against: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_stability_marks_are_read_through_the_pool() -> None:
    image = load(str(REPO / "proto")).image
    reader = StabilityReader(image.pool)
    methods = {m.name: (s, m) for f in image.target_files() for s in f.service for m in s.method}
    service, method = methods["ListWebhookDeliveries"]
    assert reader.own(service.options) is Stability.STABLE
    assert reader.own(method.options) is Stability.BETA
    assert reader.effective("protopact.example.webhooks.v1", (service.options,)) is Stability.STABLE
    service, method = methods["CurrentUser"]
    assert reader.deprecated(method.options) and not reader.deprecated(service.options)
    assert reader.effective("protopact.example.playground.v0", ()) is Stability.BETA


def test_an_option_of_the_same_number_but_another_name_is_not_a_stability_mark(
        tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.proto": """
        syntax = "proto3";
        package a.v1;
        import "google/protobuf/descriptor.proto";
        extend google.protobuf.MessageOptions { int32 weight = 51003; }
        message M { option (weight) = 2; }
    """})
    image = load(str(tmp_path)).image
    options = next(m for f in image.target_files() for m in f.message_type).options
    assert options.ByteSize() and StabilityReader(image.pool).own(options) is Stability.DEFAULT


def test_rules_breaking_lists_the_protopact_rules() -> None:
    listed = {json.loads(line)["id"]: json.loads(line)
              for line in run("rules", "breaking", "--format", "json").stdout.splitlines()}
    assert listed["STABILITY_BETA_MAY_CHANGE"]["filter"] is True
    assert listed["HTTP_SAME_PATH"] == {
        "id": "HTTP_SAME_PATH", "categories": ["HTTP"], "default": False,
        "purpose": "Checks that google.api.http bindings keep their path template (variables aside).",
        "origin": "protopact", "deprecated": False, "replacements": [], "implemented": True,
        "filter": False}
    table = run("rules", "breaking").stdout
    assert "| `STABILITY_BETA_MAY_CHANGE` | STABILITY | no |" in table
    assert "filter: drops other rules' findings, reports none" in table


@pytest.mark.parametrize("config", ["", "--path=proto/protopact/example"])
def test_repo_is_clean_against_main(config: str) -> None:
    args = ("breaking", "--against", ".git#branch=main", *([config] if config else []))
    result = run(*args, cwd=REPO)
    assert (result.exit_code, result.stdout) == (0, ""), result.stdout


def test_changelog_tells_a_new_alias_from_a_reworded_value(tmp_path: Path) -> None:
    enum = ('syntax = "proto3";\npackage a.v1;\nenum E {\n  option allow_alias = true;\n'
            "  E_UNSPECIFIED = 0;\n  // The old name.\n  E_OLD = 1;\n  E_ONE = 1;\nEXTRA}\n")
    write_tree(tmp_path / "before", {"buf.yaml": "version: v2\n", "a/v1/a.proto": enum.replace("EXTRA", "")})
    write_tree(tmp_path / "after", {"buf.yaml": "version: v2\n", "a/v1/a.proto": enum.replace(
        "EXTRA", "  // The new name of E_OLD.\n  E_NEW = 1;\n")})
    text = run("changelog", "after", "--against", "before", cwd=tmp_path).stdout
    assert text.endswith("## Added\n\n### enum `a.v1.E` (`after/a/v1/a.proto`)\n\n"
                         "- enum value `E_NEW`\n")
    assert "## Comments changed" not in text and "## Removed" not in text
    assert run("breaking", "after", "--against", "before", "--bump-from", "1.2.3",
               cwd=tmp_path).stdout == "1.3.0\n"
