"""Command line: ``tfattest scan``, ``tfattest rules``. Exit codes (DESIGN.md):
0 no failing finding at or above --fail-on; 1 findings; 2 usage error; 3 incomplete scan."""
from __future__ import annotations

import os
import sys

import click

from analyzer import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
SEVERITY_CHOICES = ["critical", "high", "medium", "low", "none"]


class _ContainedGroup(click.Group):
    """Whatever escapes a command (a defect) ends in one line and exit 3, never a traceback and
    Python's exit 1; ``--debug`` (or TFATTEST_DEBUG=1) prints the traceback too."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit, KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - the last line of defence
            if ctx.meta.get("tfattest.debug") or os.environ.get("TFATTEST_DEBUG"):
                import traceback

                traceback.print_exc()
            first = (str(err).strip().splitlines() or [""])[0][:300]
            click.echo(f"error: internal error: {type(err).__name__}: {first} (the scan is incomplete; "
                       "rerun with --debug for the traceback)", err=True)
            sys.exit(EXIT_INCOMPLETE)


@click.group(cls=_ContainedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfattest")
def main():
    """tfattest: check Terraform before it is deployed, with SOC 2 TSC references."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json", "sarif", "markdown"]),
              default=None, help="Output format (default: from the --output extension, else text).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE.")
@click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES, case_sensitive=False), default=None,
              help="Lowest severity that makes the exit code 1 (default: low; 'none' never fails).")
@click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False), help="A .tfvars file.")
@click.option("--var", "cli_vars", multiple=True, help="A variable value, NAME=VALUE.")
@click.option("--only", multiple=True, help="Run only these rules: id, control area, TSC criterion or provider.")
@click.option("--skip", multiple=True, help="Skip these rules: id, control area, TSC criterion or provider.")
@click.option("--enable", multiple=True, help="Also run this opt-in rule (by id).")
@click.option("--unknown", "unknown_mode", type=click.Choice(["ignore", "report", "fail"]), default=None,
              help="Results that depend on apply-time values: hide, show (default), or count as failures.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra directory of rule files.")
@click.option("--no-bundled-rules", is_flag=True, help="Use only the rules given with --rules.")
@click.option("--account-scope", is_flag=True, default=None,
              help="The scanned code is an account baseline: presence rules apply.")
@click.option("--plan", "plans", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A `terraform show -json` plan; PATH (default: the plan's directory) holds its sources.")
@click.option("--changed-only", is_flag=True, help="With a plan: report only resources it creates, updates or replaces.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default .tfattest.yaml).")
@click.option("--color/--no-color", default=None, help="Colour text output (default: only on a terminal).")
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False),
              help="Write this scan's change record (<sha256>.json + .md) into DIR (docs/evidence.md).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--max-instances", type=click.IntRange(min=1), default=None,
              help="Cap on instances per count/for_each (default 10000; env TFATTEST_MAX_INSTANCES).")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Cap on evaluation steps per root module (default 1000000; env TFATTEST_MAX_EVAL_STEPS).")
@click.option("--pretty", is_flag=True, help="Indent JSON and SARIF output (default: compact).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache (env TFATTEST_NO_CACHE=1).")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Cache directory (default ~/.cache/tfattest; env TFATTEST_CACHE_DIR).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for parsing and evaluation (default: the available cores).")
def scan(paths, output_format, output, fail_on, var_file, cli_vars, only, skip, enable, unknown_mode, rule_dirs,
         no_bundled_rules, account_scope, plans, changed_only, config_path, color, evidence_dir, debug, max_instances,
         max_steps, pretty, no_cache, cache_dir, jobs):
    """Scan Terraform in PATHS (directories or files; default: .)."""
    # Process-wide, so worker processes and every cache (parse, ruleset, root modules) agree;
    # restored when the command ends (the CLI can run in-process, e.g. under CliRunner).
    _scoped_environ({"TFATTEST_NO_CACHE": "1" if no_cache else None,
                     "TFATTEST_CACHE_DIR": os.path.abspath(cache_dir) if cache_dir else None,
                     "TFATTEST_JOBS": str(jobs) if jobs else None})
    from analyzer.evaluate import limits

    limits.set_limits(max_instances=max_instances, max_eval_steps=max_steps)
    debug = debug or bool(os.environ.get("TFATTEST_DEBUG"))
    click.get_current_context().meta["tfattest.debug"] = debug
    if output and not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise click.BadParameter(f"the directory of {output!r} does not exist", param_hint="'--output'")
    from analyzer.config import load_config
    from analyzer.model import Problem
    from analyzer.rules.loader import default_rule_dirs
    from analyzer.rules.select import split_selectors
    from analyzer.report.formats import FORMATTERS
    from analyzer.report.summary import SEVERITY_RANK, effective_status, rules_by_id
    from analyzer.scan import ScanOptions
    from analyzer.scan import scan as run_scan

    for assignment in cli_vars:
        if "=" not in assignment:
            raise click.UsageError(f"--var {assignment!r} must be NAME=VALUE")
    config, config_problems = load_config(config_path)
    fail_on = (fail_on or config.fail_on or "low").lower()
    unknown_mode = unknown_mode or config.unknown or "report"
    only, skip, enable = split_selectors(only), split_selectors(skip), split_selectors(enable)
    from analyzer.cache import cached_ruleset

    ruleset = cached_ruleset(default_rule_dirs(tuple(rule_dirs) + config.rules, not no_bundled_rules))
    usage_errors = selector_errors(ruleset.rules, only=only, skip=skip, enable=enable)
    if usage_errors:
        raise click.UsageError("\n".join(usage_errors))
    config_problems = list(config_problems) + [
        Problem(config.path or ".tfattest.yaml", 1, message, "config-error")
        for message in selector_errors(ruleset.rules, only=config.only, skip=config.skip, enable=config.enable,
                                       exceptions=tuple(e.rule for e in config.exceptions if e.rule != "*"))]
    options = ScanOptions(
        var_files=tuple(var_file), cli_vars=tuple(cli_vars), rule_dirs=tuple(rule_dirs) + config.rules,
        bundled_rules=not no_bundled_rules, only=only or config.only, skip=skip + config.skip,
        enable=enable + config.enable,
        account_scope=bool(account_scope) or config.account_scope,
        forbid_inline_ignores=config.forbid_inline_ignores, exceptions=config.exceptions,
        extra_options={"fail_on": fail_on, "unknown": unknown_mode}, plans=tuple(plans), changed_only=changed_only,
    )
    report = run_scan(list(paths) or ([] if plans else ["."]), options, ruleset)
    if config_problems:
        from dataclasses import replace
        report = replace(report, problems=tuple(config_problems) + report.problems)
    # -o report.sarif / .json / .md picks the format when --format is not given.
    by_extension = {".sarif": "sarif", ".json": "json", ".md": "markdown"}
    output_format = output_format or by_extension.get(os.path.splitext(output or "")[1].lower(), "text")
    use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                 and "NO_COLOR" not in os.environ)
    rendered = FORMATTERS[output_format](report, unknown_mode, use_color,
                                         **({"pretty": True} if pretty and output_format in ("json", "sarif") else {}))
    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(rendered)
        except OSError as err:
            click.echo(f"error: cannot write {output}: {err.strerror or err}", err=True)
            sys.exit(EXIT_INCOMPLETE)
        if output_format != "text":
            from analyzer.report.text import summary_lines
            click.echo("\n".join(summary_lines(report, unknown_mode)), err=True)
    else:
        click.echo(rendered, nl=False)
    for problem in report.problems:
        if output_format != "text" or output:
            label = "error" if problem.blocking else "warning"
            click.echo(f"{label}: {problem.path}:{problem.line}: {problem.message}", err=True)
        if debug and problem.detail:
            click.echo(problem.detail, err=True)
    rules = rules_by_id(report)
    threshold = SEVERITY_RANK.get(fail_on, 99)
    failing = [r for r in report.results if effective_status(r, unknown_mode) == "fail" and r.rule_id in rules
               and SEVERITY_RANK[rules[r.rule_id].severity] >= threshold]
    exit_code = EXIT_INCOMPLETE if any(p.blocking for p in report.problems) else (
        EXIT_FINDINGS if failing else EXIT_OK)
    if evidence_dir:
        _write_evidence(report, evidence_dir, exit_code, unknown_mode)
    sys.exit(exit_code)


def _scoped_environ(values: dict) -> None:
    saved = {name: os.environ.get(name) for name, value in values.items() if value is not None}
    for name, value in values.items():
        if value is not None:
            os.environ[name] = value

    def restore():
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    click.get_current_context().call_on_close(restore)


def _write_evidence(report, directory: str, exit_code: int, unknown_mode: str) -> None:
    from analyzer.evidence.context import from_environment
    from analyzer.evidence.record import build_record, created_at_now, write_record

    record = build_record(report, from_environment(os.environ, report.source_root), exit_code,
                          created_at_now(os.environ), unknown_mode)
    json_path, markdown_path = write_record(record, directory)
    click.echo(f"evidence: {json_path} (review summary {markdown_path})", err=True)


def selector_errors(rules, only=(), skip=(), enable=(), exceptions=()) -> list[str]:
    """A message per selector that names nothing (with a "did you mean" suggestion)."""
    from analyzer.rules.select import unknown_selector, vocabulary

    vocab = vocabulary(rules)
    errors = []
    for flag, selectors, kinds in (("--only", only, None), ("--skip", skip, None), ("--enable", enable, ("rule id",)),
                                   ("exception rule", exceptions, ("rule id",))):
        for selector in selectors:
            message = unknown_selector(selector, rules, kinds or tuple(vocab), vocab)
            if message:
                errors.append(f"{flag}: {message}")
    return errors


@main.command("rules")
@click.option("--format", "-f", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option("--provider", help="Only rules for this provider (aws, gcp, azure).")
@click.option("--tsc", help="Only rules tagged with this TSC criterion, e.g. CC6.6.")
@click.option("--control", help="Only rules in this control area.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra directory of rule files.")
def list_rules(output_format, provider, tsc, control, rule_dirs):
    """List rules with their TSC references."""
    import json

    from analyzer.cache import bundled_rules_dir, cached_ruleset
    from analyzer.rules.docs import rules_markdown

    ruleset = cached_ruleset([bundled_rules_dir(), *rule_dirs])  # no YAML/schema work when unchanged
    rules, problems = list(ruleset.rules), ruleset.problems
    from analyzer.rules.select import unknown_selector

    for flag, value, kind in (("--provider", provider, "provider"), ("--tsc", tsc, "TSC criterion"),
                              ("--control", control, "control")):
        message = unknown_selector(value, rules, (kind,)) if value else None
        if message:
            raise click.UsageError(f"{flag}: {message}")
    for problem in problems:
        click.echo(f"error: {problem.path}:{problem.line}: {problem.message}", err=True)
    if provider:
        rules = [r for r in rules if r.provider == provider.lower()]
    if tsc:
        rules = [r for r in rules if tsc.upper() in r.tsc]
    if control:
        rules = [r for r in rules if r.control == control.lower()]
    if output_format == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title, "provider": r.provider,
                                "control": r.control, "tsc": list(r.tsc), "severity": r.severity,
                                "resource_types": list(r.resource_types), "scope": r.scope, "enabled": r.enabled}
                               for r in rules], indent=2))
    elif output_format == "markdown":
        click.echo(rules_markdown(rules), nl=False)
    else:
        width = max((len(r.id) for r in rules), default=10)
        for rule in rules:
            click.echo(f"{rule.id:<{width}}  {rule.severity:<8}  {rule.control:<24}  {','.join(rule.tsc):<14}  {rule.title}")
        click.echo(f"{len(rules)} rules", err=True)
    sys.exit(EXIT_INCOMPLETE if problems else EXIT_OK)


def _register_commands() -> None:
    """Commands built on Reports live in their own module; added here, explicitly."""
    from analyzer.cli_evidence import coverage, evidence, query

    for command in (evidence, query, coverage):
        main.add_command(command)


_register_commands()
