"""protopact breaking against the real buf 1.75 on hypothesis-generated schema mutations.

Each example is a tree of many independent packages (``p0/a.proto`` ... ``pN/a.proto``), each holding
one base schema and one mutation of it, so one buf run checks a whole batch. Across the examples at
least 300 mutations are checked per run. The (path, start line, start column, rule) multisets must be
equal, with every rule selected. A disagreement found here becomes a fixture in ``tests/breaking``.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import buf_binary, run

BATCH = 80  # mutations per example; 4 examples -> 320 per run
ALL_RULES = "version: v2\nbreaking:\n  use: [FILE, PACKAGE, WIRE, WIRE_JSON, FIELD_SAME_DEFAULT]\n"
# baseline layout -> (its buf.yaml, the directory its files go in)
BASELINE_LAYOUTS = {
    "v2": (ALL_RULES, "previous"),
    "v2_module": ("version: v2\nmodules:\n  - path: proto\n", "previous/proto"),
    "v1beta1_root": ("version: v1beta1\nbuild:\n  roots: [src]\n", "previous/src"),
}
SCALARS = ["int32", "int64", "uint32", "sint32", "fixed32", "sfixed64", "bool", "string", "bytes",
           "double", "float"]
MAP_KEYS = ["int32", "int64", "uint64", "sint32", "bool", "string"]


@dataclass
class Field:
    name: str
    number: int
    type: str
    label: str = ""  # "", "repeated", "optional"
    json_name: str = ""
    oneof: str = ""

    @property
    def is_map(self) -> bool:
        return self.type.startswith("map<")

    def uses(self, name: str) -> bool:
        return self.type == name or self.type.endswith(f", {name}>")


@dataclass
class Schema:
    syntax: str
    fields: list[Field]
    values: list[tuple[str, int]]
    rpcs: list[tuple[str, bool, bool, str]]  # name, client streaming, server streaming, request
    reserved: list[tuple[int, int]] = field(default_factory=list)
    reserved_names: list[str] = field(default_factory=list)
    nested: bool = True
    go_package: str = ""
    file_name: str = "a.proto"
    package_suffix: str = ""
    service: bool = True
    enum: bool = True
    imports_timestamp: bool = True
    options: list[str] = field(default_factory=list)  # file and message option lines

    def render(self, package: str) -> str:
        package += self.package_suffix
        lines = [f'syntax = "{self.syntax}";', f"package {package};"]
        if self.imports_timestamp:
            lines.append('import "google/protobuf/timestamp.proto";')
        if self.go_package:
            lines.append(f'option go_package = "{self.go_package}";')
        lines += [o for o in self.options if o.startswith("option ")]
        if self.enum:
            lines.append("enum E {")
            lines += [f"  {package.upper().replace('.', '_')}_{n} = {v};" for n, v in self.values]
            lines.append("}")
        lines.append("message N {}" if self.nested else "")
        lines.append("message M {")
        lines += [f"  {o.removeprefix('message ')}" for o in self.options if o.startswith("message ")]
        if self.imports_timestamp:
            label = "optional " if self.syntax == "proto2" else ""
            lines.append(f"  {label}google.protobuf.Timestamp at = 90;")
        oneofs: dict[str, list[str]] = {}
        for f in self.fields:
            options = f' [json_name = "{f.json_name}"]' if f.json_name else ""
            text = f"{f.type} {f.name} = {f.number}{options};"
            if f.oneof:
                oneofs.setdefault(f.oneof, []).append(text)
                continue
            label = f.label or ("optional" if self.syntax == "proto2" and not f.is_map else "")
            lines.append(f"  {label} {text}".replace("  ", "  ", 1))
        for name, members in oneofs.items():
            lines.append(f"  oneof {name} {{ " + " ".join(members) + " }")
        if self.reserved:
            lines.append("  reserved " + ", ".join(f"{a} to {b}" if a != b else str(a)
                                                  for a, b in self.reserved) + ";")
        if self.reserved_names:
            lines.append("  reserved " + ", ".join(f'"{n}"' for n in self.reserved_names) + ";")
        lines.append("}")
        if self.service:
            lines.append("service S {")
            for name, client, server, request in self.rpcs:
                lines.append(f"  rpc {name}({'stream ' if client else ''}{request}) returns "
                             f"({'stream ' if server else ''}M);")
            lines.append("}")
        return "\n".join(lines) + "\n"


def base(syntax: str) -> Schema:
    fields = [Field("a", 1, "int32"), Field("b", 2, "string"), Field("c", 3, "E"),
              Field("d", 4, "N"), Field("e", 5, "int64", label="repeated"),
              Field("f", 6, "bytes", oneof="choice"), Field("g", 7, "bool", oneof="choice"),
              Field("h", 8, "map<string, string>"), Field("k", 9, "map<int32, N>")]
    values = [("ZERO", 0), ("ONE", 1), ("TWO", 2)]
    rpcs = [("Get", False, False, "M"), ("Watch", False, True, "N")]
    return Schema(syntax, fields, values, rpcs, reserved=[(20, 30)], reserved_names=["old"])


def mutate(schema: Schema, data: st.DataObject) -> Schema:
    s = copy.deepcopy(schema)
    op = data.draw(st.sampled_from([
        "delete_field", "rename_field", "renumber_field", "retype_field", "label_field",
        "json_name", "oneof_move", "add_field", "delete_value", "rename_value", "renumber_value",
        "retype_map", "delete_rpc", "stream", "request", "reserved", "reserved_name", "syntax", "nested",
        "go_package", "delete_oneof", "package", "rename_file", "delete_service",
        "delete_enum", "drop_import", "file_option", "message_option"]))
    i = data.draw(st.integers(0, len(s.fields) - 1))
    f = s.fields[i]
    if op == "delete_field":
        del s.fields[i]
    elif op == "rename_field":
        f.name += "x"
    elif op == "renumber_field":
        f.number += 100
    elif op == "retype_field":
        f.type = data.draw(st.sampled_from(SCALARS + ["E", "N"]))
        if f.label == "repeated" and f.type in ("E", "N"):
            f.label = ""
    elif op == "retype_map":
        f = data.draw(st.sampled_from([fl for fl in s.fields if fl.is_map]))
        f.type = (f"map<{data.draw(st.sampled_from(MAP_KEYS))}, "
                  f"{data.draw(st.sampled_from(SCALARS + ['E', 'N']))}>")
    elif op == "label_field" and not f.oneof and not f.is_map:
        f.label = data.draw(st.sampled_from(["", "repeated"] + (["optional"] if s.syntax == "proto3" else [])))
    elif op == "json_name":
        f.json_name = data.draw(st.sampled_from(["other", f.name, "xY"]))
    elif op == "oneof_move" and not f.is_map:
        f.oneof = "" if f.oneof else "choice"
        f.label = ""
    elif op == "add_field":
        s.fields.append(Field("z", 50, data.draw(st.sampled_from(SCALARS))))
    elif op == "delete_value" and len(s.values) > 1:
        del s.values[data.draw(st.integers(1, len(s.values) - 1))]
    elif op == "rename_value":
        j = data.draw(st.integers(0, len(s.values) - 1))
        s.values[j] = (s.values[j][0] + "_X", s.values[j][1])
    elif op == "renumber_value":
        j = data.draw(st.integers(1, len(s.values) - 1))
        s.values[j] = (s.values[j][0], s.values[j][1] + 10)
    elif op == "delete_rpc":
        del s.rpcs[data.draw(st.integers(0, len(s.rpcs) - 1))]
    elif op == "stream":
        name, client, server, request = s.rpcs[0]
        s.rpcs[0] = (name, data.draw(st.booleans()), data.draw(st.booleans()), request)
    elif op == "request":
        name, client, server, request = s.rpcs[0]
        s.rpcs[0] = (name, client, server, "N" if request == "M" else "M")
    elif op == "reserved":
        s.reserved = data.draw(st.sampled_from([[], [(20, 25)], [(22, 40)], [(20, 30), (100, 100)]]))
    elif op == "reserved_name":
        s.reserved_names = data.draw(st.sampled_from([[], ["old", "new"], ["new"]]))
    elif op == "syntax":
        s.syntax = "proto2" if s.syntax == "proto3" else "proto3"
        for fl in s.fields:
            if fl.label == "optional":
                fl.label = ""
    elif op == "nested" and not any(fl.uses("N") for fl in s.fields) and all(
            r[3] != "N" for r in s.rpcs):
        s.nested = False
    elif op == "go_package":
        s.go_package = "example.com/x"
    elif op == "delete_oneof":
        s.fields = [fl for fl in s.fields if not fl.oneof]
    elif op == "package":
        s.package_suffix = ".v2"
    elif op == "rename_file":
        s.file_name = "b.proto"
    elif op == "delete_service":
        s.service = False
    elif op == "delete_enum":
        s.enum = False
        s.fields = [fl for fl in s.fields if not fl.uses("E")]
    elif op == "drop_import":
        s.imports_timestamp = False
    elif op == "file_option":
        s.options.append(data.draw(st.sampled_from([
            'option java_package = "com.example";', "option java_multiple_files = true;",
            "option cc_enable_arenas = false;", 'option php_namespace = "A\\\\B";',
            "option optimize_for = CODE_SIZE;", 'option csharp_namespace = "X";'])))
    elif op == "message_option":
        s.options.append(data.draw(st.sampled_from([
            "message option deprecated = true;",
            "message option no_standard_descriptor_accessor = true;"])))
    return s


def findings_buf(root: Path) -> Counter[tuple[str, int, int, str]]:
    out = subprocess.run([buf_binary(), "breaking", "current", "--against", "previous",
                          "--error-format", "json"], cwd=root, capture_output=True, text=True)
    assert out.returncode in (0, 100), out.stderr
    return Counter(_key(json.loads(line)) for line in out.stdout.splitlines())


def findings_ours(root: Path) -> Counter[tuple[str, int, int, str]]:
    out = run("breaking", "current", "--against", "previous", "--error-format", "json", cwd=root)
    assert out.exit_code in (0, 100), out.stderr
    return Counter(_key(json.loads(line)) for line in out.stdout.splitlines())


def _key(row: dict) -> tuple[str, int, int, str]:  # type: ignore[type-arg]
    return (row.get("path", ""), row["start_line"], row["start_column"], row["type"])


@settings(max_examples=4, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(st.data())
def test_breaking_verdicts_equal_bufs(tmp_path_factory, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("mutations")
    # The baseline is laid out by its own buf.yaml, which need not be the input's.
    layout = data.draw(st.sampled_from(sorted(BASELINE_LAYOUTS)))
    (root / "previous").mkdir()
    (root / "previous" / "buf.yaml").write_text(BASELINE_LAYOUTS[layout][0])
    (root / "current").mkdir()
    (root / "current" / "buf.yaml").write_text(ALL_RULES)
    dirs = {"previous": BASELINE_LAYOUTS[layout][1], "current": "current"}
    for i in range(BATCH):
        schema = base(data.draw(st.sampled_from(["proto2", "proto3"])))
        mutated = mutate(schema, data)
        for side, s in (("previous", schema), ("current", mutated)):
            path = root / dirs[side] / f"p{i}" / s.file_name
            path.parent.mkdir(parents=True)
            path.write_text(s.render(f"p{i}"))
    theirs, ours = findings_buf(root), findings_ours(root)
    assert sum(theirs.values()) > BATCH // 4  # the mutations do break things
    assert ours == theirs, {"only buf": theirs - ours, "only protopact": ours - theirs}
