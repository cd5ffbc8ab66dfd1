"""buf's case conversions: the shortcut for names already in case agrees with the full walk."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from protopact.checks.lint import case

NAMES = st.text(alphabet="aAbBzZ019_-. \té", min_size=1, max_size=10)


@settings(max_examples=2000)
@given(NAMES)
def test_shortcuts_agree_with_the_character_walk(name: str) -> None:
    assert case.lower_snake(name) == case._snake(name).lower()
    assert case.upper_snake(name) == case._snake(name).upper()
    assert case.pascal(name) == case._pascal(name)


def test_buf_quirks() -> None:
    assert case.pascal("HTTPCode") == "HTTPCode"
    assert case.pascal("foo_bar") == "FooBar"
    assert case.lower_snake("fooBar2Baz") == "foo_bar2_baz"
    assert case.upper_snake("foo__bar_") == "FOO_BAR"
    assert case.lower_snake("foo_1") == "foo_1"
