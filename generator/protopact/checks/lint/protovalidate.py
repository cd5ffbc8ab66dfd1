"""buf's ``PROTOVALIDATE`` lint rule: ``buf.validate`` rules that cannot work as written.

Checked, with buf's messages and spans: rules that do not fit the field's type (``string`` rules on
an ``int32``, scalar rules on a repeated field, ``repeated``/``map`` rules elsewhere), ``required``
in a oneof, on repeated items, map keys and values or on an extension, contradicting ``ignore``
settings, the type rules' own contradictions (:mod:`.validate_typed`), ``example`` values the
field's rules refuse (:mod:`.validate_examples`), ``(buf.validate.message).oneof`` entries that are
empty or name missing, repeated or shared fields, patterns that do not compile as RE2, and CEL
rules (of fields, messages and predefined rules, :mod:`.validate_cel`) with an id of other
characters, an empty expression, a duplicate id, or an expression that does not type-check or
yields neither a bool nor a string.

Only files that import ``buf/validate/validate.proto``, directly or not, can carry rules, so a tree
without it costs nothing; :mod:`.validate_file` checks a file that can. Findings lie where buf puts
them: on the rule's own option when the source records it, else on the nearest enclosing or first
nested option location.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...compile.image import Image
from ...compile.order import imports_of
from ..engine import LintContext
from ..findings import Finding
from . import REGISTRY
from .base import targets

VALIDATE = "buf/validate/validate.proto"


@REGISTRY.rule("PROTOVALIDATE")
def protovalidate_rule(ctx: LintContext) -> Iterator[Finding]:
    """protovalidate rules are valid and their CEL expressions compile."""
    if VALIDATE not in ctx.image.by_name:
        return
    # the checks (CEL, RE2, example values) are imported by a tree that has rules to check: about
    # 7 ms at the start of every lint otherwise
    from .validate_file import file_findings

    seeing = _seeing(ctx.image)
    for file in targets(ctx):
        if file.name in seeing:
            yield from file_findings(ctx, file)


def _seeing(image: Image) -> frozenset[str]:
    """Files that import validate.proto, directly or not (files come in dependency order)."""
    seen = {VALIDATE}
    for f in image.files:
        if any(d in seen for d in imports_of(f)):
            seen.add(f.name)
    return frozenset(seen)
