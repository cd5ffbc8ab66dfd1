"""Each pool is judged by its own rules: two Images declaring ``foo.v1.A`` differently (the two
sides of a breaking check, a mock serving a tree it reloaded) must not share what a validator
remembered of the first one."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import message_factory

from protopact.compile.image import Image
from protopact.schema.validation import must_set
from protopact.violations import judge

from .validation.images import validated_image

PROTO = ('syntax = "proto3";\npackage foo.v1;\nimport "buf/validate/validate.proto";\n'
         'message A {{ string s = 1 [(buf.validate.field).string.{rule}]; }}\n')


def _empty_a(image: Image):  # type: ignore[no-untyped-def]
    return message_factory.GetMessageClass(image.pool.FindMessageTypeByName("foo.v1.A"))()


def test_same_name_other_rules_are_judged_by_their_own_pool(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    required = validated_image(tmp_path / "a", {"a.proto": PROTO.format(rule="min_len = 1")})
    bounded = validated_image(tmp_path / "b", {"a.proto": PROTO.format(rule="max_len = 3")})
    assert must_set(required.pool.FindMessageTypeByName("foo.v1.A")) == {"s"}
    assert must_set(bounded.pool.FindMessageTypeByName("foo.v1.A")) == frozenset()
    verdict = judge(_empty_a(required))
    assert verdict is not None and verdict.bad_request is not None
    assert [v.reason for v in verdict.bad_request.field_violations] == ["string.min_len"]
    assert judge(_empty_a(bounded)) is None
    # and back: the first pool's validator still holds its own rules
    assert judge(_empty_a(required)) is not None
