"""What the scan did not check: resources that no enabled rule covers, by provider and type.

"0 failing findings" must not read as "compliant" when no rule looked at the resources. A type
is covered when a selected rule names it in ``resource_types`` or in a ``related``/``in_scope``
condition. Informational notes (text summary, JSON ``not_checked``, SARIF notifications), not
problems: they never change the exit code.
"""
from __future__ import annotations

def covered_types(rules) -> set:
    types: set = set()
    for rule in rules:
        types.update(t for t in rule.resource_types if not t.startswith("data."))
        for condition in (rule.when, rule.assertion):
            types |= _condition_types(condition)
    return types


def _condition_types(condition) -> set:
    found: set = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for form in ("related", "in_scope"):
                spec = node.get(form)
                if isinstance(spec, dict):
                    kinds = spec.get("type")
                    found.update(kinds if isinstance(kinds, list) else [kinds])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {t for t in found if isinstance(t, str)}


def not_checked(rules, resources) -> list[dict]:
    """[{provider, type, resources, files, message}] for managed resources no rule covers: one
    entry per provider that no selected rule knows at all, else one per uncovered type."""
    covered = covered_types(rules)
    prefixes_with_rules = {t.split("_", 1)[0] for t in covered}
    by_key: dict = {}
    for resource in resources:
        if resource.mode != "managed" or resource.type in covered:
            continue
        prefix = resource.type.split("_", 1)[0]
        key = (prefix, None) if prefix not in prefixes_with_rules else (prefix, resource.type)
        entry = by_key.setdefault(key, [0, set()])
        entry[0] += 1
        entry[1].add(resource.location.path)
    notes = []
    for (prefix, type_name), (count, files) in sorted(by_key.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        where = f"{count} {type_name or prefix} resource{'s' if count != 1 else ''} in {len(files)} " \
                f"file{'s' if len(files) != 1 else ''}"
        reason = f"no rule covers {type_name}" if type_name else f"no rules for provider {prefix}"
        notes.append({"provider": prefix, "type": type_name, "resources": count, "files": len(files),
                      "message": f"{where}: {reason} (not checked)"})
    return notes
