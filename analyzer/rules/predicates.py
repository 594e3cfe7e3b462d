"""The few checks that need code, as plain functions in one explicit dict.

Each predicate is ``(ctx, args: dict) -> Verdict``; ``ctx.values`` holds the attributes of
the resource (or nested block element) being checked, ``ctx.graph`` its neighbourhood.
Predicates that hold for any cloud live here, unprefixed; what only one cloud knows lives in
``analyzer/providers/<cloud>/`` and is merged below as ``<cloud>.<name>`` (docs/architecture.md, "Add a predicate").
"""
from __future__ import annotations

from analyzer.evaluate.values import Unknown
from analyzer.providers import merge_predicates
from analyzer.providers import azure as azure_provider
from analyzer.providers import gcp as gcp_provider
from analyzer.providers.aws import PREDICATES as AWS_PREDICATES
from analyzer.providers.aws.args import PREDICATE_ARGS as AWS_PREDICATE_ARGS
from analyzer.providers.azure import PREDICATES as AZURE_PREDICATES
from analyzer.providers.gcp import PREDICATES as GCP_PREDICATES
from analyzer.rules.verdict import Verdict


def secret_hardcoded(ctx, args: dict) -> Verdict:
    """True when the secret in ``args.attr`` is written in the repository: a literal, or a local,
    variable default or module argument that holds one (the evaluator's provenance). A variable
    without default, a resource attribute (random_password.x.result), a data source or an
    ephemeral value is not; nor is a placeholder listed in lifecycle.ignore_changes."""
    attr = args["attr"]
    value = ctx.values.get(attr)
    if value is None or value == "":
        return Verdict(False, attr, f"{attr} is not set")
    resource = ctx.resource
    if attr in resource.ignored_changes or "all" in resource.ignored_changes:
        return Verdict(False, attr, f"{attr} is a placeholder: lifecycle.ignore_changes lets the real value "
                                    "be set outside Terraform")
    provenance = resource.provenance.get(attr)
    if provenance is None:
        if isinstance(value, Unknown):
            return Verdict(False, attr, f"{attr} is supplied at apply time ({value.reason})")
        return Verdict(None, attr, f"cannot see how {attr} is written")
    kind, why = provenance
    return Verdict({"code": True, "outside": False}.get(kind), attr, f"{attr}: {why}")


CORE_PREDICATES = {
    "secret_hardcoded": secret_hardcoded,
}

PREDICATES = merge_predicates(CORE_PREDICATES, {"aws": AWS_PREDICATES, "gcp": GCP_PREDICATES,
                                                "azure": AZURE_PREDICATES})

# JSON Schema of each predicate's ``args``, checked by the rule loader: a rule that passes a
# predicate the wrong arguments is a rule-error at load, never an exception mid-scan. A
# predicate that declares none gets DEFAULT_ARGS_SCHEMA (any object).
DEFAULT_ARGS_SCHEMA = {"type": "object"}
CORE_PREDICATE_ARGS = {
    "secret_hardcoded": {"type": "object", "required": ["attr"], "additionalProperties": False,
                         "properties": {"attr": {"type": "string", "minLength": 1}}},
}
PREDICATE_ARGS = merge_predicates(CORE_PREDICATE_ARGS, {
    "aws": AWS_PREDICATE_ARGS,
    "gcp": getattr(gcp_provider, "PREDICATE_ARGS", {}),
    "azure": getattr(azure_provider, "PREDICATE_ARGS", {}),
})


def args_schema(name: str) -> dict:
    return PREDICATE_ARGS.get(name, DEFAULT_ARGS_SCHEMA)
