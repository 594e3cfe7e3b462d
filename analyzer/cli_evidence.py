"""Commands built on Reports: ``tfattest evidence`` (ledger), ``tfattest query`` (SQL) and
``tfattest coverage`` (TSC and framework coverage). Registered explicitly in analyzer/cli.py."""
from __future__ import annotations

import datetime as _dt
import json
import sys

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
DEFAULT_LEDGER = "evidence.db"


def _open(location: str):
    from analyzer.evidence.ledger import open_ledger

    try:
        return open_ledger(location)
    except Exception as error:  # noqa: BLE001 - any driver error is a usage problem here
        raise click.ClickException(f"cannot open ledger {location}: {error}") from error


@click.group()
def evidence():
    """SOC 2 evidence: append change records to a hash-chained ledger, verify it, report a period."""


@evidence.command("add")
@click.argument("records", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--ledger", default=DEFAULT_LEDGER, show_default=True,
              help="SQLite file, or postgresql://user@host/db")
def evidence_add(records, ledger):
    """Append change records (written by `tfattest scan --evidence DIR`) to the ledger."""
    from analyzer.evidence.record import load_record

    loaded = []
    for path in records:
        try:
            loaded.append(load_record(path))
        except (OSError, ValueError) as error:
            raise click.ClickException(str(error)) from error
    store = _open(ledger)
    try:
        for record, digest in loaded:
            entry = store.append(record)
            click.echo(f"entry {entry.seq}: record {digest[:16]} ({record['created_at']}), chain head "
                       f"{entry.entry_hash}")
    finally:
        store.close()


@evidence.command("verify")
@click.option("--ledger", default=DEFAULT_LEDGER, show_default=True)
@click.option("--expect-head", help="A head hash kept elsewhere (e.g. the last CI log): detects a rewritten chain.")
def evidence_verify(ledger, expect_head):
    """Check the hash chain; exit 1 naming the first broken entry."""
    store = _open(ledger)
    try:
        result = store.verify(expect_head)
    finally:
        store.close()
    if result.ok:
        click.echo(f"ok: {result.entries} entries, chain intact, head {result.head}")
        sys.exit(EXIT_OK)
    click.echo(f"BROKEN: {result.message}", err=True)
    sys.exit(EXIT_FAILED)


@evidence.command("export")
@click.option("--ledger", default=DEFAULT_LEDGER, show_default=True)
@click.option("--format", "-f", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl")
def evidence_export(ledger, output_format):
    """Every ledger entry with its record (jsonl) or a summary row (csv)."""
    store = _open(ledger)
    try:
        entries = store.entries()
    finally:
        store.close()
    if output_format == "jsonl":
        for entry in entries:
            click.echo(json.dumps({"seq": entry.seq, "entry_hash": entry.entry_hash, "prev_hash": entry.prev_hash,
                                   "record_sha256": entry.record_sha256, "record": entry.document()},
                                  sort_keys=True))
        return
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(["seq", "created_at", "repository", "commit", "exit_code", "findings", "record_sha256",
                     "entry_hash"])
    for entry in entries:
        document = entry.document()
        writer.writerow([entry.seq, entry.created_at, entry.repository or "", entry.commit_sha or "",
                         entry.exit_code, len(document.get("findings", [])), entry.record_sha256, entry.entry_hash])


def _date(value: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from error


@evidence.command("report")
@click.option("--ledger", default=DEFAULT_LEDGER, show_default=True)
@click.option("--from", "start", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last day of the period (YYYY-MM-DD), inclusive.")
@click.option("--format", "-f", "output_format", type=click.Choice(["markdown", "json", "html"]), default="markdown")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
def evidence_report(ledger, start, end, output_format, output):
    """The audit-period report: changes checked, TSC results, remediation times, exceptions, gaps."""
    from analyzer.evidence.html import render_html
    from analyzer.evidence.period import period_report, render_markdown

    first, last = _date(start), _date(end)
    if last < first:
        raise click.BadParameter("--to is before --from")
    store = _open(ledger)
    try:
        data = period_report(store.entries(), first, last, store.verify())
    finally:
        store.close()
    renderers = {"json": lambda d: json.dumps(d, indent=2, sort_keys=True) + "\n", "markdown": render_markdown,
                 "html": render_html}
    text = renderers[output_format](data)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK if data["chain"]["ok"] else EXIT_FAILED)


@click.command("query")
@click.argument("sql")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--plan", "plans", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A `terraform show -json` plan to query instead of (or with) the sources.")
@click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--var", "cli_vars", multiple=True)
@click.option("--format", "-f", "output_format", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds the query may run.")
def query(sql, paths, plans, var_file, cli_vars, output_format, timeout):
    """Run a read-only SQL query over the planned configuration (tables: docs/query.md)."""
    from analyzer.query import QueryError, database_for_report, render_rows, run_query
    from analyzer.scan import ScanOptions, scan

    report = scan(list(paths) or ([] if plans else ["."]),
                  ScanOptions(var_files=tuple(var_file), cli_vars=tuple(cli_vars), plans=tuple(plans)))
    for problem in report.problems:
        click.echo(f"{'error' if problem.blocking else 'warning'}: {problem.path}:{problem.line}: {problem.message}",
                   err=True)
    try:
        columns, rows = run_query(database_for_report(report), sql, timeout=timeout)
    except QueryError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(render_rows(columns, rows, output_format), nl=False)
    sys.exit(EXIT_INCOMPLETE if any(p.blocking for p in report.problems) else EXIT_OK)


@click.command("coverage")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--framework", help="Coverage of a framework's requirements (iso27001_2022, cis_aws_6.0, ...) "
                                  "instead of the SOC 2 criteria.")
@click.option("--format", "-f", "output_format", type=click.Choice(["markdown", "json"]), default="markdown")
@click.option("--account-scope", is_flag=True, help="The scanned code is an account baseline.")
def coverage(paths, framework, output_format, account_scope):
    """Per TSC criterion (or framework requirement): the rules that test it on each cloud and, given
    PATHS, how they came out and what this repository cannot attest."""
    from analyzer.coverage import coverage_data, render_markdown
    from analyzer.frameworks import FRAMEWORKS
    from analyzer.cache import cached_ruleset
    from analyzer.rules.locations import bundled_rules_dir
    from analyzer.scan import ScanOptions, scan

    if framework and framework not in FRAMEWORKS:
        raise click.BadParameter(f"unknown framework {framework!r}; one of {', '.join(FRAMEWORKS)}",
                                 param_hint="--framework")
    ruleset = cached_ruleset([bundled_rules_dir()])
    report = scan(list(paths), ScanOptions(account_scope=account_scope), ruleset) if paths else None
    data = coverage_data(ruleset.rules, report, framework)
    click.echo(json.dumps(data, indent=2) + "\n" if output_format == "json" else render_markdown(data), nl=False)
    sys.exit(EXIT_INCOMPLETE if report is not None and any(p.blocking for p in report.problems) else EXIT_OK)
