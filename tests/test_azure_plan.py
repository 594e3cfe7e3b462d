"""An Azure plan is judged like the HCL it came from. fixtures/projects/azure_plan holds a small
azurerm 4.x project and its `terraform show -json` plan, written the way Terraform writes it:
provider defaults appear in `after` (min_tls_version "TLS1_2", https_only false, Redis
minimum_tls_version "1.0"), some unset attributes as null (purge_protection_enabled,
local_account_disabled) or in after_unknown (network_acls, network_rules), and references to
computed attributes (storage_account_id = azurerm_storage_account.data.id, the SQL password from
random_password) as after_unknown with `references` in the configuration. Where the values are
known, the HCL scan, the plan scan with sources and the plan alone give the same results."""
from __future__ import annotations

import os
import shutil

from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

PROJECT = os.path.join(REPO, "fixtures", "projects", "azure_plan")
EXPECTED = {
    ("AZURE-ACR-001", "azurerm_container_registry.acr"): "fail",  # public_network_access_enabled default true
    ("AZURE-ACR-002", "azurerm_container_registry.acr"): "fail",  # admin_enabled = true
    ("AZURE-ACR-003", "azurerm_container_registry.acr"): "pass",  # anonymous pull off by default
    ("AZURE-AKS-001", "azurerm_kubernetes_cluster.aks"): "fail",  # public API server, no IP ranges
    ("AZURE-AKS-002", "azurerm_kubernetes_cluster.aks"): "fail",  # local accounts on by default
    ("AZURE-AKS-003", "azurerm_kubernetes_cluster.aks"): "pass",  # RBAC on by default
    ("AZURE-APPSVC-050", "azurerm_linux_web_app.app"): "fail",  # https_only default false
    ("AZURE-APPSVC-051", "azurerm_linux_web_app.app"): "pass",  # minimum_tls_version default 1.2
    ("AZURE-APPSVC-052", "azurerm_linux_web_app.app"): "pass",  # ftps_state default Disabled
    ("AZURE-KV-001", "azurerm_key_vault.main"): "fail",  # no network_acls, public access default true
    ("AZURE-KV-050", "azurerm_key_vault.main"): "fail",  # purge protection off by default
    ("AZURE-NSG-001", "azurerm_network_security_group.web"): "fail",  # 22 from *
    ("AZURE-NSG-002", "azurerm_network_security_group.web"): "pass",
    ("AZURE-NSG-003", "azurerm_network_security_group.web"): "pass",  # 443 only, not all ports
    ("AZURE-REDIS-050", "azurerm_redis_cache.cache"): "pass",  # non-TLS port closed by default
    ("AZURE-REDIS-051", "azurerm_redis_cache.cache"): "fail",  # minimum_tls_version default 1.0
    ("AZURE-SQL-004", "azurerm_mssql_server.db"): "fail",  # no Entra administrator
    ("AZURE-SQL-055", "azurerm_mssql_server.db"): "pass",  # password from random_password
    ("AZURE-SQL-056", "azurerm_mssql_server.db"): "pass",  # minimum_tls_version default 1.2
    ("AZURE-STORAGE-001", "azurerm_storage_account.data"): "fail",  # nested public access default true
    ("AZURE-STORAGE-002", "azurerm_storage_container.public"): "fail",  # container_access_type blob
    # the split network rules refer to the account through an id known only after apply
    ("AZURE-STORAGE-003", "azurerm_storage_account.data"): "pass",
    ("AZURE-STORAGE-003", "azurerm_storage_account_network_rules.data"): "pass",
    ("AZURE-STORAGE-050", "azurerm_storage_account.data"): "pass",  # min_tls_version default TLS1_2
    ("AZURE-STORAGE-051", "azurerm_storage_account.data"): "pass",  # HTTPS only by default
}
RULES = tuple(sorted({rule for rule, _ in EXPECTED}))


def statuses(report):
    return {(r.rule_id, r.address): r.status for r in report.results if r.rule_id in RULES}


def test_hcl_scan(monkeypatch):
    monkeypatch.chdir(PROJECT)
    report = scan(["."], ScanOptions(environ={}, only=RULES), BUNDLED)
    assert not [p for p in report.problems if p.blocking], report.problems
    assert statuses(report) == EXPECTED


def test_plan_with_sources_agrees_with_hcl(monkeypatch):
    monkeypatch.chdir(PROJECT)
    report = scan(["."], ScanOptions(environ={}, only=RULES, plans=("plan.json",)), BUNDLED)
    assert not [p for p in report.problems if p.blocking], report.problems
    assert statuses(report) == EXPECTED


def test_plan_alone_agrees_with_hcl(tmp_path):
    shutil.copy(os.path.join(PROJECT, "plan.json"), tmp_path / "plan.json")
    report = scan([str(tmp_path / "plan.json")], ScanOptions(environ={}, only=RULES), BUNDLED)
    assert not [p for p in report.problems if p.blocking], report.problems
    assert statuses(report) == EXPECTED


def test_every_azure_result_agrees(monkeypatch):
    """Not only the listed rules: every Azure rule gives the same status on the plan."""
    monkeypatch.chdir(PROJECT)
    options = dict(environ={}, only=("azure",))

    def resource_results(report):  # presence rules are addressed by the scanned path
        return {(r.rule_id, r.address): r.status for r in report.results if not r.address.startswith("account")}

    hcl = resource_results(scan(["."], ScanOptions(**options), BUNDLED))
    planned = resource_results(scan(["."], ScanOptions(plans=("plan.json",), **options), BUNDLED))
    assert len(hcl) >= 40
    assert planned == hcl
