"""docs/rules.md is generated from the rule files and must be current."""
import os

from analyzer.rules.docs import rules_markdown
from tests.rule_fixtures import REPO, all_rules


def test_rules_reference_is_generated_and_current():
    with open(os.path.join(REPO, "docs", "rules.md"), encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == rules_markdown(all_rules()[0]), (
        "docs/rules.md is stale: run `tfattest rules --format markdown > docs/rules.md`")


def test_readme_keeps_exactly_two_setup_commands():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [block for block in quick_start.split("```sh")[1:]]
    assert len(commands) == 2
    assert "tfattest scan fixtures/projects/example" in commands[0]
    assert "pytest" in commands[1]
