"""GCP IAM model (analyzer/providers/gcp/iam.py): bindings from every spelling, glob matching."""
from __future__ import annotations


import pytest

from analyzer.evaluate.values import TemplateParts, Unknown
from analyzer.model import CheckContext as Context
from analyzer.providers.gcp import iam as I
from analyzer.rules.predicates import PREDICATES
from tests.contexts import contexts

UNKNOWN = Unknown("var.x has no value (no default, tfvars or -var)")
SA_EMAIL = Unknown("google_service_account.a.email is known only after apply", origin="google_service_account.a.email")
SA_MEMBER = Unknown("known only after apply", origin="module.m.google_service_account.a[\"x\"].member")
DEFAULT_SA = Unknown("known only after apply", origin="data.google_compute_default_service_account.d.email")
CUSTOM_ROLE = Unknown("known only after apply", origin="google_project_iam_custom_role.r.id")


def template(*parts):
    return Unknown("template", partial=TemplateParts(tuple(parts)))


@pytest.mark.parametrize("value, pattern, expected", [
    ("allUsers", "allUsers", True),
    ("user:a@example.com", "user:*", True),
    ("group:a@example.com", "user:*", False),
    ("roles/storage.admin", "roles/*[aA]dmin*", True),
    ("roles/compute.instanceAdmin.v1", "roles/*[aA]dmin*", True),
    ("roles/viewer", "roles/*[aA]dmin*", False),
    (UNKNOWN, "allUsers", None),
    (UNKNOWN, "roles/owner", None),
    (SA_MEMBER, "serviceAccount:*", True),
    (SA_MEMBER, "allUsers", False),
    (template("serviceAccount:", SA_EMAIL), "serviceAccount:*", True),
    (template("serviceAccount:", SA_EMAIL), "user:*", False),
    (template("serviceAccount:", SA_EMAIL), "serviceAccount:*-compute@developer.gserviceaccount.com", False),
    (template("serviceAccount:", DEFAULT_SA), "serviceAccount:*-compute@developer.gserviceaccount.com", True),
    (DEFAULT_SA, "*-compute@developer.gserviceaccount.com", True),
    (SA_EMAIL, "*-compute@developer.gserviceaccount.com", False),
    (template("user:", UNKNOWN), "user:*", True),
    (template("user:", UNKNOWN), "allUsers", False),
    (template("serviceAccount:", UNKNOWN, "@acme.iam.gserviceaccount.com"), "serviceAccount:*", True),
    (template("serviceAccount:service-", UNKNOWN, "@gcp-sa-pubsub.iam.gserviceaccount.com"),
     "serviceAccount:service-[0-9]*@gcp-sa-*.iam.gserviceaccount.com", True),
    ("serviceAccount:service-api@acme.iam.gserviceaccount.com", "serviceAccount:service-[0-9]*@*", False),
    (template(UNKNOWN, "@example.com"), "user:*", None),
    (CUSTOM_ROLE, "roles/owner", False),
    (None, "allUsers", False),
])
def test_match(value, pattern, expected):
    assert I.match(value, pattern) is expected


@pytest.mark.parametrize("bindings, expected", [
    ([I.Binding("roles/owner", "user:a@example.com", "x")], True),
    ([I.Binding("roles/owner", "serviceAccount:a@p.iam.gserviceaccount.com", "x")], False),
    ([I.Binding("roles/viewer", "user:a@example.com", "x")], False),
    ([I.Binding(UNKNOWN, "user:a@example.com", "x")], None),
    ([I.Binding("roles/owner", UNKNOWN, "x")], None),
    ([I.Binding("roles/viewer", UNKNOWN, "x")], False),            # role decides
    ([I.Binding("roles/owner", UNKNOWN, "x"), I.Binding("roles/owner", "user:b", "y")], True),
    ([], False),
    (UNKNOWN, None),
])
def test_grants(bindings, expected):
    value, _ = I.grants(bindings, ["roles/owner", "roles/editor"], ["user:*"])
    assert value is expected


def test_exclusions_leave_service_agents_out():
    agent = I.Binding("roles/editor", "serviceAccount:123@cloudservices.gserviceaccount.com", "x")
    value, _ = I.grants([agent], ["roles/editor"], ["serviceAccount:*"],
                        ["serviceAccount:[0-9]*@cloudservices.gserviceaccount.com"])
    assert value is False




SPELLINGS = """
variable "members" {
  type = list(string)
}

data "google_iam_policy" "p" {
  binding {
    role    = "roles/viewer"
    members = ["group:g@example.com"]
  }
  binding {
    role    = "roles/owner"
    members = ["user:a@example.com", "allUsers"]
  }
}

resource "google_project_iam_policy" "from_data" {
  project     = "p"
  policy_data = data.google_iam_policy.p.policy_data
}

resource "google_project_iam_policy" "from_json" {
  project = "p"
  policy_data = jsonencode({
    bindings = [{ role = "roles/editor", members = ["user:b@example.com"] }]
  })
}

resource "google_folder_iam_binding" "b" {
  folder  = "folders/1"
  role    = "roles/editor"
  members = ["user:c@example.com", "group:d@example.com"]
}

resource "google_organization_iam_member" "m" {
  org_id = "1"
  role   = "roles/owner"
  member = "domain:example.com"
}

resource "google_project_iam_binding" "unknown" {
  project = "p"
  role    = "roles/owner"
  members = var.members
}

resource "google_storage_bucket" "b" {
  name     = "b"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.b.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
"""


def test_bindings_of_every_spelling(tmp_path):
    ctx = contexts(tmp_path, SPELLINGS)
    pairs = lambda address: sorted((b.role, b.member) for b in I.bindings_of(ctx[address], ctx[address].resource))
    assert pairs("google_project_iam_policy.from_data") == [
        ("roles/owner", "allUsers"), ("roles/owner", "user:a@example.com"), ("roles/viewer", "group:g@example.com")]
    assert pairs("google_project_iam_policy.from_json") == [("roles/editor", "user:b@example.com")]
    assert pairs("google_folder_iam_binding.b") == [("roles/editor", "group:d@example.com"),
                                                    ("roles/editor", "user:c@example.com")]
    assert pairs("google_organization_iam_member.m") == [("roles/owner", "domain:example.com")]
    bucket = ctx["google_storage_bucket.b"]
    assert [(b.role, b.member) for b in I.bindings_on(bucket, bucket.resource, "bucket")] == [
        ("roles/storage.objectViewer", "allUsers")]


@pytest.mark.parametrize("address, members, expected", [
    ("google_project_iam_policy.from_data", ["allUsers"], True),
    ("google_project_iam_policy.from_json", ["user:*"], True),
    ("google_project_iam_policy.from_json", ["allUsers"], False),
    ("google_folder_iam_binding.b", ["group:*"], True),
    ("google_organization_iam_member.m", ["domain:*"], True),
    ("google_project_iam_binding.unknown", ["user:*"], None),
])
def test_iam_grants_role_predicate(tmp_path, address, members, expected):
    ctx = contexts(tmp_path, SPELLINGS)[address]
    verdict = PREDICATES["gcp.iam_grants_role"](ctx, {"roles": ["roles/owner", "roles/editor"], "members": members})
    assert verdict.value is expected


def test_iam_target_grants_role(tmp_path):
    bucket = contexts(tmp_path, SPELLINGS)["google_storage_bucket.b"]
    verdict = PREDICATES["gcp.iam_target_grants_role"](bucket, {"via": "bucket", "roles": ["*"], "members": ["allUsers"]})
    assert verdict.value is True


@pytest.mark.parametrize("block, scopes, expected", [
    (None, None, False),
    ([{"scopes": ["cloud-platform"]}], None, True),
    ([{"email": "default"}], None, True),
    ([{"email": "1-compute@developer.gserviceaccount.com", "scopes": ["storage-ro"]}], None, True),
    ([{"email": "1-compute@developer.gserviceaccount.com", "scopes": ["storage-ro"]}], ["cloud-platform"], False),
    ([{"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}], ["cloud-platform"], True),
    ([{"email": "app@p.iam.gserviceaccount.com", "scopes": ["cloud-platform"]}], ["cloud-platform"], False),
    ([{"email": SA_EMAIL}], None, False),
    ([{"email": DEFAULT_SA}], None, True),
    ([{"email": UNKNOWN}], None, None),
    ([{"scopes": UNKNOWN}], ["cloud-platform"], None),
])
def test_uses_default_compute_sa(block, scopes, expected):
    values = {} if block is None else {"service_account": block}
    args = {"scopes": scopes} if scopes else {}
    verdict = PREDICATES["gcp.uses_default_compute_sa"](Context(values, None, None, {}), args)
    assert verdict.value is expected
