"""GCP checks that need code beyond IAM and firewalls: protobuf durations ("7776000s") and
plaintext secrets in environment-variable maps and env blocks."""
from __future__ import annotations

import re

from analyzer.evaluate.values import Unknown, values_at
from analyzer.rules.verdict import Verdict

# Google APIs write durations as seconds with up to nine fractional digits and an "s".
_DURATION = re.compile(r"^\s*(\d+(?:\.\d{1,9})?)s\s*$")


def duration_at_most(ctx, args: dict) -> Verdict:
    """The duration at ``args.attr`` is set and at most ``args.seconds``. Not set is false
    (for a KMS key: no automatic rotation); a value known only after apply is unknown."""
    attr, limit = args["attr"], float(args["seconds"])
    found = values_at(ctx.values, attr)
    value = found[0] if found else None
    if value is None or value == "":
        return Verdict(False, attr, f"{attr} is not set", f"at most {int(limit)}s")
    if isinstance(value, Unknown):
        return Verdict(None, attr, f"{attr} is unknown ({value.reason})")
    match = _DURATION.match(str(value))
    if not match:
        return Verdict(None, attr, f"{attr} is {value!r}, not a duration in seconds")
    seconds = float(match.group(1))
    return Verdict(seconds <= limit, attr, f"{attr} is {value}", f"at most {int(limit)}s")


# A name is a secret when its last word is one of these (DB_PASSWORD, stripe-api-key,
# JWT_SECRET, GITHUB_TOKEN). Names that only point at a secret (DB_PASSWORD_FILE,
# SECRET_NAME, TOKEN_URL, API_KEY_SECRET_ID) end in another word and are not matched; nor are
# ambiguous words that usually hold a path or an identifier (CREDENTIALS, ACCESS_KEY, PWD).
_SECRET_NAME = re.compile(
    r"(?:^|[_\-.])(?:password|passwd|secret|client[_\-.]?secret|secret[_\-.]?key|api[_\-.]?key|apikey|"
    r"secret[_\-.]?access[_\-.]?key|private[_\-.]?key|token|auth[_\-.]?token|access[_\-.]?token)$",
    re.IGNORECASE)
# Values that name where a secret lives rather than being one.
_REFERENCE_VALUE = re.compile(
    r"^(?:projects/[^/]+/secrets/|sm://|gcp:secretmanager:|\$\{|\$\(|secret://|https?://|/)", re.IGNORECASE)
# Feature flags such as ENABLE_API_KEY = "true" are not secrets.
_FLAG_VALUES = {"true", "false", "yes", "no", "on", "off", "none", "null", "enabled", "disabled"}


def secret_like_name(name) -> bool:
    return isinstance(name, str) and bool(_SECRET_NAME.search(name.strip()))


def _literal_secret(name, value) -> bool:
    """A non-empty string written in the configuration under a secret name."""
    if not secret_like_name(name) or not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and text.lower() not in _FLAG_VALUES and not _REFERENCE_VALUE.match(text)


def _pairs(ctx, maps, blocks):
    """(path, name, value) for every entry of the maps at ``maps`` and every env block
    ({name, value}) at ``blocks``; an Unknown map or block list yields (path, None, Unknown)."""
    for path in maps:
        for found in values_at(ctx.values, path):
            if isinstance(found, Unknown):
                yield path, None, found
            elif isinstance(found, dict):
                for name, value in found.items():
                    yield path, name, value
    for path in blocks:
        for found in values_at(ctx.values, path):
            for block in found if isinstance(found, list) else [found]:
                if isinstance(block, Unknown):
                    yield path, None, block
                elif isinstance(block, dict):
                    yield path, block.get("name"), block.get("value")


def env_secret_hardcoded(ctx, args: dict) -> Verdict:
    """True when a map entry (``args.maps``: environment_variables, metadata) or an env block
    (``args.blocks``: containers.env with name/value) whose name is clearly a secret
    (password, secret, api_key, token ...) holds a non-empty string known before apply: a
    literal, a local or a variable default or tfvars value written in the repository. A value
    from a variable without value, a resource attribute (random_password.x.result) or a data
    source is not; nor is a value_source / secret_key_ref (no ``value``). Unknown names
    (a map known only after apply) give unknown."""
    maps, blocks = args.get("maps", []), args.get("blocks", [])
    unknown = None
    for path, name, value in _pairs(ctx, maps, blocks):
        if isinstance(name, Unknown) or (name is None and isinstance(value, Unknown)):
            unknown = unknown or Verdict(None, path, f"{path} is known only after apply")
            continue
        if _literal_secret(name, value):
            return Verdict(True, path, f"{path} sets {name} to a value written in the code")
    if unknown is not None:
        return unknown
    return Verdict(False, (maps or blocks or [None])[0], "no secret-named variable with a value written in the code")


PREDICATES: dict = {
    "duration_at_most": duration_at_most,
    "env_secret_hardcoded": env_secret_hardcoded,
}
