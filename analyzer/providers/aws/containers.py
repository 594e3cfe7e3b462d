"""AWS: what is inside JSON-string attributes (ECS ``container_definitions``, SSM document
``content``), and plaintext secrets in environment variables (ECS containers, Lambda functions,
CodeBuild projects, API Gateway stage variables).

``container_definitions`` is one JSON string (``jsonencode([...])``, a heredoc, ``file()``).
The evaluator makes it Unknown as soon as one leaf is (an image URL from an ECR repository),
but keeps what is known in ``Unknown.partial``: the list given to ``jsonencode``, or the pieces
of a template. The containers are rebuilt from that, with Unknown leaves, so a literal
``privileged = true`` is still seen next to a computed image.
"""
from __future__ import annotations

import json
import re

from analyzer.evaluate.values import TemplateParts, Unknown, values_at
from analyzer.model import CheckContext
from analyzer.rules.verdict import Verdict, all_of, any_of

def decode_json_value(value):
    """A JSON-string attribute -> Python data; Unknown when it cannot be known; None if unset.

    ``ValueError`` when a known string is not JSON."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        partial = value.partial
        if isinstance(partial, (list, dict)):
            return partial
        if isinstance(partial, TemplateParts):
            decoded = partial.decode_json()
            if decoded is not None:
                return decoded
        return value
    if isinstance(value, (list, dict)):
        return value
    return json.loads(value)


def container_definitions(value):
    """The containers of a ``container_definitions`` value: a list of dicts (some maybe Unknown),
    or Unknown. ``ValueError`` for a known value that is not a JSON list of objects."""
    decoded = decode_json_value(value)
    if decoded is None or isinstance(decoded, Unknown):
        return decoded
    if isinstance(decoded, dict):  # a single definition written without the list
        decoded = [decoded]
    if not isinstance(decoded, list):
        raise ValueError("not a JSON list")
    return decoded


def containers_match(ctx, args: dict) -> Verdict:
    """Check a condition on every container of ``args.attr`` (default ``container_definitions``).

    ``args.all_match`` / ``args.any_match`` / ``args.none_match``: a rule condition (the YAML
    condition language) judged on each container definition, whose keys are the ECS API's
    camelCase names (``privileged``, ``readonlyRootFilesystem``, ``logConfiguration.logDriver``).
    """
    from analyzer.rules.engine import check  # the engine imports the predicates: import late

    attr = args.get("attr", "container_definitions")
    try:
        containers = container_definitions(ctx.values.get(attr))
    except ValueError as error:
        return Verdict(None, attr, f"{attr} is not a JSON list of containers ({error})")
    if isinstance(containers, Unknown):
        return Verdict(None, attr, f"{attr} is unknown ({containers.reason})")
    quantifier = next(k for k in ("all_match", "any_match", "none_match") if k in args)
    verdicts = []
    for index, container in enumerate(containers or []):
        if not isinstance(container, dict):
            verdicts.append(Verdict(None, attr, f"container {index} is known only after apply"))
            continue
        name = container.get("name")
        label = f"container {name!r}" if isinstance(name, str) else f"container {index}"
        inner = check(args[quantifier], CheckContext(container, ctx.resource, ctx.graph, ctx.by_type))
        verdicts.append(Verdict(inner.value, attr, f"{label}: {inner.evidence}", inner.expected))
    if quantifier == "all_match":
        return all_of(verdicts) if verdicts else Verdict(True, attr, "no containers", vacuous=True)
    if quantifier == "any_match":
        return any_of(verdicts) if verdicts else Verdict(False, attr, "no containers")
    found = any_of(verdicts) if verdicts else Verdict(False, attr, "no containers")
    if found.value is None:
        return found
    # say what the offending container has, not what the inner condition wanted
    return Verdict(not found.value, attr, found.evidence if found.value else "no container matches")


# --- plaintext secrets in environment variables ------------------------------------------
# The variable's NAME says it holds a secret; its VALUE is written out. Names that only point
# at a secret (DB_PASSWORD_ARN, SECRET_NAME, TOKEN_URL) are not secrets.
SECRET_NAME = re.compile(
    r"(?i)(^|[_\-.])(password|passwd|pwd|secret|secret_?key|client_?secret|api_?key|apikey|access_?key|"
    r"secret_?access_?key|private_?key|auth_?token|access_?token|token)$")
# camelCase / PascalCase names (CloudFormation parameters, Java-style settings): DBPassword, apiKey
SECRET_NAME_CAMEL = re.compile(
    r"[A-Za-z0-9](Password|Passwd|Secret|SecretKey|ClientSecret|ApiKey|AccessKey|SecretAccessKey|PrivateKey|"
    r"AuthToken|AccessToken|Token)$")
AWS_ACCESS_KEY = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")
# Values that are references to a secret, not the secret: ARNs, SSM/Secrets Manager paths,
# CloudFormation/ECS dynamic references, shell-style placeholders.
_NOT_A_SECRET = re.compile(r"^(arn:|\{\{resolve:|/aws/reference/|\$\{|\$\(|<|changeme$|secretsmanager:|ssm:)",
                           re.IGNORECASE)
_BORING = {"", "true", "false", "none", "null", "yes", "no", "0", "1"}


def plaintext_secret(name, value) -> bool | None:
    """True when (name, value) is a secret written in plain text; None when the value is unknown."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    text = str(value)
    if isinstance(value, str) and AWS_ACCESS_KEY.search(text):
        return True
    if not isinstance(name, str) or not (SECRET_NAME.search(name) or SECRET_NAME_CAMEL.search(name)):
        return False
    if text.strip().lower() in _BORING or _NOT_A_SECRET.search(text.strip()):
        return False
    return len(text) >= 4


def _verdict_over_pairs(pairs, where: str) -> Verdict:
    # A secret-named variable whose value is computed or supplied at apply time is not written
    # in the code: that is the good case, not an unknown.
    for name, value in pairs:
        if plaintext_secret(name, value):
            shown = name if isinstance(name, str) else "a variable"
            return Verdict(True, where, f"{shown} holds a literal secret")
    return Verdict(False, where, "no literal secret in environment variables")


def env_map_has_plaintext_secret(ctx, args: dict) -> Verdict:
    """True when the map at ``args.attr`` (dotted path, e.g. ``environment.variables``) has a
    secret-named key with a literal value, or a value that is an AWS access key id."""
    path = args["attr"]
    pairs = []
    for found in values_at(ctx.values, path):
        if isinstance(found, Unknown):
            partial = found.partial if isinstance(found.partial, dict) else None
            if partial is None:
                return Verdict(None, path, f"{path} is unknown ({found.reason})")
            found = partial
        if isinstance(found, dict):
            pairs.extend(found.items())
    return _verdict_over_pairs(pairs, path)


def env_list_has_plaintext_secret(ctx, args: dict) -> Verdict:
    """True when the ``{name, value}`` elements at ``args.attr`` (a container's ``environment``,
    CodeBuild's ``environment_variable`` blocks) hold a secret-named literal. Elements whose
    ``type`` (CodeBuild) is not PLAINTEXT name a parameter or secret, and are skipped."""
    path = args["attr"]
    pairs = []
    for element in values_at(ctx.values, path):
        for item in element if isinstance(element, list) else [element]:
            if isinstance(item, Unknown):
                continue  # a dynamic block over unknown values: nothing literal to see
            if isinstance(item, dict) and item.get("type", "PLAINTEXT") in ("PLAINTEXT", None):
                pairs.append((item.get("name"), item.get("value")))
    return _verdict_over_pairs(pairs, path)


def json_document_match(ctx, args: dict) -> Verdict:
    """Judge the rule condition ``args.assert`` on the JSON (or YAML) document held as a string in
    ``args.attr`` (an SSM document's ``content``). Unknown when the document cannot be read."""
    from analyzer.rules.engine import check  # the engine imports the predicates: import late

    attr = args["attr"]
    raw = ctx.values.get(attr)
    try:
        document = decode_json_value(raw)
    except ValueError:
        document = _yaml_document(raw)
    if document is None:
        return Verdict(None if raw is not None else False, attr,
                       f"{attr} is not a JSON or YAML document" if raw is not None else f"{attr} is not set")
    if isinstance(document, Unknown):
        return Verdict(None, attr, f"{attr} is unknown ({document.reason})")
    if not isinstance(document, dict):
        return Verdict(None, attr, f"{attr} is not a JSON object")
    inner = check(args["assert"], CheckContext(document, ctx.resource, ctx.graph, ctx.by_type))
    return Verdict(inner.value, attr, f"{attr}: {inner.explain()}")


def _yaml_document(raw):
    import yaml  # SSM documents may be YAML (document_format = "YAML"); safe_load never executes

    if not isinstance(raw, str):
        return None
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None
    return document if isinstance(document, dict) else None


PREDICATES: dict = {
    "containers_match": containers_match,
    "env_map_has_plaintext_secret": env_map_has_plaintext_secret,
    "env_list_has_plaintext_secret": env_list_has_plaintext_secret,
    "json_document_match": json_document_match,
}
