"""``PROTOVALIDATE``'s checks of CEL rules, as buf makes them: each rule's id (characters, and
unique among its siblings), an expression that is present, type-checks with ``this`` typed as what
the rule judges (the field, an item of a repeated field, a map key or value, the message; for a
predefined rule, the judged type, with ``rule`` the extension's own type) and ``now`` a timestamp,
and yields a bool or a string (a string one needing no ``message``). The short
``cel_expression`` form is checked the same way.

Expressions are type-checked by cel-cpp (the ``cel-expr-python`` distribution) with protovalidate's
functions declared, every rule on its own, so every failing one is reported. buf type-checks with
cel-go; the two agree on the rules' language, and where they word an error differently the wording
is buf's (:func:`_go_issue`). cel-cpp cannot take cel-go's cross-type numeric comparisons
(``this > 1u`` on an ``int64``), which protovalidate allows: such an error is dropped. cel-go's
check of ``string.format`` calls, which cel-cpp lacks, is made by :mod:`.validate_format`. One gap
remains: cel-cpp shows a wrapper type (``google.protobuf.Int32Value``) as its primitive, so an
expression yielding one is said to evaluate to ``int`` where buf says ``wrapper(int)``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pool import DescriptorPool

from .validate_format import format_issues

_T = FieldDescriptor
_ID = re.compile(r"[A-Za-z0-9_.\-]*")
_INTS = {_T.TYPE_INT32, _T.TYPE_INT64, _T.TYPE_SINT32, _T.TYPE_SINT64, _T.TYPE_SFIXED32,
         _T.TYPE_SFIXED64, _T.TYPE_ENUM}
_UINTS = {_T.TYPE_UINT32, _T.TYPE_UINT64, _T.TYPE_FIXED32, _T.TYPE_FIXED64}
_SCALAR_NAMES = {**{k: "int" for k in _INTS}, **{k: "uint" for k in _UINTS},
                 _T.TYPE_FLOAT: "double", _T.TYPE_DOUBLE: "double", _T.TYPE_BOOL: "bool",
                 _T.TYPE_STRING: "string", _T.TYPE_BYTES: "bytes"}
_WELL_KNOWN = {"google.protobuf.Duration": "duration", "google.protobuf.Timestamp": "timestamp"}
# what a predefined rule on each buf.validate.*Rules judges
_RULES_THIS = {"FloatRules": "double", "DoubleRules": "double", "Int32Rules": "int",
               "Int64Rules": "int", "UInt32Rules": "uint", "UInt64Rules": "uint",
               "SInt32Rules": "int", "SInt64Rules": "int", "Fixed32Rules": "uint",
               "Fixed64Rules": "uint", "SFixed32Rules": "int", "SFixed64Rules": "int",
               "BoolRules": "bool", "StringRules": "string", "BytesRules": "bytes",
               "EnumRules": "int", "RepeatedRules": "list(dyn)", "MapRules": "map(dyn, dyn)",
               "AnyRules": "google.protobuf.Any", "DurationRules": "duration",
               "TimestampRules": "timestamp", "FieldMaskRules": "google.protobuf.FieldMask"}
_NUMBERS = ("int", "uint", "double")
_COMPARISON = re.compile(r"found no matching overload for '_(?:<|<=|>|>=)_' applied to "
                         r"'\((int|uint|double), (int|uint|double)\)'")
_SELECT = re.compile(r"expression of type '([\w.]+)' cannot be the operand of a select operation")
_OVERLOAD = re.compile(r"found no matching overload for '([^']+)' applied to '\((.*)\)'")
_ISSUE = re.compile(r"ERROR: <input>:(\d+):(\d+): ([^\n]*)")
# protovalidate adds bytes overloads to these standard functions, which cel-cpp cannot extend: they
# are checked under a name of the same length (so that columns hold) declaring both overloads
_ALIASES = {"startsWith": "startsWit_", "endsWith": "endsWit_", "contains": "contain_"}
_ALIASED = re.compile(r"\.(\s*)(startsWith|endsWith|contains)\b")
_UNDECLARED = re.compile(r"undeclared reference to '([\w.]+)' (\(in container '[\w.]*'\))")
_UNDEFINED = re.compile(r"(undefined field '\w+') not found in struct '[\w.]+'")
_GO_TYPES = {"google.protobuf.Duration": "duration", "google.protobuf.Timestamp": "timestamp"}


def field_type(field: FieldDescriptor, *, items: bool) -> str:
    """The CEL type, as a signature, of what a field's rule judges: the field (a list or map as a
    whole unless ``items``), or one item, key or value."""
    if not items and field.message_type is not None and field.message_type.GetOptions().map_entry:
        entry = field.message_type
        return (f"map({field_type(entry.fields_by_name['key'], items=True)}, "
                f"{field_type(entry.fields_by_name['value'], items=True)})")
    if not items and field.is_repeated:
        return f"list({field_type(field, items=True)})"
    if field.message_type is not None:
        return _WELL_KNOWN.get(field.message_type.full_name, field.message_type.full_name)
    return _SCALAR_NAMES[field.type]


def rules_type(rules: Descriptor) -> str | None:
    """What a predefined rule extending ``rules`` (a ``buf.validate.*Rules``) judges."""
    return _RULES_THIS.get(rules.name) if rules.full_name.startswith("buf.validate.") else None


def cel_problems(rules: Any, this: str, pool: DescriptorPool, parent: str, parent_capitalized: str,
                 cel_name: str, *, more: tuple[tuple[str, str], ...] = (),
                 short_name: str | None = None) -> Iterator[tuple[Sequence[int], str]]:
    """(path inside ``rules``, message) for each problem of the CEL rules of ``rules`` (a
    ``FieldRules``, ``MessageRules`` or ``PredefinedRules``): ``(cel number, index)`` for a rule,
    ``(cel_expression number, index)`` for the short form named ``short_name``. ``more`` declares
    variables beside ``this`` (a predefined rule's ``rule`` and ``rules``)."""
    fields = rules.DESCRIPTOR.fields_by_name
    cel = list(rules.cel)
    variables = (("this", this),) + more
    for index, one in enumerate(cel):
        at = (fields["cel"].number, index)
        if one.id and not _ID.fullmatch(one.id):
            yield at, (f"{parent_capitalized} has invalid characters for {cel_name}.id. IDs must "
                       "contain only characters a-z, A-Z, 0-9, '.', '_', '-'.")
        if not one.expression:
            yield at, (f"{parent_capitalized} has an empty {cel_name}.expression. Expressions "
                       "should always be specified.")
            continue
        for text in _checked(pool, variables, one.expression, f"{cel_name}.expression", parent,
                             bool(one.message), parent_capitalized, cel_name):
            yield at, text
    counts = Counter(one.id for one in cel if one.id and _ID.fullmatch(one.id))
    for index, one in enumerate(cel):
        if counts.get(one.id, 0) > 1:
            yield (fields["cel"].number, index), (
                f'{cel_name}.id ("{one.id}") is not unique within {parent}.')
    if short_name is not None and "cel_expression" in fields:
        number = fields["cel_expression"].number
        for index, expression in enumerate(rules.cel_expression):
            for text in _checked(pool, variables, expression, short_name, parent, False,
                                 parent_capitalized, short_name):
                yield (number, index), text


def _checked(pool: DescriptorPool, variables: tuple[tuple[str, str], ...], expression: str,
             expression_name: str, parent: str, has_message: bool, parent_capitalized: str,
             cel_name: str) -> list[str]:
    output, issues = _compile(pool, variables, expression)
    if output is not None:
        formats = format_issues(expression, lambda argument: _compile(pool, variables, argument)[0])
        if formats:  # cel-go refuses the expression: it yields nothing
            output, issues = None, tuple(formats)
    out = [f"{expression_name} on {parent} fails to compile: {issue}" for issue in issues]
    if output is None:
        return out
    if output == "string":
        if has_message:
            out.append(f"{parent_capitalized} has a {cel_name} with an expression that evaluates to "
                       "a string, and also has a message. The message is redundant - since the "
                       "expression evaluates to a string, its result will be printed instead of "
                       "the message, so the message should be removed.")
    elif output not in ("bool", "dyn"):
        out.append(f"{expression_name} on {parent} evaluates to a {output}, only string and "
                   "boolean are allowed.")
    return out


@lru_cache(maxsize=4096)
def _compile(pool: DescriptorPool, variables: tuple[tuple[str, str], ...],
             expression: str) -> tuple[str | None, tuple[str, ...]]:
    """(the output type in cel-go's words, or None when it does not compile; the issues)."""
    try:
        compiled = _environment(pool, variables).compile(_ALIASED.sub(
            lambda m: f".{m.group(1)}{_ALIASES[m.group(2)]}", expression))
    except RuntimeError as error:
        issues = tuple(i for i in (_go_issue(m.group(3), expression, int(m.group(1)),
                                             int(m.group(2)))
                                   for m in _ISSUE.finditer(str(error))) if i)
        return None, issues
    return _go_type(compiled.return_type()), ()


def _go_issue(issue: str, expression: str, line: int, column: int) -> str | None:
    """A cel-cpp issue in cel-go's words; None for one cel-go does not raise."""
    issue = issue.strip().removeprefix("Syntax error: ")
    compared = _COMPARISON.fullmatch(issue)
    if compared is not None and compared.group(1) != compared.group(2):
        return None  # protovalidate compares numbers across types
    for name, alias in _ALIASES.items():
        issue = issue.replace(f"'{alias}'", f"'{name}'")
    undeclared = _UNDECLARED.fullmatch(issue)
    if undeclared is not None:  # cel-go resolves a qualified name down to its first identifier
        return (f"undeclared reference to '{undeclared.group(1).split('.')[0]}' "
                f"{undeclared.group(2)}")
    undefined = _UNDEFINED.fullmatch(issue)
    if undefined is not None:
        return undefined.group(1)
    issue = issue.replace("cannot be the range of a comprehension",
                          "cannot be range of a comprehension")
    overload = _OVERLOAD.fullmatch(issue)
    if overload is not None:  # cel-go names the two well-known types by their CEL names
        args = ", ".join(_GO_TYPES.get(a, a) for a in _split(overload.group(2), "()"))
        issue = f"found no matching overload for '{overload.group(1)}' applied to '({args})'"
        overload = _OVERLOAD.fullmatch(issue)
    selected = _SELECT.fullmatch(issue)
    if selected is not None:
        shown = _GO_TYPES.get(selected.group(1), selected.group(1))
        return f"type '{shown}' does not support field selection"
    if overload is not None and _is_member_call(expression, line, column, overload.group(1)):
        target, _, rest = overload.group(2).partition(", ")
        return (f"found no matching overload for '{overload.group(1)}' applied to "
                f"'{target}.({rest})'")
    return issue


def _is_member_call(expression: str, line: int, column: int, name: str) -> bool:
    """Whether the call at ``line:column`` (1-based; cel points at its opening parenthesis) is
    written ``target.name(…)``, which cel-go shows as ``target.(args)``."""
    lines = expression.split("\n")
    if not 0 < line <= len(lines):
        return False
    before = lines[line - 1][:column - 1]
    return re.search(rf"\.\s*{re.escape(name)}\s*$", before) is not None


def _go_type(found: Any) -> str:
    """A cel-cpp type (``LIST<STRING>``) as cel-go formats it (``list(string)``)."""
    name = found.name()
    if found.is_message():
        return _GO_TYPES.get(name, name)
    return _go_type_name(name)


def _go_type_name(name: str) -> str:
    simple = {"INT": "int", "UINT": "uint", "DOUBLE": "double", "STRING": "string",
              "BYTES": "bytes", "BOOL": "bool", "NULL": "null", "DYN": "dyn",
              "DURATION": "duration", "TIMESTAMP": "timestamp", "ERROR": "*error*"}
    if name in simple:
        return simple[name]
    for lead, go in (("LIST<", "list"), ("MAP<", "map"), ("TYPE<", "type")):
        if name.startswith(lead) and name.endswith(">"):
            inner = _split(name[len(lead):-1])
            return f"{go}({', '.join(_go_type_name(p) for p in inner)})"
    return name


def _split(params: str, brackets: str = "<>") -> list[str]:
    """``params`` split at its top-level commas."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(params):
        depth += c == brackets[0]
        depth -= c == brackets[1]
        if c == "," and depth == 0:
            out.append(params[start:i].strip())
            start = i + 1
    out.append(params[start:].strip())
    return out


@lru_cache(maxsize=64)
def _environment(pool: DescriptorPool, variables: tuple[tuple[str, str], ...]) -> Any:
    from cel_expr_python import cel  # here: importing it costs every lint run
    from cel_expr_python.ext import ext_strings

    declared = {name: _type(cel, signature) for name, signature in variables}
    declared["now"] = cel.Type.TIMESTAMP
    return cel.NewEnv(pool, variables=declared, extensions=[ext_strings.ExtStrings()],
                      functions=_library(cel))


def _type(cel: Any, signature: str) -> Any:
    simple = {"int": cel.Type.INT, "uint": cel.Type.UINT, "double": cel.Type.DOUBLE,
              "string": cel.Type.STRING, "bytes": cel.Type.BYTES, "bool": cel.Type.BOOL,
              "dyn": cel.Type.DYN, "duration": cel.Type.DURATION, "timestamp": cel.Type.TIMESTAMP}
    if signature in simple:
        return simple[signature]
    if signature.startswith("list(") and signature.endswith(")"):
        return cel.Type.List(_type(cel, signature[5:-1]))
    if signature.startswith("map(") and signature.endswith(")"):
        key, value = _split(signature[4:-1], "()")
        return cel.Type.Map(_type(cel, key), _type(cel, value))
    return cel.Type(signature)


def _library(cel: Any) -> list[Any]:
    """protovalidate's CEL functions, declared for the checker."""
    t = cel.Type
    boolean, string = t.BOOL, t.STRING

    def member(name: str, *signatures: list[Any]) -> Any:
        return cel.FunctionDecl(name, [
            cel.Overload(f"{name}_{'_'.join(p.name().lower() for p in params)}",
                         return_type=boolean, parameters=params, is_member=True)
            for params in signatures])

    elements = (t.BOOL, t.INT, t.UINT, t.DOUBLE, t.STRING, t.BYTES)
    return [
        member("isEmail", [string]), member("isHostname", [string]),
        member("isIp", [string], [string, t.INT]),
        member("isIpPrefix", [string], [string, t.INT], [string, boolean],
               [string, t.INT, boolean]),
        member("isUri", [string]), member("isUriRef", [string]),
        member("isHostAndPort", [string, boolean]),
        member("isNan", [t.DOUBLE]), member("isInf", [t.DOUBLE], [t.DOUBLE, t.INT]),
        member("unique", *[[t.List(e)] for e in elements]),
        *(member(alias, [string, string], [t.BYTES, t.BYTES]) for alias in _ALIASES.values()),
        cel.FunctionDecl("getField", [cel.Overload("getField_dyn_string", return_type=t.DYN,
                                                   parameters=[t.DYN, string])]),
    ]
