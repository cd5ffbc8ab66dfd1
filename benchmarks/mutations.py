"""The "current" version of the corpus: a known mix of breaking and non-breaking changes.

Each change kind edits one element of one file, and no two changes touch the same file, so the
expected verdict of each is independent of the others. ``rules`` lists the buf rule IDs (category
``FILE``, buf 1.75) that the change must raise, once each; an empty tuple means buf must stay quiet.
After every edit the file's imports are recomputed, so the current tree compiles without warnings.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from protomodel import (
    ANNOTATIONS,
    WELL_KNOWN,
    EnumValue,
    Field,
    HttpRule,
    Message,
    Method,
    Oneof,
    ProtoFile,
)

if TYPE_CHECKING:
    from corpus import Corpus

PER_KIND = 20  # changes of each kind at scale 1.0 (at least one at any scale)
PLAIN = ("string", "int32", "int64", "bool", "double", "uint32", "bytes")


@dataclass(frozen=True)
class Change:
    kind: str
    file: str  # path under proto/
    element: str
    rules: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "file": self.file, "element": self.element,
                "rules": list(self.rules)}


@dataclass(frozen=True)
class Edit:
    file: ProtoFile | None  # None: the file is deleted
    element: str
    path: str = ""  # set when the edit creates a new file


@dataclass(frozen=True)
class Context:
    corpus: Corpus
    rng: random.Random


Mutation = Callable[[ProtoFile, Context], "Edit | None"]


def _plain(f: Field) -> bool:
    return f.type in PLAIN and not f.label and f.name != "name"


def _messages(f: ProtoFile, ctx: Context) -> Iterator[tuple[int, Message]]:
    indexed = list(enumerate(f.messages))
    ctx.rng.shuffle(indexed)
    return iter(indexed)


def _with_message(f: ProtoFile, index: int, message: Message) -> ProtoFile:
    return replace(f, messages=f.messages[:index] + (message,) + f.messages[index + 1:])


def _edit_field(kind: str) -> Mutation:
    """A change to the last plain scalar field (never ``name``) of some top-level message."""

    def mutation(f: ProtoFile, ctx: Context) -> Edit | None:
        for index, m in _messages(f, ctx):
            plain = [i for i, fld in enumerate(m.fields) if _plain(fld)]
            if not plain:
                continue
            at = plain[-1]
            old = m.fields[at]
            fields = list(m.fields)
            oneofs = m.oneofs
            if kind == "deleted":
                del fields[at]
            elif kind == "type":
                fields[at] = replace(old, type="int64" if old.type == "string" else "string")
            elif kind == "renamed":
                fields[at] = replace(old, name=old.name + "_value")
            elif kind == "repeated":
                fields[at] = replace(old, label="repeated")
            elif kind == "oneof":
                del fields[at]
                oneofs = oneofs + (Oneof(old.name + "_choice", (old,), "Added later."),)
            elif kind == "added":
                fields.append(Field("added_note_text", m.max_number() + 1, "string",
                                    comment="Added in the current version."))
            elif kind == "deprecated":
                fields[at] = replace(old, deprecated=True)
            new = replace(m, fields=tuple(fields), oneofs=oneofs)
            return Edit(_with_message(f, index, new), f"{f.package}.{m.name}.{old.name}")
        return None

    return mutation


def _edit_enum(kind: str) -> Mutation:
    def mutation(f: ProtoFile, ctx: Context) -> Edit | None:
        for index, e in enumerate(f.enums):
            if len(e.values) < 3:
                continue
            values = list(e.values)
            last = values[-1]
            if kind == "value_deleted":
                values.pop()
            elif kind == "value_renamed":
                values[-1] = replace(last, name=last.name + "_RETIRED")
            else:
                prefix = values[0].name.removesuffix("_UNSPECIFIED")
                values.append(EnumValue(f"{prefix}_ADDED", last.number + 1, "Added later."))
            enums = f.enums[:index] + (replace(e, values=tuple(values)),) + f.enums[index + 1:]
            return Edit(replace(f, enums=enums), f"{f.package}.{e.name}.{last.name}")
        return None

    return mutation


def _self_contained(m: Message) -> bool:
    """A message whose deletion leaves every import in use and every reference valid, and which
    has no nested types (map entries included) that buf would report as deleted too."""
    return not m.messages and not m.enums and all(fld.type in PLAIN for fld in m.all_fields())


def message_deleted(f: ProtoFile, ctx: Context) -> Edit | None:
    for index, m in _messages(f, ctx):
        if len(f.messages) > 1 and _self_contained(m) and \
                f"{f.package}.{m.name}" not in ctx.corpus.referenced:
            return Edit(replace(f, messages=f.messages[:index] + f.messages[index + 1:]),
                        f"{f.package}.{m.name}")
    return None


def enum_deleted(f: ProtoFile, ctx: Context) -> Edit | None:
    for index, e in enumerate(f.enums):
        if f"{f.package}.{e.name}" not in ctx.corpus.referenced and (f.messages or len(f.enums) > 1):
            return Edit(replace(f, enums=f.enums[:index] + f.enums[index + 1:]),
                        f"{f.package}.{e.name}")
    return None


def message_added(f: ProtoFile, ctx: Context) -> Edit | None:
    if f.services or not f.messages:
        return None
    name = f.messages[0].name + "Addendum"
    if name in ctx.corpus.package_names[f.package]:
        return None
    added = Message(name, (Field("name", 1, "string", comment="The resource name."),),
                    comment="Added in the current version.")
    return Edit(replace(f, messages=f.messages + (added,)), f"{f.package}.{name}")


def comment_changed(f: ProtoFile, ctx: Context) -> Edit | None:
    for index, m in _messages(f, ctx):
        lines = m.comment.split("\n")
        lines[0] += " Reworded."
        return Edit(_with_message(f, index, replace(m, comment="\n".join(lines))),
                    f"{f.package}.{m.name}")
    return None


def java_package_changed(f: ProtoFile, ctx: Context) -> Edit | None:
    options = tuple((k, v[:-1] + '.moved"' if k == "java_package" else v) for k, v in f.options)
    return Edit(replace(f, options=options), f.path)


def _edit_method(kind: str) -> Mutation:
    def mutation(f: ProtoFile, ctx: Context) -> Edit | None:
        if len(f.services) != 1:
            return None
        service = f.services[0]
        own = {m.name for m in f.messages}
        candidates = [i for i, m in enumerate(service.methods)
                      if m.http and (kind != "deleted" or m.response in own)]
        if not candidates or (kind == "deleted" and len(service.methods) < 2):
            return None
        at = ctx.rng.choice(candidates)
        method = service.methods[at]
        methods = list(service.methods)
        messages = f.messages
        if kind == "deleted":
            del methods[at]
        elif kind == "streaming":
            methods[at] = replace(method, server_streaming=True)
        elif kind == "http":
            assert method.http is not None
            base = f.package.replace(".", "/")
            extra = HttpRule("get", f"/{base}/{{name=folders/*/{method.name.lower()}/*}}")
            methods[at] = replace(method, http=replace(method.http, additional=(extra,)))
        else:
            name = f"Ping{service.name}"
            request = Message(f"{name}Request", (Field("name", 1, "string", comment="Target."),),
                              comment="Added later.")
            response = Message(f"{name}Response", (Field("ok", 1, "bool", comment="Reached."),),
                               comment="Added later.")
            methods.append(Method(name, request.name, response.name,
                                  HttpRule("get", f"/{f.package.replace('.', '/')}/"
                                                  f"{{name=pings/*}}/{name.lower()}"),
                                  comment="Added in the current version."))
            messages = messages + (request, response)
        edited = replace(f, services=(replace(service, methods=tuple(methods)),), messages=messages)
        return Edit(edited, f"{f.package}.{service.name}.{method.name}")

    return mutation


def service_deleted(f: ProtoFile, ctx: Context) -> Edit | None:
    if len(f.services) != 1:
        return None
    return Edit(replace(f, services=()), f"{f.package}.{f.services[0].name}")


def file_deleted(f: ProtoFile, ctx: Context) -> Edit | None:
    if f.path in ctx.corpus.imported or f.services:
        return None
    return Edit(None, f.path)


def file_added(f: ProtoFile, ctx: Context) -> Edit | None:
    if f.services or not f.messages:
        return None
    stem = f.path.rsplit("/", 1)[1].removesuffix(".proto")
    path = f.path.replace(f"/{stem}.proto", f"/{stem}_addendum.proto")
    name = f"{f.messages[0].name}Supplement"
    if path in ctx.corpus.files or name in ctx.corpus.package_names[f.package]:
        return None
    message = Message(name, (Field("name", 1, "string", comment="The resource name."),),
                      comment="Added in the current version.")
    return Edit(replace(f, path=path, imports=(), messages=(message,), enums=()), path, path=path)


# kind -> (mutation, the buf FILE rules it must raise)
KINDS: dict[str, tuple[Mutation, tuple[str, ...]]] = {
    "field_deleted": (_edit_field("deleted"), ("FIELD_NO_DELETE",)),
    "field_type_changed": (_edit_field("type"), ("FIELD_SAME_TYPE",)),
    "field_renamed": (_edit_field("renamed"), ("FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME")),
    "field_made_repeated": (_edit_field("repeated"), ("FIELD_SAME_CARDINALITY",)),
    "field_moved_into_oneof": (_edit_field("oneof"), ("FIELD_SAME_CARDINALITY", "FIELD_SAME_ONEOF")),
    "enum_value_deleted": (_edit_enum("value_deleted"), ("ENUM_VALUE_NO_DELETE",)),
    "enum_value_renamed": (_edit_enum("value_renamed"), ("ENUM_VALUE_SAME_NAME",)),
    "message_deleted": (message_deleted, ("MESSAGE_NO_DELETE",)),
    "enum_deleted": (enum_deleted, ("ENUM_NO_DELETE",)),
    "rpc_deleted": (_edit_method("deleted"), ("RPC_NO_DELETE",)),
    "rpc_made_streaming": (_edit_method("streaming"), ("RPC_SAME_SERVER_STREAMING",)),
    "service_deleted": (service_deleted, ("SERVICE_NO_DELETE",)),
    "java_package_changed": (java_package_changed, ("FILE_SAME_JAVA_PACKAGE",)),
    "file_deleted": (file_deleted, ("FILE_NO_DELETE",)),
    "field_added": (_edit_field("added"), ()),
    "field_deprecated": (_edit_field("deprecated"), ()),
    "enum_value_added": (_edit_enum("value_added"), ()),
    "message_added": (message_added, ()),
    "comment_changed": (comment_changed, ()),
    "rpc_added": (_edit_method("added"), ()),
    "http_binding_added": (_edit_method("http"), ()),
    "file_added": (file_added, ()),
}


def _type_names(f: ProtoFile) -> set[str]:
    """Full names (as far as imports go) of every type the file refers to."""
    written: set[str] = set()

    def walk(m: Message) -> None:
        for fld in m.all_fields():
            written.add(fld.type.split(",")[-1].strip(" >") if fld.is_map else fld.type)
        for nested in m.messages:
            walk(nested)

    for m in f.messages:
        walk(m)
    for s in f.services:
        for method in s.methods:
            written.update((method.request, method.response))
    return {t if t.startswith(("acme.", "google.")) else f"{f.package}.{t}" for t in written}


def used_imports(f: ProtoFile, provides: Mapping[str, frozenset[str]]) -> tuple[str, ...]:
    """The imports of ``f`` that something in ``f`` still needs."""
    names = _type_names(f)
    needed = {WELL_KNOWN[n] for n in names if n in WELL_KNOWN}
    if any(m.http for s in f.services for m in s.methods):
        needed.add(ANNOTATIONS)
    return tuple(i for i in f.imports if i in needed or provides.get(i, frozenset()) & names)


def mutate(corpus: Corpus, rng: random.Random, scale: float) -> tuple[dict[str, ProtoFile],
                                                                       list[Change]]:
    """The current version of ``corpus`` and the changes applied, in application order."""
    files = dict(corpus.files)
    ctx = Context(corpus, rng)
    order = sorted(files)
    used: set[str] = set()
    changes: list[Change] = []
    for kind, (mutation, rules) in KINDS.items():
        wanted = max(1, round(PER_KIND * scale))
        rng.shuffle(order)
        for path in order:
            if wanted == 0:
                break
            if path in used:
                continue
            edit = mutation(files[path], ctx)
            if edit is None:
                continue
            used.add(path)
            wanted -= 1
            if edit.file is None:
                del files[path]
            elif edit.path:
                used.add(edit.path)
                files[edit.path] = edit.file
            else:
                files[path] = replace(edit.file, imports=used_imports(edit.file, corpus.provides))
            changes.append(Change(kind, edit.path or path, edit.element, rules))
    return files, changes
