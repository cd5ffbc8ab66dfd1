"""buf's JSON lines: one finding a line, compact, with Go's escapes of <, >, & and line separators."""

import json

from hypothesis import given
from hypothesis import strategies as st

from protopact.checks.findings import Reported
from protopact.checks.formats import json_lines


def test_json_lines_escape_as_go_does() -> None:
    findings = [Reported("a.proto", 1, 2, "R", 'map<string, int32> & "x"\u2028é', 1, 5),
                Reported("", 0, 0, "R", "no file", 0, 0)]
    assert json_lines(findings) == (
        '{"path":"a.proto","start_line":1,"start_column":2,"end_line":1,"end_column":5,"type":"R",'
        '"message":"map\\u003cstring, int32\\u003e \\u0026 \\"x\\"\\u2028é"}\n'
        '{"start_line":1,"start_column":1,"end_line":1,"end_column":1,"type":"R",'
        '"message":"no file"}\n')
    assert json_lines([]) == ""


@given(st.lists(st.builds(Reported, st.text(), st.integers(0, 9), st.integers(0, 9), st.text(),
                          st.text(), st.integers(0, 9), st.integers(0, 9)), max_size=4))
def test_json_lines_are_the_records_in_buf_order(findings: list[Reported]) -> None:
    lines = json_lines(findings).split("\n")
    assert lines.pop() == ""
    records = [json.loads(line) for line in lines]
    assert records == [{**({"path": f.path} if f.path else {}),
                        "start_line": max(f.start_line, 1), "start_column": max(f.start_column, 1),
                        "end_line": max(f.end_line, 1), "end_column": max(f.end_column, 1),
                        "type": f.type, "message": f.message} for f in findings]
    assert [list(r) for r in records] == [
        [*(["path"] if f.path else []), "start_line", "start_column", "end_line", "end_column",
         "type", "message"] for f in findings]
