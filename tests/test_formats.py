"""buf's JSON lines: one finding a line, compact, with Go's escapes of <, >, & and line separators."""

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
