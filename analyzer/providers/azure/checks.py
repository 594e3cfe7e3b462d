"""Azure checks that need code beyond NSGs and RBAC."""
from __future__ import annotations

import re

from analyzer.evaluate.values import Unknown
from analyzer.rules.verdict import Verdict

# App setting names that hold a credential: the last word(s) of the name, split at _ - . : __
# and camelCase, must name a secret. Deliberately narrow: ENABLE_PASSWORD_RESET, TOKEN_LIFETIME,
# KEY_VAULT_URI or APPINSIGHTS_INSTRUMENTATIONKEY are not credentials.
_SECRET_LAST_WORDS = {"password", "passwd", "pwd", "secret", "token", "apikey", "passphrase"}
_KEY_QUALIFIERS = {"api", "access", "account", "private", "secret", "shared", "master", "primary",
                   "secondary", "subscription", "signing", "encryption", "storage", "function", "host",
                   "admin", "client"}
# Connection strings are judged by their value, not their name: one that authenticates with a
# managed identity holds no credential. Storage, Service Bus, Event Hubs, SQL and ODBC
# connection strings with a credential inline:
_INLINE_CREDENTIAL = re.compile(r"(?i)(^|;)\s*(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)"
                                r"\s*=\s*[^;\s]{4,}")
# References resolved by App Service at run time: the secret itself lives elsewhere.
_REFERENCES = ("@microsoft.keyvault(", "@microsoft.appconfiguration(")


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[_\-.:\s]+", spaced.lower()) if w]


def secret_setting_name(name: str) -> bool:
    """Does this app setting name say it holds a credential?"""
    words = _words(name)
    if not words:
        return False
    if words[-1] in _SECRET_LAST_WORDS:
        return True
    if words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS:
        return True
    if words[-1] in {"accesskey", "accountkey", "privatekey", "secretkey", "masterkey", "sharedkey"}:
        return True
    return False


def _judged_value(value) -> str | None:
    """The literal text worth judging, or None (unknown, empty, a reference, a flag or number)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text.lower().startswith(_REFERENCES):
        return None
    if text.lower() in ("true", "false", "null", "none") or re.fullmatch(r"[0-9.]+", text):
        return None
    return text


def app_setting_secret_hardcoded(ctx, args: dict) -> Verdict:
    """True when a map of settings (``args.attr``, default ``app_settings``) holds a credential
    written in the code: a setting whose name says it is a secret (DB_PASSWORD, ApiKey,
    CLIENT_SECRET, STRIPE_SECRET_KEY) or whose value carries an inline credential
    (AccountKey=..., Password=...), set to a literal, a local or a variable default. Key Vault
    and App Configuration references, values computed at apply time (random_password, another
    resource's key) and variables without default are not; nor is a map listed in
    lifecycle.ignore_changes."""
    attr = args.get("attr", "app_settings")
    settings = ctx.values.get(attr)
    if isinstance(settings, Unknown):
        return Verdict(False, attr, f"{attr} is supplied at apply time ({settings.reason})")
    if not isinstance(settings, dict) or not settings:
        return Verdict(False, attr, f"{attr} is not set")
    resource = ctx.resource
    if attr in resource.ignored_changes or "all" in resource.ignored_changes:
        return Verdict(False, attr, f"{attr} is managed outside Terraform (lifecycle.ignore_changes)")
    verdicts = []
    for name, value in settings.items():
        text = _judged_value(value)
        if text is None or not (secret_setting_name(str(name)) or _INLINE_CREDENTIAL.search(text)):
            continue
        provenance = resource.provenance.get(f"{attr}.{name}") or resource.provenance.get(attr)
        if provenance is None:
            verdicts.append(Verdict(None, attr, f"cannot see how {attr}.{name} is written"))
            continue
        kind, why = provenance
        if kind == "code":
            return Verdict(True, attr, f"{attr}.{name} is written in the code ({why})")
        if kind == "unknown":
            verdicts.append(Verdict(None, attr, f"{attr}.{name}: {why}"))
        # "outside": the map as a whole mixes in values from outside the code; when no
        # per-key provenance exists we cannot say this key is one of the literal ones.
        elif f"{attr}.{name}" not in resource.provenance:
            verdicts.append(Verdict(None, attr, f"{attr}.{name}: part of {attr} comes from outside the code "
                                                 f"({why}); cannot tell whether this setting does"))
    if verdicts:
        return verdicts[0]
    return Verdict(False, attr, f"no credential written in {attr}")


def connection_string_hardcoded(ctx, args: dict) -> Verdict:
    """True when a ``connection_string`` block of an App Service holds a literal credential
    (Password=, AccountKey=, SharedAccessKey=...). Values with an apply-time part (a random
    password, a variable without default) are unknown here and are not reported."""
    blocks = ctx.values.get("connection_string")
    if isinstance(blocks, Unknown):
        return Verdict(False, "connection_string", "connection strings are supplied at apply time")
    if not isinstance(blocks, list) or not blocks:
        return Verdict(False, "connection_string", "no connection_string block")
    if "connection_string" in ctx.resource.ignored_changes or "all" in ctx.resource.ignored_changes:
        return Verdict(False, "connection_string", "connection_string is managed outside Terraform")
    for block in blocks:
        if not isinstance(block, dict):
            continue
        text = _judged_value(block.get("value"))
        if text is not None and _INLINE_CREDENTIAL.search(text):
            return Verdict(True, "connection_string.value",
                           f"connection string {block.get('name')!r} holds an inline credential")
    return Verdict(False, "connection_string", "no inline credential in connection strings")


PREDICATES: dict = {
    "app_setting_secret_hardcoded": app_setting_secret_hardcoded,
    "connection_string_hardcoded": connection_string_hardcoded,
}
