"""Presence rules with --account-scope judge only the clouds the scan declares."""
from __future__ import annotations

from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED


def test_presence_rules_of_absent_clouds_are_not_applicable_and_results_sit_at_the_clouds_provider(tmp_path):
    (tmp_path / "main.tf").write_text(
        'provider "alicloud" {\n  region = "cn-hangzhou"\n}\n\n'
        'provider "google" {\n  project = "acme"\n}\n\n'
        'resource "google_storage_bucket" "b" {\n  name     = "acme-b"\n  location = "EU"\n}\n')
    report = scan([str(tmp_path)], ScanOptions(account_scope=True, environ={}), BUNDLED)
    account = [r for r in report.results if r.subject == "account"]
    by_provider = {}
    rules = {rule.id: rule for rule in report.rules}
    for result in account:
        by_provider.setdefault(rules[result.rule_id].provider, set()).add(result.status)
    assert by_provider["aws"] == {"not-applicable"} and by_provider["azure"] == {"not-applicable"}
    assert "fail" in by_provider["gcp"]  # a GCP project with no audit config, no SCC notifications ...
    gcp_lines = {r.location.start_line for r in account if rules[r.rule_id].provider == "gcp"}
    assert gcp_lines == {5}  # the google provider block, not the first (alicloud) one


def test_account_rules_do_not_reuse_a_scopes_indexes(monkeypatch):
    """The account-wide graph is the union of every scope's graph; the per-scope indexes that
    rules and predicates cache on a scope's graph (a plan's, here) must not come along."""
    import os

    import analyzer.scan as scan_module
    from tests.rule_fixtures import REPO

    seen = {}
    original = scan_module.evaluate_account_rules

    def spy(rules, resources, graph, *args, **kwargs):
        seen["graph_attributes"] = dict(graph.graph)
        return original(rules, resources, graph, *args, **kwargs)

    monkeypatch.setattr(scan_module, "evaluate_account_rules", spy)
    project = os.path.join(REPO, "fixtures", "projects", "plan_equivalence")
    scan([project], ScanOptions(plans=(os.path.join(project, "plan.json"),), account_scope=True, environ={}),
         BUNDLED)
    assert seen["graph_attributes"] == {}
