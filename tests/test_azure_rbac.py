"""Azure role scopes, assignments and custom roles (analyzer/providers/azure/rbac.py)."""
from __future__ import annotations

import pytest

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.model import CheckContext as Context
from analyzer.providers.azure import rbac as R

UNKNOWN = Unknown("var.scope has no value (no default, tfvars or -var)", variable="var.scope")
SUB_DATA = Unknown("known after apply", origin="data.azurerm_subscription.current.id")
MG_RESOURCE = Unknown("known after apply", origin="azurerm_management_group.platform.id")
RG_ID = Unknown("known after apply", origin="azurerm_resource_group.app.id")
SUB_TEMPLATE = Unknown("var.id has no value", partial=TemplateParts(("/subscriptions/", UNKNOWN)))
BLOB_TEMPLATE = Unknown("known after apply", partial=TemplateParts(
    (Unknown("known after apply", origin="azurerm_storage_account.data.id"), "/blobServices/default")))
RG_UNDER_SUB = Unknown("known after apply", partial=TemplateParts((SUB_DATA, "/resourceGroups/rg-app")))
RG_TEMPLATE = Unknown("var.id has no value", partial=TemplateParts(("/subscriptions/0000/resourceGroups/", UNKNOWN)))


@pytest.mark.parametrize("scope, breadth", [
    ("/", "root"),
    ("/subscriptions/00000000-0000-0000-0000-000000000000", "subscription"),
    ("/subscriptions/00000000-0000-0000-0000-000000000000/", "subscription"),
    ("/providers/Microsoft.Management/managementGroups/platform", "management group"),
    ("/subscriptions/0000/resourceGroups/rg", "narrow"),
    ("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", "narrow"),
    (SUB_DATA, "subscription"),
    (MG_RESOURCE, "management group"),
    (RG_ID, "narrow"),
    (SUB_TEMPLATE, "subscription"),
    (RG_TEMPLATE, "narrow"),
    (BLOB_TEMPLATE, "narrow"),
    (RG_UNDER_SUB, "narrow"),
    (UNKNOWN, None),
    (None, None),
])
def test_scope_breadth(scope, breadth):
    assert R.scope_breadth(scope) == breadth


def assignment(**values):
    return Context(values, None, None, {})


@pytest.mark.parametrize("values, holds", [
    ({"role_definition_name": "Owner", "scope": "/subscriptions/0000"}, False),
    ({"role_definition_name": "owner", "scope": SUB_DATA}, False),
    ({"role_definition_id": "/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/"
                            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "scope": "/"}, False),
    ({"role_definition_name": "Owner", "scope": "/subscriptions/0000/resourceGroups/rg"}, True),
    ({"role_definition_name": "Contributor", "scope": "/subscriptions/0000"}, True),
    ({"role_definition_name": UNKNOWN, "scope": "/subscriptions/0000"}, None),
    ({"role_definition_name": "Owner", "scope": UNKNOWN}, None),
])
def test_owner_assignment(values, holds):
    assert R.assignment_not_broad(assignment(**values), {"roles": ["Owner"]}).value is holds


@pytest.mark.parametrize("values, holds", [
    ({"permissions": [{"actions": ["*"]}], "scope": "/subscriptions/0000"}, False),
    ({"permissions": [{"actions": ["*"]}], "scope": "/subscriptions/0000/resourceGroups/rg",
      "assignable_scopes": ["/providers/Microsoft.Management/managementGroups/mg"]}, False),
    ({"permissions": [{"actions": ["*"]}], "scope": "/subscriptions/0000/resourceGroups/rg"}, True),
    ({"permissions": [{"actions": ["*/read"]}], "scope": "/subscriptions/0000"}, True),
    ({"permissions": [{"actions": ["*"]}], "scope": UNKNOWN}, None),
    ({"permissions": [UNKNOWN], "scope": "/subscriptions/0000"}, None),
])
def test_custom_role(values, holds):
    assert R.custom_role_not_admin(assignment(**values), {}).value is holds


@pytest.mark.parametrize("target, holds", [
    (SUB_DATA, True), ("/subscriptions/0000", True), (SUB_TEMPLATE, True),
    ("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", False),
    (RG_ID, False), (UNKNOWN, None),
])
def test_targets_subscription(target, holds):
    assert R.targets_subscription(assignment(target_resource_id=target), {}).value is holds
