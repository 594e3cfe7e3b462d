"""Write each rule's ``frameworks:`` tags from its ``same_as`` / ``closest_to`` Prowler check ids.

The crosswalk (analyzer/data/frameworks/<cloud>.json) maps every Prowler check to the
requirement ids its compliance data assigns in ISO 27001:2022, CIS, HIPAA, NIST 800-53 and
SOC 2; a rule's tags are the union over the checks that test the same property (``same_as``),
else over the closest ones (``closest_to``, with ``frameworks_note`` saying why).
tests/test_frameworks.py fails when a rule's tags differ from what this script writes.

    python scripts/gen_frameworks.py            # rewrite rulesets/ in place
    python scripts/gen_frameworks.py --check    # exit 1 when a file would change
"""
from __future__ import annotations

import json
import os
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from analyzer.frameworks import derive_frameworks  # noqa: E402
from analyzer.rules.loader import rule_files  # noqa: E402


def frameworks_block(tags: dict) -> list:
    if not tags:
        return ["frameworks: {}"]
    # Quoted ids: YAML would read CIS "3.10" as the float 3.1.
    return ["frameworks:"] + [f"  {key}: [{', '.join(json.dumps(i) for i in ids)}]" for key, ids in tags.items()]


def rewritten(text: str) -> str:
    document = yaml.safe_load(text)
    checks = document.get("same_as") or document.get("closest_to") or []
    tags = derive_frameworks(document["provider"], checks)
    lines = text.rstrip("\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("frameworks:")), None)
    if start is not None:  # drop the old block: the key and its indented lines
        end = start + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        del lines[start:end]
        insert_at = start
    else:
        anchor = max((i for i, line in enumerate(lines)
                      if line.startswith(("same_as:", "closest_to:", "frameworks_note:", "severity:"))), default=0)
        insert_at = anchor + 1
        while insert_at < len(lines) and lines[insert_at].startswith(" "):  # a multi-line value
            insert_at += 1
    lines[insert_at:insert_at] = frameworks_block(tags)
    return "\n".join(lines) + "\n"


def main(argv) -> int:
    check = "--check" in argv
    changed = []
    for path in rule_files(os.path.join(REPO, "rulesets")):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        new = rewritten(text)
        if new != text:
            changed.append(os.path.relpath(path, REPO))
            if not check:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(new)
    verb = "would change" if check else "changed"
    print(f"{len(changed)} rule files {verb}" + ("".join(f"\n  {p}" for p in changed[:20]) if changed else ""))
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
