"""``protopact format`` against the real ``buf format`` on hypothesis-generated ``.proto`` files.

Each file is a random schema (proto2, proto3, editions or no syntax line; messages with scalar, map,
oneof and nested fields, enums, services, reserved ranges, extensions, custom options with aggregate
values) written token by token with random whitespace, random comments (leading, trailing, detached,
line and block) at every statement boundary, and empty statements (``;``) wherever protoc accepts
them. Per file: protopact's output equals buf's, formatting it again gives what buf gives when it
formats its own output (the same text, unless dropped empty statements left blank lines buf removes
on a second pass), and it compiles to the same descriptors as the original (source info aside).
Many files share one buf run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from protopact.format import format_text
from tests.conftest import buf_binary, run

BATCH = 25  # files per example, one buf run and two builds each
SCALARS = ["int32", "int64", "uint64", "sint32", "fixed32", "sfixed64", "bool", "string", "bytes",
           "double", "float"]
MAP_KEYS = ["int32", "uint64", "bool", "string"]
# NUMBER is each file's own (a number two files take is refused by the build, as by buf's)
OPTION_DEFS = """extend google.protobuf.FileOptions { %(l)sint32 file_opt = NUMBER1; }
extend google.protobuf.MessageOptions { %(l)sOpt msg_opt = NUMBER2; }
extend google.protobuf.FieldOptions { %(l)sint32 fld_opt = NUMBER3; %(l)sOpt fld_msg = NUMBER4; }
message Opt { %(l)sint32 a = 1; %(l)sstring b = 2; repeated int32 c = 3; %(l)sOpt d = 4; }
"""
WORDS = st.sampled_from(["note", "why: wire compatibility", "TODO(x): later", "é ü", "a * b", "x//y",
                         "", "  indented", "-- dash", "see `Foo`"])

# A statement is a list of tokens; a block statement is (header tokens, body statements).
Statement = list[str] | tuple[list[str], list["Statement"]]


@dataclass
class Ctx:
    syntax: str  # "proto2", "proto3", "editions" or "" (no syntax statement: proto2)
    messages: list[str]
    enums: list[str]
    options: bool

    @property
    def proto2(self) -> bool:
        return self.syntax in ("proto2", "")


def _label(draw: st.DrawFn, ctx: Ctx, repeated_ok: bool = True) -> list[str]:
    choices = [[]] if not ctx.proto2 else [["optional"]]
    if ctx.syntax == "proto3":
        choices.append(["optional"])
    if repeated_ok:
        choices.append(["repeated"])
    return draw(st.sampled_from(choices))


def _value(draw: st.DrawFn, type_: str) -> str:
    if type_ == "string" or type_ == "bytes":
        return draw(st.sampled_from(['"a"', "'b c'", '"x" "y"', '"\\n\\t"']))
    if type_ == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if type_ in ("double", "float"):
        return draw(st.sampled_from(["1.5", "-2", "inf", "-inf", "nan", "1e10"]))
    return draw(st.sampled_from(["0", "7", "0x1F", "017"] + (["-3"] if type_[0] in "is" else [])))


def _field_options(draw: st.DrawFn, ctx: Ctx, type_: str, label: list[str], name: str) -> list[str]:
    options = []
    if draw(st.booleans()):
        options.append(["deprecated", "=", draw(st.sampled_from(["true", "false"]))])
    if draw(st.booleans()):
        options.append(["json_name", "=", f'"{name}J"'])
    if ctx.proto2 and label == ["optional"] and type_ in SCALARS and draw(st.booleans()):
        options.append(["default", "=", _value(draw, type_)])
    if ctx.options and draw(st.booleans()):
        options.append(["(", "fld_opt", ")", "=", _value(draw, "int32")])
    if ctx.options and draw(st.integers(0, 3)) == 0:
        options.append(["(", "fld_msg", ")", "="] + _aggregate(draw, 0))
    if not options:
        return []
    out = ["["]
    for i, option in enumerate(options):
        out += ([","] if i else []) + option
    return out + ["]"]


def _field(draw: st.DrawFn, ctx: Ctx, name: str, number: int, in_oneof: bool = False) -> list[str]:
    kinds = SCALARS + ctx.messages + ctx.enums
    type_ = draw(st.sampled_from(kinds))
    if not in_oneof and draw(st.integers(0, 5)) == 0:
        value = draw(st.sampled_from(SCALARS + ctx.messages))
        tokens = ["map", "<", draw(st.sampled_from(MAP_KEYS)), ",", value, ">", name, "=", str(number)]
        return tokens + _field_options(draw, ctx, "map", [], name) + [";"]
    label = [] if in_oneof else _label(draw, ctx)
    return label + [type_, name, "=", str(number)] + _field_options(draw, ctx, type_, label, name) + [";"]


def _enum(draw: st.DrawFn, ctx: Ctx, name: str) -> Statement:
    body: list[Statement] = []
    count = draw(st.integers(1, 4))
    alias = count > 1 and draw(st.booleans())
    if alias:
        body.append(["option", "allow_alias", "=", "true", ";"])
    for i in range(count):
        number = 0 if (i == 0 or (alias and i == 1)) else i
        options = ["[", "deprecated", "=", "true", "]"] if draw(st.integers(0, 4)) == 0 else []
        body.append([f"{name}_V{i}", "=", str(number)] + options + [";"])
    if draw(st.booleans()):
        body.append(["reserved", "10", "to", "12", ",", "20", ";"])
    return (["enum", name], body)


def _message(draw: st.DrawFn, ctx: Ctx, name: str, depth: int) -> Statement:
    body: list[Statement] = []
    number = 1
    for i in range(draw(st.integers(0, 4))):
        body.append(_field(draw, ctx, f"f{i}", number))
        number += 1
    if draw(st.booleans()):
        fields: list[Statement] = []
        for i in range(draw(st.integers(1, 2))):
            fields.append(_field(draw, ctx, f"o{i}", number, in_oneof=True))
            number += 1
        body.append((["oneof", "choice"], fields))
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        body.append(_message(draw, ctx, f"{name}N", depth + 1))
    if draw(st.integers(0, 3)) == 0:
        body.append(_enum(draw, ctx, f"{name}E"))
    if draw(st.integers(0, 3)) == 0:
        body.append(["reserved", "100", ",", "102", "to", "105", ";"])
    if draw(st.integers(0, 3)) == 0:
        names = ["r1", "r2"] if ctx.syntax == "editions" else ['"r1"', '"r2"']
        body.append(["reserved", names[0], ",", names[1], ";"])
    if ctx.proto2 and draw(st.integers(0, 3)) == 0:
        body.append(["extensions", "1000", "to", "max", ";"])
    if draw(st.integers(0, 4)) == 0:
        body.append(["option", "deprecated", "=", "true", ";"])
    if ctx.options and draw(st.integers(0, 2)) == 0:
        body.append(["option", "(", "msg_opt", ")", "="] + _aggregate(draw, 0) + [";"])
    draw(st.randoms()).shuffle(body)
    return (["message", name], body)


def _aggregate(draw: st.DrawFn, depth: int) -> list[str]:
    """A message literal, with comments and blank lines where people write them: above a field or
    an array element, after a value, a ``{`` or a ``[``, and above a closing brace."""
    tokens = [_after(draw, "{")]
    if draw(st.booleans()):
        tokens += [_before(draw, "a"), ":", _after(draw, _value(draw, "int32"))]
    if draw(st.booleans()):
        tokens += [_before(draw, "b"), ":", _value(draw, "string")]
        tokens += [_after(draw, sep) for sep in draw(st.sampled_from([[], [","], [";"]]))]
    if draw(st.booleans()):
        items = [_before(draw, _value(draw, "int32")) for _ in range(draw(st.integers(0, 3)))]
        tokens += [_before(draw, "c"), ":", _after(draw, "[")]
        tokens += [t for i, v in enumerate(items) for t in ([_after(draw, ",")] if i else []) + [v]]
        tokens.append(_after(draw, _before(draw, "]")))
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        tokens += [_before(draw, "d")] + draw(st.sampled_from([[], [":"]])) + _aggregate(draw, depth + 1)
    return tokens + [_after(draw, _before(draw, "}"))]


def _before(draw: st.DrawFn, token: str) -> str:
    """``token``, now and then with comments above it: right above, or groups set apart by blank
    lines (which buf moves up to other fields)."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return "\n" + _group(draw) + token
    if kind == 1:
        groups = [_group(draw) for _ in range(draw(st.integers(1, 2)))]
        return "\n\n" + "\n".join(groups) + draw(st.sampled_from(["", "\n"])) + token
    return token


def _after(draw: st.DrawFn, token: str) -> str:
    """``token``, now and then with a comment after it on its line."""
    return token + " " + _comment(draw) if draw(st.integers(0, 4)) == 0 else token


def _service(draw: st.DrawFn, ctx: Ctx) -> Statement:
    body: list[Statement] = []
    for i in range(draw(st.integers(0, 3))):
        request, response = draw(st.sampled_from(ctx.messages)), draw(st.sampled_from(ctx.messages))
        header = ["rpc", f"Call{i}", "("] + (["stream"] if draw(st.booleans()) else []) + [request, ")",
                  "returns", "("] + (["stream"] if draw(st.booleans()) else []) + [response, ")"]
        if draw(st.booleans()):
            body.append(header + [";"])
        else:
            options: list[Statement] = [["option", "deprecated", "=", "true", ";"]] if draw(st.booleans()) else []
            body.append((header, options))
    if draw(st.integers(0, 3)) == 0:
        body.append(["option", "deprecated", "=", "true", ";"])
    return (["service", "Svc"], body)


@st.composite
def proto_file(draw: st.DrawFn) -> list[Statement]:
    syntax = draw(st.sampled_from(["proto3", "proto2", "editions", ""]))
    count = draw(st.integers(1, 3))
    ctx = Ctx(syntax, [f"M{i}" for i in range(count)], [], draw(st.booleans()))
    ctx.enums = [f"E{i}" for i in range(draw(st.integers(0, 2)))]
    statements: list[Statement] = []
    if syntax == "editions":
        statements.append(["edition", "=", '"2023"', ";"])
    elif syntax:
        statements.append(["syntax", "=", f'"{syntax}"', ";"])
    # one package per file (the test names it) keeps the batch's files from clashing
    statements.append(["package", "PACKAGE", ";"])
    imports = draw(st.lists(st.sampled_from(["google/protobuf/duration.proto", "google/protobuf/empty.proto"]),
                            max_size=2, unique=True))
    if ctx.options:
        imports.append("google/protobuf/descriptor.proto")
    for path in imports:
        statements.append(["import"] + draw(st.sampled_from([[], ["public"]])) + [f'"{path}"', ";"])
    if draw(st.booleans()):
        statements.append(["option", "java_package", "=", '"com.example"', ";"])
    if draw(st.booleans()):
        statements.append(["option", "optimize_for", "=", "SPEED", ";"])
    body: list[Statement] = []
    if ctx.options:
        label = "optional " if ctx.proto2 else ""
        for line in (OPTION_DEFS % {"l": label}).splitlines():
            body.append(line.split())
        statements.append(["option", "(", "file_opt", ")", "=", "3", ";"])
    body += [_message(draw, ctx, name, 0) for name in ctx.messages]
    body += [_enum(draw, ctx, name) for name in ctx.enums]
    if draw(st.booleans()):
        body.append(_service(draw, ctx))
    draw(st.randoms()).shuffle(body)
    return statements + body


def _comment(draw: st.DrawFn) -> str:
    text = draw(WORDS)
    if draw(st.booleans()):
        return f"//{draw(st.sampled_from(['', ' ']))}{text}\n"
    return f"/*{text}{draw(st.sampled_from(['', chr(10) + ' * more', ' ']))}*/"


def _group(draw: st.DrawFn) -> str:
    """One to three comments, each on its own line(s)."""
    return "".join(c if c.endswith("\n") else c + "\n" for c in
                   (_comment(draw) for _ in range(draw(st.integers(1, 3)))))


def _boundary(draw: st.DrawFn, closing: bool = False) -> str:
    """Whitespace and comments before a statement (or a closing brace), laid out as people write
    them: a detached group set apart by blank lines (a section header), then a group right above."""
    parts = [draw(st.sampled_from(["\n", "\n\n", "\n  ", "\n\n\n"]))]
    if not closing and draw(st.integers(0, 3)) == 0:
        parts += ["" if parts[0].count("\n") > 1 else "\n", _group(draw), "\n"]
    if draw(st.integers(0, 2)) == 0:
        parts.append(_group(draw))
    return "".join(parts)


def _gap(draw: st.DrawFn, before: str, after: str) -> str:
    """Whitespace between two tokens of one statement (none where protoc's tokenizer allows it)."""
    wordish = (before[-1].isalnum() or before[-1] in "_\"'.") and (after[0].isalnum() or after[0] in "_\"'.")
    return draw(st.sampled_from([" ", " ", "  ", "\n", "\t"] + ([] if wordish else ["", ""])))


def _with_empty(draw: st.DrawFn, statements: list[Statement]) -> list[Statement]:
    """``statements`` with empty statements (a bare ``;``) between some of them and at either end."""
    out: list[Statement] = []
    for n, statement in enumerate([*statements, None]):
        syntax = n == 0 and statement is not None and statement[0] in ("syntax", "edition")
        while not syntax and draw(st.integers(0, 5)) == 0:  # protoc wants `syntax` first
            out.append([";"])
        if statement is not None:
            out.append(statement)
    return out


def _write(draw: st.DrawFn, statements: list[Statement], out: list[str], empty_ok: bool = True) -> None:
    for statement in _with_empty(draw, statements) if empty_ok else statements:
        out.append(_boundary(draw))
        tokens = statement[0] if isinstance(statement, tuple) else statement
        for i, token in enumerate(tokens):
            if i:
                out.append(_gap(draw, tokens[i - 1], token))
            out.append(token)
        if isinstance(statement, tuple):
            out.append(_gap(draw, tokens[-1], "{") + "{")
            _write(draw, statement[1], out, tokens[0] not in ("oneof", "extend"))  # protoc refuses `;` there
            out.append(_boundary(draw, closing=True) + "}")
        if draw(st.integers(0, 3)) == 0:
            out.append(" " + _comment(draw))
            out.append("\n")


@st.composite
def messy_file(draw: st.DrawFn) -> str:
    out: list[str] = []
    _write(draw, draw(proto_file()), out)
    return "".join(out).lstrip("\n ") + draw(st.sampled_from(["\n", "", "\n\n", "\n// end\n"]))


def _descriptors(tree: Path, out: Path) -> dict[str, bytes]:
    result = run("build", str(tree), "--exclude-source-info", "--exclude-imports", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    image = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return {f.name.split("/", 1)[0]: _imports_sorted(f).SerializeToString(deterministic=True)
            for f in image.file}


def _imports_sorted(file: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """The file with its imports in path order (buf format sorts them; nothing else may change)."""
    public = {file.dependency[i] for i in file.public_dependency}
    weak = {file.dependency[i] for i in file.weak_dependency}
    deps = sorted(file.dependency)
    file.ClearField("dependency")
    file.ClearField("public_dependency")
    file.ClearField("weak_dependency")
    file.dependency.extend(deps)
    file.public_dependency.extend(i for i, d in enumerate(deps) if d in public)
    file.weak_dependency.extend(i for i, d in enumerate(deps) if d in weak)
    return file


# Derandomized and not shrunk: CI sees the same 100 files each run, and a failure names its file.
@settings(max_examples=4, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(files=st.lists(messy_file(), min_size=BATCH, max_size=BATCH))
def test_random_files_format_as_buf_does(files: list[str], tmp_path_factory) -> None:
    work = tmp_path_factory.mktemp("fmt")
    source, out = work / "in", work / "out"
    files = [re.sub(r"NUMBER(\d)", lambda m, i=i: str(50000 + 10 * i + int(m[1])),
                    text.replace("PACKAGE", f"p{i}.v1")) for i, text in enumerate(files)]
    for i, text in enumerate(files):
        (source / f"f{i}").mkdir(parents=True)
        (source / f"f{i}" / "a.proto").write_text(text)
    (source / "buf.yaml").write_text("version: v2\n")
    original = _descriptors(source, work / "original.binpb")
    subprocess.run([buf_binary(), "format", str(source), "-o", str(out)], check=True, capture_output=True)
    formatted_tree = work / "formatted"
    shutil.copytree(out, formatted_tree)
    (formatted_tree / "buf.yaml").write_text("version: v2\n")
    subprocess.run([buf_binary(), "format", str(formatted_tree), "-o", str(work / "twice")], check=True,
                   capture_output=True)
    for i, text in enumerate(files):
        expected = (out / f"f{i}" / "a.proto").read_text()
        ours = format_text(text)
        assert ours == expected, f"f{i}/a.proto differs from buf format:\n{text}"
        twice = (work / "twice" / f"f{i}" / "a.proto").read_text()
        assert format_text(ours) == twice, f"f{i}/a.proto formatted twice differs from buf:\n{text}"
    assert _descriptors(formatted_tree, work / "formatted.binpb") == original
