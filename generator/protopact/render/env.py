"""The Jinja2 environment of the built-in templates (``templates/<target>/``).

Strict: an undefined name is an error, never an empty string. Templates only print what the view
model prepared; sorting and decisions happen in Python.
"""

from __future__ import annotations

import json
from functools import cache

import jinja2

from ..paths import templates_root


@cache
def environment(target: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root() / target)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Python and TOML output; strings are quoted by the ``quoted`` filter
    )
    # A JSON string is a valid TOML basic string and a valid Python string literal.
    env.filters["quoted"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env


def render(target: str, template: str, **values: object) -> bytes:
    return environment(target).get_template(template).render(**values).encode()
