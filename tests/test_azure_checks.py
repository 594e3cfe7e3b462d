"""Azure predicates of analyzer/providers/azure/checks.py: app settings and connection strings."""
from __future__ import annotations


import pytest

from analyzer.providers.azure import checks
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts




@pytest.mark.parametrize("name, secret", [
    ("DB_PASSWORD", True),
    ("db-passwd", True),
    ("SQL_PWD", True),
    ("ClientSecret", True),
    ("CLIENT_SECRET", True),
    ("GITHUB_TOKEN", True),
    ("SENDGRID_API_KEY", True),
    ("SendGrid:ApiKey", True),
    ("APIKEY", True),
    ("STRIPE_SECRET_KEY", True),
    ("Jwt__SigningKey", True),
    ("STORAGE_ACCOUNT_KEY", True),
    ("ENABLE_PASSWORD_RESET", False),
    ("TOKEN_LIFETIME_MINUTES", False),
    ("KEY_VAULT_URI", False),
    ("KEY_VAULT_SECRET_NAME", False),
    ("APPINSIGHTS_INSTRUMENTATIONKEY", False),
    ("PUBLIC_KEY", False),
    ("PARTITION_KEY", False),
    ("SQL_CONNECTION_STRING", False),  # judged by its value, not its name
    ("WEBSITE_RUN_FROM_PACKAGE", False),
])
def test_secret_setting_name(name, secret):
    assert checks.secret_setting_name(name) is secret


@pytest.mark.parametrize("settings, expected", [
    ('{ DB_PASSWORD = "literal-password" }', True),
    ('{ DB_PASSWORD = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)" }', False),
    ('{ DB_PASSWORD = "@Microsoft.AppConfiguration(Endpoint=https://ac.azconfig.io; Key=db)" }', False),
    ('{ DB_PASSWORD = random_password.p.result }', False),
    ('{ DB_PASSWORD = var.no_default }', False),
    ('{ DB_PASSWORD = var.with_default }', True),
    ('{ DB_PASSWORD = local.pw }', True),
    ('{ "DB_PASSWORD" = "" }', False),
    ('{ FEATURE = "x", BLOB = "AccountName=a;AccountKey=abcd1234==" }', True),
    ('{ BUS = "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abcd1234" }', True),
    ('{ SQL = "Server=s;Authentication=Active Directory Managed Identity" }', False),
    ('{ MAX_RETRIES = "5", ENABLE_PASSWORD_RESET = "true" }', False),
    ('merge(local.base, { API_KEY = "k-123456" })', True),
    ('merge(var.no_default_map, { FEATURE = "x" })', False),
])
def test_app_setting_secret_hardcoded(tmp_path, settings, expected):
    ctx = contexts(tmp_path, f"""
        variable "no_default" {{
          type = string
        }}
        variable "no_default_map" {{
          type = map(string)
        }}
        variable "with_default" {{
          type    = string
          default = "in-the-repo"
        }}
        locals {{
          pw   = "local-password"
          base = {{ REGION = "westeurope" }}
        }}
        resource "random_password" "p" {{
          length = 16
        }}
        resource "azurerm_linux_web_app" "app" {{
          name         = "app"
          app_settings = {settings}
        }}
    """)["azurerm_linux_web_app.app"]
    verdict = PREDICATES["azure.app_setting_secret_hardcoded"](ctx, {"attr": "app_settings"})
    assert verdict.value is expected, verdict.evidence


def test_app_settings_ignored_by_lifecycle_are_not_judged(tmp_path):
    ctx = contexts(tmp_path, """
        resource "azurerm_linux_web_app" "app" {
          name         = "app"
          app_settings = { API_KEY = "placeholder" }
          lifecycle {
            ignore_changes = [app_settings]
          }
        }
    """)["azurerm_linux_web_app.app"]
    assert PREDICATES["azure.app_setting_secret_hardcoded"](ctx, {}).value is False


@pytest.mark.parametrize("value, expected", [
    ('"Server=s;Database=d;User Id=u;Password=Pa55word;"', True),
    ('"Server=s;Database=d;Authentication=Active Directory Default"', False),
    ('"Server=s;Password=${random_password.p.result}"', False),
])
def test_connection_string_hardcoded(tmp_path, value, expected):
    ctx = contexts(tmp_path, f"""
        resource "random_password" "p" {{
          length = 16
        }}
        resource "azurerm_app_service" "app" {{
          name = "app"
          connection_string {{
            name  = "Db"
            type  = "SQLServer"
            value = {value}
          }}
        }}
    """)["azurerm_app_service.app"]
    verdict = PREDICATES["azure.connection_string_hardcoded"](ctx, {})
    assert verdict.value is expected, verdict.evidence
