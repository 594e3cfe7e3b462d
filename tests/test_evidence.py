"""Change records, the hash-chained ledger on SQLite and PostgreSQL, and the period report."""
from __future__ import annotations

import datetime as _dt
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.evidence.context import ChangeContext, from_environment, read_git_head
from analyzer.evidence.html import render_html
from analyzer.evidence.ledger import GENESIS, open_ledger
from analyzer.evidence.period import period_report, render_markdown
from analyzer.evidence.record import build_record, load_record, record_hash, write_record
from analyzer.scan import ScanOptions, scan
from tests.rule_fixtures import BUNDLED, REPO

EXAMPLE = os.path.join(REPO, "fixtures", "projects", "example")
POSTGRES_DSN = os.environ.get("TFATTEST_TEST_POSTGRES")
CONTEXT = ChangeContext(repository="acme/infra", commit="a" * 40, base="b" * 40, branch="feature", pull_request=7,
                        actor="dev")


def _record(created_at="2026-01-05T10:00:00Z", repository="acme/infra", findings=(), suppressed=(),
            results_by_rule=None, complete=True, exit_code=0):
    """A synthetic record with exactly the findings given (the period report reads only these keys)."""
    return {
        "record_version": "1.0", "kind": "tfattest change record", "created_at": created_at,
        "context": {**CONTEXT.as_dict(), "repository": repository}, "tool": {"name": "tfattest"},
        "exit_code": exit_code, "complete": complete, "inputs": [], "change_set": [], "summary": {},
        "results_by_rule": results_by_rule or {}, "findings": list(findings), "suppressed": list(suppressed),
        "problems": [], "results": [],
    }


def _finding(fingerprint, rule="AWS-S3-002", tsc=("CC6.1",)):
    return {"rule_id": rule, "status": "fail", "severity": "high", "tsc": list(tsc), "address": f"x.{fingerprint}",
            "fingerprint": fingerprint, "path": "main.tf", "line": 1, "message": "", "change_action": None}


# --- records -------------------------------------------------------------------------

def test_record_is_deterministic_and_named_by_its_hash(tmp_path):
    first = build_record(scan([EXAMPLE], ScanOptions(environ={}), BUNDLED), CONTEXT, 1, "2026-12-01T00:00:00Z")
    second = build_record(scan([EXAMPLE], ScanOptions(environ={}), BUNDLED), CONTEXT, 1, "2026-12-01T00:00:00Z")
    assert record_hash(first) == record_hash(second)
    json_path, md_path = write_record(first, str(tmp_path))
    assert os.path.basename(json_path) == record_hash(first) + ".json"
    loaded, digest = load_record(json_path)
    assert digest == record_hash(first) and loaded == first
    assert first["exit_code"] == 1 and first["findings"] and first["inputs"]
    assert all(len(i["sha256"]) == 64 for i in first["inputs"])
    assert first["tool"]["ruleset_digest"] == BUNDLED.digest
    summary = open(md_path, encoding="utf-8").read()
    assert "pull request #7" in summary and "AWS-" in summary


def test_an_edited_record_file_is_refused(tmp_path):
    record = build_record(scan([EXAMPLE], ScanOptions(environ={}), BUNDLED), CONTEXT, 1, "2026-12-01T00:00:00Z")
    json_path, _ = write_record(record, str(tmp_path))
    edited = json.loads(open(json_path, encoding="utf-8").read())
    edited["exit_code"] = 0
    with open(json_path, "w", encoding="utf-8") as handle:
        json.dump(edited, handle)
    with pytest.raises(ValueError, match="record was changed"):
        load_record(json_path)


def test_context_from_github_pull_request_event(tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42, "base": {"sha": "b" * 40}, "head": {"sha": "c" * 40}}}))
    context = from_environment({"GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "acme/infra",
                                "GITHUB_ACTOR": "octocat", "GITHUB_HEAD_REF": "fix", "GITHUB_RUN_ID": "9"},
                               str(tmp_path))
    assert (context.pull_request, context.base, context.commit, context.branch, context.actor) == \
        (42, "b" * 40, "c" * 40, "fix", "octocat")
    assert context.run_url == "https://github.com/acme/infra/actions/runs/9"


def test_git_head_is_read_from_files_not_by_running_git(tmp_path):
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "packed-refs").write_text(f"# pack-refs\n{'d' * 40} refs/heads/main\n")
    (tmp_path / "infra").mkdir()
    assert read_git_head(str(tmp_path / "infra")) == ("d" * 40, "main")
    assert read_git_head("/") == (None, None)


# --- the ledger on both backends -------------------------------------------------------

def _fresh_postgres():
    import psycopg

    with psycopg.connect(POSTGRES_DSN) as connection:
        connection.execute("DROP TABLE IF EXISTS tfattest_ledger")
        connection.execute("DROP TABLE IF EXISTS tfattest_ledger_head")
    return POSTGRES_DSN


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "evidence.db")
    if not POSTGRES_DSN:
        pytest.skip("no PostgreSQL server: .ci/run starts one and sets TFATTEST_TEST_POSTGRES")
    return _fresh_postgres()


def _raw(location):
    """A plain DB-API connection for tampering, as an attacker with database access would."""
    if location.startswith("postgresql://"):
        import psycopg

        return psycopg.connect(location, autocommit=True), "%s"
    return sqlite3.connect(location, isolation_level=None), "?"


def _filled(location, count=4):
    ledger = open_ledger(location)
    for day in range(1, count + 1):
        ledger.append(_record(created_at=f"2026-01-0{day}T09:00:00Z", findings=[_finding(f"f{day}")]))
    return ledger


def test_intact_chain_verifies(ledger_location):
    ledger = _filled(ledger_location)
    result = ledger.verify()
    assert result.ok and result.entries == 4 and result.head != GENESIS
    assert ledger.verify(expect_head=result.head).ok
    ledger.close()


TAMPERING = {
    "edit": ("UPDATE tfattest_ledger SET record = replace(record, '\"exit_code\":0', '\"exit_code\":1') "
             "WHERE seq = 2", 2),
    "delete": ("DELETE FROM tfattest_ledger WHERE seq = 2", 2),
    "reorder": ("UPDATE tfattest_ledger SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 END WHERE seq IN (2, 3)", 2),
    "truncate": ("DELETE FROM tfattest_ledger WHERE seq = 4", 4),
    "insert": ("UPDATE tfattest_ledger SET seq = seq + 1 WHERE seq >= 3", 3),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_detected_at_the_first_broken_entry(ledger_location, case):
    ledger = _filled(ledger_location)
    connection, _ = _raw(ledger_location)
    statement, first_broken = TAMPERING[case]
    if case == "reorder":  # two steps: a primary key cannot hold both values at once
        connection.execute("UPDATE tfattest_ledger SET seq = 100 WHERE seq = 2")
        connection.execute("UPDATE tfattest_ledger SET seq = 2 WHERE seq = 3")
        connection.execute("UPDATE tfattest_ledger SET seq = 3 WHERE seq = 100")
    elif case == "insert":  # make room, then forge an entry that claims to follow entry 2
        for seq in (4, 3):
            connection.execute(f"UPDATE tfattest_ledger SET seq = {seq + 1} WHERE seq = {seq}")
        forged = json.dumps(_record(), sort_keys=True, separators=(",", ":"))
        connection.execute("INSERT INTO tfattest_ledger (seq, record_sha256, prev_hash, entry_hash, created_at, record) "
                           f"VALUES (3, '{record_hash(_record())}', 'x', 'y', 'now', '{forged}')")
    else:
        connection.execute(statement)
    connection.close()
    result = ledger.verify()
    assert not result.ok and result.first_broken == first_broken, result.message
    ledger.close()


def test_a_rewritten_chain_is_caught_by_the_expected_head(ledger_location):
    ledger = _filled(ledger_location)
    head = ledger.verify().head
    connection, _ = _raw(ledger_location)
    connection.execute("DELETE FROM tfattest_ledger")
    connection.execute("UPDATE tfattest_ledger_head SET seq = 0, entry_hash = '" + GENESIS + "'")
    connection.close()
    ledger.append(_record(created_at="2026-02-01T00:00:00Z"))
    assert ledger.verify().ok  # a consistent forgery ...
    assert not ledger.verify(expect_head=head).ok  # ... is caught against a head kept elsewhere
    ledger.close()


def _append_many(location, worker, count):
    ledger = open_ledger(location)
    for n in range(count):
        ledger.append(_record(created_at=f"2026-03-01T00:{worker:02d}:{n:02d}Z", repository=f"repo-{worker}"))
    ledger.close()


def test_concurrent_appends_from_several_processes_keep_one_chain(ledger_location):
    open_ledger(ledger_location).close()  # create the schema once
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(ledger_location, w, 8)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    ledger = open_ledger(ledger_location)
    result = ledger.verify()
    assert result.ok and result.entries == 32, result.message
    ledger.close()


# --- the period report ------------------------------------------------------------------

def _six_months(location):
    """Known history: repo A scanned every Monday for 26 weeks, repo B on the first Monday only.
    Finding f1 opens week 1 and is fixed week 3 (14 days); f2 opens week 2 and stays open;
    an exception is active from week 5; week 10's scan is incomplete (it cannot close f2)."""
    ledger = open_ledger(location)
    start = _dt.date(2026, 1, 5)  # a Monday
    rules = {"AWS-S3-002": {"tsc": ["CC6.1", "CC6.6"], "counts": {"pass": 3, "fail": 1}}}
    exception = {"rule_id": "AWS-S3-002", "address": "aws_s3_bucket.site", "status": "suppressed",
                 "suppression": {"justification": "public website", "approver": "ciso@example.com",
                                 "expires": "2026-09-30", "kind": "exception"}}
    for week in range(26):
        day = start + _dt.timedelta(weeks=week)
        findings = ([_finding("f1")] if week in (0, 1) else []) + ([_finding("f2", tsc=("CC7.2",))] if week >= 1 else [])
        ledger.append(_record(created_at=f"{day.isoformat()}T12:00:00Z", findings=findings,
                              suppressed=[exception] if week >= 4 else [], results_by_rule=rules,
                              complete=week != 9))
        if week == 0:
            ledger.append(_record(created_at=f"{day.isoformat()}T13:00:00Z", repository="acme/legacy"))
    ledger.append(_record(created_at="2025-12-01T00:00:00Z", repository="acme/retired"))  # before the period
    return ledger


def test_period_report_numbers_are_exact(tmp_path):
    ledger = _six_months(str(tmp_path / "evidence.db"))
    data = period_report(ledger.entries(), _dt.date(2026, 1, 5), _dt.date(2026, 6, 30), ledger.verify())
    assert data["changes_checked"] == 27
    assert data["period"]["days"] == 177
    assert data["repositories"]["acme/infra"] == {"records": 26, "longest_gap_days": 6}
    assert data["repositories"]["acme/legacy"] == {"records": 1, "longest_gap_days": 176}
    assert data["repositories_without_scan"] == ["acme/retired"]
    assert len(data["days_without_scan"]) == 177 - 26
    assert data["incomplete_scans"] == 1
    findings = data["findings"]
    assert (findings["opened"], findings["closed"], findings["still_open"]) == (2, 1, 1)
    assert findings["closed_list"][0]["fingerprint"] == "f1"
    assert findings["closed_list"][0]["days_to_remediate"] == 14.0
    assert data["criteria"]["CC6.1"] == {"pass": 78, "fail": 26, "unknown": 0, "not-applicable": 0,
                                         "suppressed": 0, "rules": ["AWS-S3-002"]}
    assert data["findings_per_week_by_criterion"] == {"2026-W02": {"CC6.1": 1}, "2026-W03": {"CC7.2": 1}}
    [exception] = data["exceptions"]
    assert exception["expires"] == "2026-09-30" and exception["first_seen"] == "2026-02-02T12:00:00Z"
    assert data["chain"]["ok"] and data["chain"]["entries"] == 28
    markdown = render_markdown(data)
    assert "changes checked: 27" in markdown and "public website" in markdown
    ledger.close()


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(not _chromium(), reason="headless Chromium not installed (.ci/run installs Debian chromium)")
def test_html_report_renders_in_headless_chromium(tmp_path):
    ledger = _six_months(str(tmp_path / "evidence.db"))
    data = period_report(ledger.entries(), _dt.date(2026, 1, 5), _dt.date(2026, 6, 30), ledger.verify())
    ledger.close()
    page = tmp_path / "report.html"
    page.write_text(render_html(data), encoding="utf-8")
    common = CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([_chromium(), *common, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-week="2026-W02"' in dom.stdout and 'data-criterion="CC7.2"' in dom.stdout
    assert 'id="exceptions-timeline"' in dom.stdout and 'data-expires="2026-09-30"' in dom.stdout
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr
    shot = tmp_path / "report.png"
    subprocess.run([_chromium(), *common, "--window-size=1100,1600", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the commands end to end ----------------------------------------------------------------

def test_scan_add_verify_report_export(tmp_path, ledger_location, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767607200")  # 2026-01-05T10:00:00Z
    runner = CliRunner()
    records = tmp_path / "records"
    result = runner.invoke(main, ["scan", EXAMPLE, "--evidence", str(records), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 1, result.output
    [record_file] = sorted(records.glob("*.json"))
    assert runner.invoke(main, ["evidence", "add", str(record_file), "--ledger", ledger_location]).exit_code == 0
    verified = runner.invoke(main, ["evidence", "verify", "--ledger", ledger_location])
    assert verified.exit_code == 0 and "1 entries, chain intact" in verified.output
    report = runner.invoke(main, ["evidence", "report", "--ledger", ledger_location, "--from", "2026-01-01",
                                  "--to", "2026-01-31", "--format", "json"])
    assert report.exit_code == 0 and json.loads(report.output)["changes_checked"] == 1
    exported = runner.invoke(main, ["evidence", "export", "--ledger", ledger_location, "--format", "jsonl"])
    assert json.loads(exported.output.splitlines()[0])["record"]["created_at"] == "2026-01-05T10:00:00Z"
    csv_rows = runner.invoke(main, ["evidence", "export", "--ledger", ledger_location, "--format", "csv"]).output
    assert csv_rows.splitlines()[0].startswith("seq,created_at,repository")


def test_a_pr_scan_record_says_what_the_change_introduced_and_fixed(tmp_path, monkeypatch):
    """A change record from --diff-base-plan/--diff-base carries new/fixed/unchanged."""
    import textwrap

    base = tmp_path / "base"
    head = tmp_path / "head"
    for directory, port in ((base, 22), (head, 3389)):
        directory.mkdir()
        (directory / "main.tf").write_text(textwrap.dedent(f"""
            resource "aws_security_group" "web" {{
              ingress {{
                from_port   = {port}
                to_port     = {port}
                protocol    = "tcp"
                cidr_blocks = ["0.0.0.0/0"]
              }}
            }}
        """))
    from analyzer import diffbase

    report = scan([str(head)], ScanOptions(only=("AWS-EC2-001",), environ={}), BUNDLED)
    base_report = scan([str(base)], ScanOptions(only=("AWS-EC2-001",), environ={}), BUNDLED)
    reviewed = diffbase.apply_diff(report, base_report, "main (abc)")
    record = build_record(reviewed, CONTEXT, 1, "2026-12-01T00:00:00Z")
    review = record["change_review"]
    assert review["base"] == "main (abc)" and review["new"] + review["unchanged"] == 1
    _, md_path = write_record(record, str(tmp_path / "records"))
    assert "Compared with the base main (abc)" in open(md_path, encoding="utf-8").read()
