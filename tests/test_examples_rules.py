"""The example data (the docs' JSON examples, the mock's answers) keeps every ``buf.validate`` rule
of the reference API: a client that copies an example sends a valid request."""

from __future__ import annotations

import protovalidate
import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.render.examples import example_message
from protopact.render.jsonschema import target_messages
from protopact.schema.validation import field_rules, message_rules

from .conftest import REPO


@pytest.fixture(scope="module")
def image() -> Image:
    return load_input("proto", cwd=REPO, cache=Cache(None)).image


def test_every_example_keeps_its_rules(image: Image) -> None:
    messages = sorted(target_messages(image), key=lambda m: m.full_name)
    ruled = [m for m in messages
             if message_rules(m) or any(field_rules(f) for f in m.fields)]
    assert len(ruled) > 20  # the reference API carries its rules
    for descriptor in messages:
        for index in range(3):  # list pages and streams use successive indexes
            example = example_message(descriptor, index=index)
            broken = [(v.proto.rule_id, v.proto.message)
                      for v in protovalidate.collect_violations(example)]
            assert not broken, (descriptor.full_name, index, broken)
