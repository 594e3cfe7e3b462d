"""Inline suppressions and config exceptions: applied only with a reason and before expiry."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from analyzer.cli import main
from analyzer.scan import ScanOptions, scan
from analyzer.suppress import parse_suppressions

VOLUME = 'resource "aws_ebs_volume" "v" {\n  availability_zone = "a"\n  size = 1\n}\n'


def scan_text(tmp_path, text, **options):
    (tmp_path / "main.tf").write_text(text)
    return scan([str(tmp_path)], ScanOptions(only=("AWS-EBS-001",), environ={}, today=dt.date(2026, 11, 26), **options))


def test_comment_syntax():
    (item,) = parse_suppressions('  // tfattest:ignore AWS-A-001,AWS-B-002 reason="two words" expires=2027-01-01 '
                                 'ticket=SEC-9\n', "f.tf")
    assert item.rule_ids == ("AWS-A-001", "AWS-B-002") and item.reason == "two words"
    assert (item.expires, item.ticket, item.line) == ("2027-01-01", "SEC-9", 1)
    assert parse_suppressions('x = "tfattest:ignore AWS-A-001 reason=x"\n', "f.tf") == ()


def test_inline_suppression_above_or_inside_the_block(tmp_path):
    above = scan_text(tmp_path, '# tfattest:ignore AWS-EBS-001 reason="scratch disk"\n' + VOLUME)
    inside = scan_text(tmp_path, VOLUME.replace("size = 1", 'size = 1 # tfattest:ignore AWS-EBS-001 reason="tmp"'))
    for report in (above, inside):
        (result,) = report.results
        assert result.status == "suppressed" and result.original_status == "fail"


def test_expired_or_reasonless_suppressions_do_not_apply_and_are_reported(tmp_path):
    expired = scan_text(tmp_path, '# tfattest:ignore AWS-EBS-001 reason="old" expires=2025-01-01\n' + VOLUME)
    assert expired.results[0].status == "fail"
    assert "expired on 2025-01-01" in expired.suppression_problems[0]
    no_reason = scan_text(tmp_path, "# tfattest:ignore AWS-EBS-001\n" + VOLUME)
    assert no_reason.results[0].status == "fail" and "reason" in no_reason.suppression_problems[0]


def test_config_exception_with_approver(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(VOLUME)
    (tmp_path / ".tfattest.yaml").write_text(
        "exceptions:\n  - rule: AWS-EBS-001\n    resource: aws_ebs_volume.*\n    reason: scratch volumes hold no data\n"
        "    approver: ciso@example.com\n    ticket: SEC-3\n    expires: '2999-01-01'\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", ".", "--only", "AWS-EBS-001", "-f", "json"])
    assert result.exit_code == 0, result.output
    (finding,) = json.loads(result.stdout)["results"]
    assert finding["status"] == "suppressed"
    assert finding["suppression"]["kind"] == "exception" and finding["suppression"]["approver"] == "ciso@example.com"


def test_policy_can_forbid_inline_ignores(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text('# tfattest:ignore AWS-EBS-001 reason="please"\n' + VOLUME)
    (tmp_path / ".tfattest.yaml").write_text("forbid_inline_ignores: true\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", ".", "--only", "AWS-EBS-001"])
    assert result.exit_code == 1
    assert "inline ignores are forbidden" in result.output


def test_bad_config_is_exit_3(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(VOLUME)
    (tmp_path / ".tfattest.yaml").write_text("exceptions:\n  - rule: AWS-EBS-001\n")  # no reason, no approver
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "."])
    assert result.exit_code == 3 and "config" in result.output
