"""Hard-coded AWS credentials: a high-precision pattern detector for values written in code.

Two shapes only, so that a finding is almost always a real key:
  * an access key id: ``AKIA`` (long-term) or ``ASIA`` (temporary) + 16 upper-case letters or
    digits, not inside a longer run of them;
  * a secret access key: 40 characters of ``[A-Za-z0-9/+]`` next to a secret-like name: the
    value of a map entry or environment variable whose name contains "secret"
    (AWS_SECRET_ACCESS_KEY), or ``secret_access_key = ...`` / ``AWS_SECRET_ACCESS_KEY=...`` in
    text (user data scripts, shell lines).
Values are read as Terraform evaluated them (locals, variable defaults, templatefile(),
file(), base64 user data are decoded). A known value whose provenance is "outside" (built
from a variable without default that the scan environment supplies, TF_VAR_ in CI) is not
hard-coded; an unknown value is not either (it is supplied at plan or apply time), but the
known pieces of a partly unknown template or jsonencode() object are read: they are the
code's. Provenance is per attribute, so a map mixing a literal key with an outside value
counts as outside when fully known (a miss rather than a false finding).
"""
from __future__ import annotations

import base64
import binascii
import json
import re

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.rules.verdict import Verdict

ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9/+]{40}$")
SECRET_NAME = re.compile(r"secret", re.IGNORECASE)
SECRET_IN_TEXT = re.compile(
    r"(secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|secret[_-]?key)[\"']?\s*[:=]\s*[\"']?"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])", re.IGNORECASE)
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")


def _mask(text: str) -> str:
    return text[:4] + "…" if len(text) > 4 else "…"


def find_in_text(text: str) -> str | None:
    """What credential the text holds (masked), or None."""
    match = ACCESS_KEY_ID.search(text)
    if match:
        return f"an AWS access key id ({_mask(match.group(0))})"
    match = SECRET_IN_TEXT.search(text)
    if match:
        return f"an AWS secret access key after {match.group(1)} ({_mask(match.group(2))})"
    return None


def find_in_map(mapping: dict) -> str | None:
    """Environment-style name -> value pairs."""
    for name, value in mapping.items():
        if not isinstance(value, str):
            continue
        found = find_in_text(value)
        if found:
            return f"{name} holds {found}"
        if isinstance(name, str) and SECRET_NAME.search(name) and SECRET_SHAPE.match(value.strip()):
            return f"{name} holds an AWS secret access key ({_mask(value.strip())})"
    return None


def decoded_base64(text: str) -> str | None:
    compact = "".join(text.split())
    if len(compact) < 16 or len(compact) % 4 or not _BASE64.match(compact):
        return None
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _texts(value) -> list:
    """The known text of a value: a string (and its base64 decoding), or a template's literal parts."""
    if isinstance(value, str):
        decoded = decoded_base64(value)
        return [value] + ([decoded] if decoded else [])
    if isinstance(value, Unknown) and isinstance(value.partial, TemplateParts):
        return [p for p in value.partial.parts if isinstance(p, str)]
    if isinstance(value, Unknown) and isinstance(value.partial, (dict, list)):  # jsonencode({...}) of unknowns
        return [json.dumps(_known(value.partial))]
    return []


def _known(value):
    """The known structure of a partial value, unknown leaves as null."""
    if isinstance(value, dict):
        return {str(k): _known(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return None if isinstance(value, Unknown) else value


def _container_environment(text: str) -> str | None:
    """ECS container_definitions JSON: each container's ``environment`` name/value pairs."""
    try:
        containers = json.loads(text)
    except ValueError:
        return None
    containers = containers if isinstance(containers, list) else [containers]
    for container in containers:
        if not isinstance(container, dict):
            continue
        pairs = {item.get("name"): item.get("value") for item in container.get("environment") or []
                 if isinstance(item, dict)}
        found = find_in_map(pairs)
        if found:
            return f"container {container.get('name', '?')}: {found}"
    return None


def _provenance(ctx, attr: str):
    resource = ctx.resource
    provenance = getattr(resource, "provenance", {}) or {}
    return provenance.get(attr) or provenance.get(attr.split(".")[0])


def credentials_in_value(ctx, args: dict) -> Verdict:
    """True when ``args.attr`` (a path: ``user_data``, ``environment.variables``,
    ``container_definitions``) holds an AWS credential written in the code. ``args.format``:
    ``text`` (default; base64 is decoded), ``map`` (name -> value), ``container_definitions``."""
    attr, form = args["attr"], args.get("format", "text")
    head, _, rest = attr.partition(".")
    value = ctx.values.get(head)
    if rest:  # one nested block level, as Terraform writes environment { variables = ... }
        blocks = value if isinstance(value, list) else [value]
        values = [b.get(rest) for b in blocks if isinstance(b, dict)]
    else:
        values = [value]
    values = [v for v in values if v is not None and v != ""]
    if not values:
        return Verdict(False, head, f"{attr} is not set")
    provenance = _provenance(ctx, attr)
    # A known value built from outside input (TF_VAR_ in CI) is not written in the code. The
    # known pieces of a partly unknown value are: the unknown pieces are what comes from outside.
    if provenance is not None and provenance[0] == "outside" and not any(isinstance(v, Unknown) for v in values):
        return Verdict(False, head, f"{attr} is supplied from outside the code ({provenance[1]})")
    for item in values:
        found = None
        if form == "map" and isinstance(item, dict):
            found = find_in_map(item)
        elif form == "container_definitions":
            for text in _texts(item):
                found = _container_environment(text) or find_in_text(text)
                if found:
                    break
        else:
            for text in _texts(item):
                found = find_in_text(text)
                if found:
                    break
        if found:
            return Verdict(True, head, f"{attr}: {found}")
    return Verdict(False, head, f"{attr} holds no AWS access key id or secret access key")


PREDICATES = {
    "credentials_in_value": credentials_in_value,
}
