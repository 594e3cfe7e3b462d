"""Frozen data passed along the pipeline: load -> model -> evaluate -> graph -> rules -> report."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum


class _Text(str, Enum):
    """A closed set of names that compare, hash, format and serialise (JSON, SQL) as their text.

    ``enum.StrEnum`` is Python 3.11+; the project supports 3.10, so this is its equivalent:
    ``Status.FAIL == "fail"``, ``f"{Status.FAIL}" == "fail"``, ``json.dumps(Status.FAIL) == '"fail"'``.
    """

    __str__ = str.__str__
    __format__ = str.__format__


class Status(_Text):
    """What a rule concluded for one subject (Unknown semantics: docs/writing-rules.md)."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # cannot be decided before apply: never counted as a failure by default
    NOT_APPLICABLE = "not-applicable"  # a presence rule the scan cannot judge
    SUPPRESSED = "suppressed"  # a fail or unknown accepted by an inline ignore or a config exception


# Statuses a human must look at, and that a suppression can accept.
FINDING_STATUSES = (Status.FAIL, Status.UNKNOWN)


class Subject(_Text):
    """What a Result is about: one resource instance, or the account a presence rule judges."""

    RESOURCE = "resource"
    ACCOUNT = "account"


class Severity(_Text):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# Highest first; formatters list severities in this order.
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


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
    severity: Severity
    resource_types: tuple
    assertion: dict
    description: str
    remediation: str
    references: tuple = ()
    when: dict | None = None
    scope: Subject = Subject.RESOURCE  # account: presence rules (docs/writing-rules.md)
    source_path: str = ""
    enabled: bool = True  # False: opt-in, runs only when selected by id (--only/--enable)
    # framework key (iso27001_2022, cis_aws_6.0, ...) -> requirement ids; analyzer/frameworks.py
    frameworks: dict = field(default_factory=dict)


def result_fingerprint(rule_id: str, path: str, address: str) -> str:
    """Stable across line moves: rule id + path (relative to the source root in a Report) +
    instance address (bandit-style). The key of baselines, evidence records and SARIF
    partialFingerprints: changing it makes earlier reports incomparable."""
    return hashlib.sha256(f"{rule_id}|{path}|{address}".encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Result:
    """One (rule, subject) outcome.

    ``subject`` says whether ``address`` names a resource instance or an account (presence
    rules: ``account (<scopes>)``). ``original_status`` keeps what a suppressed result would
    have been. ``region`` is the attribute span that decided the outcome (else the block);
    ``evidence`` says what was seen. ``fingerprint`` is computed from rule id, location path and
    address whenever a Result is built or ``dataclasses.replace``d (so it follows the path
    when it is made relative to the source root).
    """

    rule_id: str
    status: Status
    address: str
    resource_type: str
    location: Location
    region: Location
    message: str
    evidence: str = ""
    original_status: Status | str = ""
    suppression: object = None  # analyzer.suppress.SuppressionDecision
    change_action: str | None = None
    module_address: str = ""
    # Root modules that reach this module instance (when several do, one result lists them all).
    callers: tuple = ()
    subject: Subject = Subject.RESOURCE

    @cached_property
    def fingerprint(self) -> str:
        # Computed on first use and stored on this instance; ``dataclasses.replace`` builds a new
        # instance, so a Result moved to a relative path gets the fingerprint of that path.
        return result_fingerprint(self.rule_id, self.location.path, self.address)


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
