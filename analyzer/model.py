"""Frozen data passed along the pipeline: load -> model -> evaluate -> graph -> rules -> report."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """A span in a source file. ``path`` is as given to the loader (absolute or relative)."""

    path: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Attribute:
    name: str
    expr: object  # an analyzer.expr node
    location: Location


@dataclass(frozen=True)
class Block:
    """A block as written: ``resource "aws_s3_bucket" "b" { ... }``.

    ``attributes`` maps name -> Attribute; ``blocks`` keeps nested blocks in order.
    """

    type: str
    labels: tuple
    attributes: dict
    blocks: tuple
    location: Location


# Problem kinds that do not make a scan incomplete (exit 3): the results already show what they
# mean (a module `terraform init` has not downloaded: its outputs are Unknown), or they are
# about what was not asked (a path with no Terraform, a non-Terraform file given explicitly).
WARNING_KINDS = frozenset({"module-missing", "no-input", "non-terraform"})


@dataclass(frozen=True)
class Problem:
    """Input that could not be analyzed: a parse error, a bad plan, a bad rule file.

    ``kind``: parse-error | read-error | rule-error | config-error | plan-error | module-missing |
    no-input | non-terraform | validate-error (Terraform's own `validate` would reject it) |
    limit-exceeded (a cap on work was hit, docs/architecture.md "Bad input") | internal-error
    (an unexpected exception, contained to one module, resource or rule). ``detail`` holds a
    traceback for internal errors, shown only with ``--debug``.
    """

    path: str
    line: int
    message: str
    kind: str = "parse-error"
    detail: str = field(default="", compare=False, repr=False)

    @property
    def blocking(self) -> bool:
        """Blocking problems make the scan incomplete (exit 3)."""
        return self.kind not in WARNING_KINDS


@dataclass(frozen=True)
class Suppression:
    """One ``# tfattest:ignore`` comment as written in a file."""

    path: str
    line: int
    rule_ids: tuple
    reason: str | None
    expires: str | None
    ticket: str | None


@dataclass(frozen=True)
class ParsedFile:
    """Everything the loader extracts from one file; plain data, safe to pickle or cache."""

    path: str
    sha256: str
    blocks: tuple
    problems: tuple = ()
    suppressions: tuple = ()


@dataclass(frozen=True)
class Resource:
    """One resource instance as rules see it: evaluated attributes, no parser objects.

    ``values`` holds attributes and nested blocks (a nested block type maps to a list
    of dicts). ``attribute_locations`` maps a top-level attribute or block name to
    its Location so that findings can point at the offending line.
    """

    address: str
    type: str
    name: str
    mode: str  # managed | data
    module_address: str  # "" for the root module
    values: dict
    location: Location
    attribute_locations: dict = field(default_factory=dict)
    exists: object = True  # True, or Unknown when count/for_each is unknown
    scope: str = ""  # the root module directory this instance belongs to
    change_action: str | None = None  # from a plan: create, update, replace, no-op
    # attribute -> (where its value is written, why): "code" (a literal in this repository,
    # possibly through locals, variable defaults or a module call's argument), "outside"
    # (supplied at plan time or generated at apply time) or "unknown". Hard-coded secrets.
    provenance: dict = field(default_factory=dict)
    ignored_changes: tuple = ()  # lifecycle.ignore_changes: attribute names, or ("all",)


@dataclass(frozen=True)
class Rule:
    """A rule file, validated. Conditions stay plain dicts: the engine interprets them."""

    id: str
    name: str
    title: str
    provider: str
    control: str
    tsc: tuple
    severity: str
    resource_types: tuple
    assertion: dict
    description: str
    remediation: str
    references: tuple = ()
    when: dict | None = None
    scope: str = "resource"  # resource | account (presence rules, DESIGN.md)
    source_path: str = ""
    enabled: bool = True  # False: opt-in, runs only when selected by id (--only/--enable)
    # framework key (iso27001_2022, cis_aws_6.0, ...) -> requirement ids; analyzer/frameworks.py
    frameworks: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """One (rule, subject) outcome. ``status``: pass | fail | unknown | not-applicable | suppressed.

    ``original_status`` keeps what a suppressed result would have been. ``region`` is the
    attribute span that decided the outcome (else the block); ``evidence`` says what was seen.
    """

    rule_id: str
    status: str
    address: str
    resource_type: str
    location: Location
    region: Location
    message: str
    evidence: str = ""
    original_status: str = ""
    suppression: object = None  # analyzer.suppress.SuppressionDecision
    change_action: str | None = None
    module_address: str = ""
    # Root modules that reach this module instance (when several do, one result lists them all).
    callers: tuple = ()


@dataclass(frozen=True)
class InputFile:
    path: str  # relative to the source root
    sha256: str


@dataclass(frozen=True)
class Report:
    """Everything a scan found; every formatter renders only this."""

    tool_version: str
    source_root: str
    rules: tuple
    results: tuple
    inputs: tuple
    problems: tuple
    started_at: str
    finished_at: str
    options: dict
    resource_count: int = 0
    suppression_problems: tuple = ()
    # Inline ignores and config exceptions that suppressed nothing: dicts {source, kind, rules, message}.
    stale_suppressions: tuple = ()
    # Resources no enabled rule covers: dicts {provider, type (None: the whole provider), resources,
    # files, message}; informational, not a problem (see report/coverage.py).
    not_checked: tuple = ()
    change_set: tuple = ()
    ruleset_digest: str = ""
    # Every evaluated resource instance and reference (source, attribute, target): `tfattest query`.
    resources: tuple = ()
    edges: tuple = ()


@dataclass(frozen=True)
class CheckContext:
    """What a rule condition or predicate sees: the values under test (a resource's, or one
    nested block's), the resource they belong to (None for account rules), the scope's graph
    and its resources by type."""

    values: dict
    resource: object
    graph: object
    by_type: dict
