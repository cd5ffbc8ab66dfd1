"""The generated package's ``validate()``: the contract's buf.validate rules, checked on the client
side with protovalidate (the ``validate`` extra). Run in a child interpreter, so that the generated
modules register their files in a descriptor pool of their own."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from protopact import fieldpath
from tests.conftest import REPO

PACKAGE = REPO / "generated" / "python"

CLIENT = """
import sys
from protopact_example_api.protopact.example.sms.v1.sms_pb2 import SendTextToSubscriberRequest
from protopact_example_api.protopact.v1.selection_pb2 import TimeRange
from protopact_example_api.validation import ValidationError, validate

good = SendTextToSubscriberRequest(from_sender_id="Operator", content="Welcome")
good.to_subscriber.e164 = "+4799990000"
assert validate(good) is good
bad = SendTextToSubscriberRequest(from_sender_id="no letters? 123456")
bad.to_subscriber.e164 = "0047"
try:
    validate(bad)
except ValidationError as error:
    for v in error.violations:
        print(v.field, v.rule_id)
    print(error)
backwards = TimeRange()
backwards.start.seconds, backwards.end.seconds = 10, 5
try:
    validate(backwards)
except ValidationError as error:
    print(repr(error.violations[0].field), error.violations[0].rule_id)
sys.modules["protovalidate"] = None  # not installed
try:
    validate(good)
except ImportError as error:
    print(error)
"""


def test_validate_reports_every_broken_rule_and_names_the_extra() -> None:
    done = subprocess.run([sys.executable, "-c", CLIENT], cwd=PACKAGE, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "from_sender_id string.max_len",
        "from_sender_id string.pattern",
        "to_subscriber.e164 string.pattern",
        "content string.min_len",
        "invalid protopact.example.sms.v1.SendTextToSubscriberRequest: from_sender_id: must be at "
        "most 11 characters; from_sender_id: does not match regex pattern "
        "`^[A-Za-z0-9 ]*[A-Za-z][A-Za-z0-9 ]*$`; to_subscriber.e164: does not match regex pattern "
        "`^\\+[1-9][0-9]{1,14}$`; content: must be at least 1 characters",
        "'' time_range.start_before_end",
        "checking rules needs protovalidate: pip install protopact-example-api[validate]",
    ]


def test_the_validate_extra_requires_protovalidate() -> None:
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"] == {"validate": ["protovalidate>=2.0,<3"]}
    assert not any(r.startswith("protovalidate") for r in project["dependencies"])


def test_the_generated_module_renders_the_servers_own_field_path_code() -> None:
    generated = (PACKAGE / "protopact_example_api" / "validation.py").read_text()
    assert generated.endswith(fieldpath.sources())
