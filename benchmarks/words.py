"""Word lists the corpus generator draws names and comments from (lowercase, single words)."""

from __future__ import annotations

NOUNS = (
    "account", "address", "agent", "alert", "alias", "answer", "archive", "asset", "attempt",
    "audit", "backup", "badge", "balance", "batch", "bill", "binding", "blob", "book", "branch",
    "bucket", "budget", "build", "bundle", "cache", "call", "campaign", "card", "carrier", "case",
    "catalog", "channel", "chart", "check", "claim", "client", "cluster", "comment", "company",
    "config", "connector", "contact", "contract", "counter", "coupon", "course", "credit", "cursor",
    "customer", "dataset", "deal", "device", "digest", "disk", "domain", "draft", "entry",
    "estimate", "event", "export", "feed", "filter", "firewall", "folder", "form", "gateway",
    "grant", "group", "guest", "handset", "hook", "host", "image", "incident", "index", "instance",
    "invoice", "issue", "job", "journal", "key", "label", "lease", "ledger", "license", "link",
    "listing", "lock", "log", "manifest", "member", "meter", "metric", "model", "monitor", "network",
    "node", "note", "offer", "order", "package", "page", "panel", "partner", "payment", "peer",
    "permit", "phone", "pipeline", "plan", "policy", "pool", "post", "price", "probe", "profile",
    "project", "queue", "quota", "rating", "receipt", "record", "region", "release", "replica",
    "report", "request", "reservation", "review", "role", "route", "rule", "runtime", "sample",
    "schedule", "schema", "secret", "segment", "session", "share", "shelf", "signal", "sink",
    "slot", "snapshot", "source", "space", "stage", "station", "stream", "subnet", "subscriber",
    "summary", "survey", "table", "tag", "target", "task", "team", "template", "tenant", "ticket",
    "token", "topic", "trace", "transfer", "trigger", "trip", "unit", "upload", "usage", "user",
    "vault", "vendor", "version", "view", "volume", "voucher", "wallet", "warehouse", "webhook",
    "widget", "window", "worker", "workflow", "zone",
)

ADJECTIVES = (
    "active", "annual", "automatic", "basic", "billing", "blocked", "bulk", "cached", "central",
    "cloud", "compact", "custom", "daily", "default", "deferred", "direct", "dynamic", "edge",
    "effective", "encrypted", "external", "fixed", "global", "hosted", "hourly", "idle", "initial",
    "inline", "internal", "latest", "legacy", "linked", "local", "managed", "manual", "mobile",
    "monthly", "native", "nested", "offline", "online", "open", "parent", "partial", "pending",
    "primary", "private", "public", "quick", "raw", "recent", "regional", "remote", "reserved",
    "retained", "rolling", "scheduled", "secondary", "shared", "signed", "single", "smart", "spare",
    "standard", "static", "stored", "system", "target", "temporary", "total", "trusted", "virtual",
    "visible", "weekly",
)

AREAS = (
    "ads", "analytics", "billing", "cloud", "commerce", "compute", "data", "devtools", "iam",
    "identity", "logging", "maps", "media", "messaging", "monitoring", "networking", "payments",
    "security", "storage", "telecom",
)

FIELD_SUFFIXES = (
    "id", "count", "time", "name", "uri", "state", "type", "config", "size", "limit", "code",
    "status", "policy", "labels", "version", "region",
)

ENUM_SUFFIXES = ("State", "Type", "Kind", "Mode", "Level", "Status", "Tier", "Class")

CUSTOM_VERBS = (
    "Export", "Import", "Search", "Move", "Undelete", "Restore", "Cancel", "Pause", "Resume",
    "Validate", "Analyze", "Purge", "Archive", "Publish", "Sync", "Rotate", "Verify", "Approve",
)

SENTENCES = (
    "The {x} of the resource.",
    "Output only. The {x} assigned by the server.",
    "Required. The {x} to use for this request.",
    "Optional. The {x}; when unset the server default applies.",
    "Identifier. The {x} in the form `projects/*/{x}s/*`.",
    "The {x}, as last reported by the backend.",
    "Immutable. The {x} set when the resource was created.",
    "A list of {x} values, sorted by creation time.",
)
