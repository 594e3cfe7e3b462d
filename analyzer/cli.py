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

    def parse_args(self, ctx, args):
        # `--color` alone still means always (as the old flag did), even when a PATH follows it.
        args = list(args)
        for index, arg in enumerate(args):
            if arg == "--color" and (index + 1 == len(args) or args[index + 1] not in ("always", "never", "auto")):
                args[index] = "--color=always"
        return super().parse_args(ctx, args)

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


EXIT_CODES_HELP = """\b
Exit codes:
  0  no failing finding at or above --fail-on (with --diff-base/--baseline: no new one)
  1  failing findings at or above --fail-on
  2  usage error (unknown option, selector or file)
  3  incomplete scan (a file could not be read or parsed, bad config, internal error)"""

main.epilog = EXIT_CODES_HELP


def common_scan_options(func):
    """Options that decide what is scanned and how: shared by scan, baseline create, precommit."""
    options = [
        click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False), help="A .tfvars file."),
        click.option("--var", "cli_vars", multiple=True, help="A variable value, NAME=VALUE."),
        click.option("--only", multiple=True, help="Run only these rules: id, control area, TSC criterion or provider."),
        click.option("--skip", multiple=True, help="Skip these rules: id, control area, TSC criterion or provider."),
        click.option("--enable", multiple=True, help="Also run this opt-in rule (by id)."),
        click.option("--exclude", multiple=True, help="Skip directories matching this glob (e.g. examples, tests)."),
        click.option("--unknown", "unknown_mode", type=click.Choice(["ignore", "report", "fail"]), default=None,
                     help="Results that depend on apply-time values: hide, show (default), or count as failures."),
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
                     help="An extra directory of rule files."),
        click.option("--no-bundled-rules", is_flag=True, help="Use only the rules given with --rules."),
        click.option("--account-scope", is_flag=True, default=None,
                     help="The scanned code is an account baseline: presence rules apply."),
        click.option("--plan", "plans", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="A `terraform show -json` plan; PATH (default: the plan's directory) holds its sources."),
        click.option("--changed-only", is_flag=True,
                     help="With a plan: report only resources it creates, updates or replaces."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Config file (default: .tfattest.yaml in the scanned path or a parent, else ./)."),
        click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES, case_sensitive=False), default=None,
                     help="Lowest severity that makes the exit code 1 (default: low; 'none' never fails)."),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
        click.option("--max-instances", type=click.IntRange(min=1), default=None,
                     help="Cap on instances per count/for_each (default 10000; env TFATTEST_MAX_INSTANCES)."),
        click.option("--max-steps", type=click.IntRange(min=1), default=None,
                     help="Cap on evaluation steps per root module (default 1000000; env TFATTEST_MAX_EVAL_STEPS)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress line and no summary on stderr."),
        click.option("--framework", help="Also show this framework's requirement ids (iso27001_2022, cis_aws_6.0, "
                                         "cis_azure_6.0, cis_gcp_5.0, hipaa, nist_800_53_r5, soc2)."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the cache (env TFATTEST_NO_CACHE=1)."),
        click.option("--cache-dir", type=click.Path(file_okay=False),
                     help="Cache directory (default ~/.cache/tfattest; env TFATTEST_CACHE_DIR)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes for parsing and evaluation (default: the available cores)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def prepare_scan(paths, params: dict) -> dict:
    """Config + flags -> ScanOptions, ruleset, fail_on, unknown mode and config problems."""
    from analyzer.config import line_of_value, load_config
    from analyzer.evaluate import limits
    from analyzer.model import Problem
    from analyzer.rules.locations import default_rule_dirs
    from analyzer.rules.select import split_selectors
    from analyzer.scan import ScanOptions

    caps = limits.overridden(max_instances=params.get("max_instances"), max_eval_steps=params.get("max_steps"))
    # Process-wide, so worker processes and every cache (parse, ruleset, root modules) agree;
    # restored when the command ends (the CLI can run in-process, e.g. under CliRunner).
    _scoped_environ({"TFATTEST_NO_CACHE": "1" if params.get("no_cache") else None,
                     "TFATTEST_CACHE_DIR": os.path.abspath(params["cache_dir"]) if params.get("cache_dir") else None,
                     "TFATTEST_JOBS": str(params["jobs"]) if params.get("jobs") else None})
    debug = params.get("debug") or bool(os.environ.get("TFATTEST_DEBUG"))
    click.get_current_context().meta["tfattest.debug"] = debug
    for assignment in params.get("cli_vars", ()):
        if "=" not in assignment:
            raise click.UsageError(f"--var {assignment!r} must be NAME=VALUE")
    config, config_problems = load_config(params.get("config_path"), tuple(paths))
    fail_on = (params.get("fail_on") or config.fail_on or "low").lower()
    unknown_mode = params.get("unknown_mode") or config.unknown or "report"
    framework = _framework_key(params.get("framework") or config.framework)
    only, skip, enable = (split_selectors(params.get(k, ())) for k in ("only", "skip", "enable"))
    rule_dirs = tuple(params.get("rule_dirs", ()))
    no_bundled = params.get("no_bundled_rules", False)
    from analyzer.cache import cached_ruleset

    ruleset = cached_ruleset(default_rule_dirs(rule_dirs + config.rules, not no_bundled))
    usage_errors = selector_errors(ruleset.rules, only=only, skip=skip, enable=enable)
    if usage_errors:
        raise click.UsageError("\n".join(usage_errors))
    config_problems = list(config_problems)
    for key, values in (("only", config.only), ("skip", config.skip), ("enable", config.enable),
                        ("exceptions", tuple(e.rule for e in config.exceptions if e.rule != "*"))):
        for value in values:
            arguments = {"exceptions" if key == "exceptions" else key: (value,)}
            for message in selector_errors(ruleset.rules, **arguments):
                config_problems.append(Problem(config.path or ".tfattest.yaml",
                                               line_of_value(config.path, key, value), message, "config-error"))
    progress = None
    if not params.get("quiet") and sys.stderr.isatty():
        from analyzer.progress import Progress
        progress = Progress(sys.stderr)
    options = ScanOptions(
        var_files=tuple(params.get("var_file", ())), cli_vars=tuple(params.get("cli_vars", ())),
        rule_dirs=rule_dirs + config.rules, bundled_rules=not no_bundled, only=only or config.only,
        skip=skip + config.skip, enable=enable + config.enable,
        account_scope=bool(params.get("account_scope")) or config.account_scope,
        forbid_inline_ignores=config.forbid_inline_ignores, exceptions=config.exceptions,
        extra_options={"fail_on": fail_on, "unknown": unknown_mode, **({"framework": framework} if framework else {})},
        plans=tuple(params.get("plans", ())),
        changed_only=params.get("changed_only", False), exclude=tuple(params.get("exclude", ())) + config.exclude,
        progress=progress,
    )
    return {"options": options, "ruleset": ruleset, "fail_on": fail_on, "unknown_mode": unknown_mode,
            "config_problems": config_problems, "debug": debug, "config": config, "caps": caps}


def run_prepared(paths, prepared: dict):
    from dataclasses import replace

    from analyzer.scan import scan as run_scan

    options = prepared["options"]
    try:
        with prepared["caps"]:  # --max-instances/--max-steps hold for this run only
            report = run_scan(list(paths) or ([] if options.plans else ["."]), options, prepared["ruleset"])
    finally:
        if options.progress is not None:
            options.progress.done()
    if prepared["config_problems"]:
        report = replace(report, problems=tuple(prepared["config_problems"]) + report.problems)
    return report


def failing_results(report, fail_on: str, unknown_mode: str) -> list:
    from analyzer.report.summary import SEVERITY_RANK, effective_status, rules_by_id

    rules = rules_by_id(report)
    threshold = SEVERITY_RANK.get(fail_on, 99)
    return [r for r in report.results if effective_status(r, unknown_mode) == "fail" and r.rule_id in rules
            and SEVERITY_RANK[rules[r.rule_id].severity] >= threshold]


def exit_code_for(report, fail_on: str, unknown_mode: str) -> int:
    if any(p.blocking for p in report.problems):
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if failing_results(report, fail_on, unknown_mode) else EXIT_OK


BY_EXTENSION = {".sarif": "sarif", ".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def parse_outputs(outputs, default_format: str | None) -> list[tuple[str, str]]:
    """``-o FILE`` (format from the extension, else --format, else text) or ``-o FORMAT:FILE``."""
    from analyzer.report.formats import FORMATTERS

    parsed = []
    for spec in outputs:
        prefix, sep, rest = spec.partition(":")
        if sep and prefix in FORMATTERS and rest:
            fmt, path = prefix, rest
        else:
            path = spec
            fmt = default_format if (default_format and len(outputs) == 1) else \
                BY_EXTENSION.get(os.path.splitext(spec)[1].lower()) or default_format or "text"
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise click.BadParameter(f"the directory of {path!r} does not exist", param_hint="'--output'")
        parsed.append((fmt, path))
    return parsed


def use_colour(mode: str | None) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json", "sarif", "markdown"]),
              default=None, help="Output format for stdout (and a single --output without an extension).")
@click.option("--output", "-o", "outputs", multiple=True,
              help="Write a report to FILE; repeatable. Format from the extension (.sarif .json .md .txt) "
                   "or given as FORMAT:FILE (sarif:out.txt).")
@common_scan_options
@click.option("--color", "color", type=click.Choice(["always", "never", "auto"]), is_flag=False,
              flag_value="always", default=None, help="Colour text output (default auto: only on a terminal).")
@click.option("--no-color", "no_color", is_flag=True, help="Same as --color never.")
@click.option("--pretty", is_flag=True, help="Indent JSON and SARIF output (default: compact).")
@click.option("--evidence", "evidence_dir", type=click.Path(file_okay=False),
              help="Write this scan's change record (<sha256>.json + .md) into DIR (docs/evidence.md).")
@click.option("--diff-base", "diff_base", metavar="REF",
              help="PR mode: report only findings new relative to git revision REF (read from git objects).")
@click.option("--diff-base-plan", "diff_base_plan", type=click.Path(exists=True, dir_okay=False),
              help="PR mode with --plan: the base plan JSON to compare with.")
@click.option("--baseline", "baseline_path", type=click.Path(exists=True, dir_okay=False),
              help="Hide findings recorded in this baseline file unless their configuration changed.")
def scan(paths, output_format, outputs, color, no_color, pretty, evidence_dir, diff_base, diff_base_plan,
         baseline_path, **params):
    """Scan Terraform in PATHS (directories or files; default: .)."""
    from analyzer.report.formats import FORMATTERS

    targets = parse_outputs(outputs, output_format)
    prepared = prepare_scan(paths, params)
    fail_on, unknown_mode = prepared["fail_on"], prepared["unknown_mode"]
    report = run_prepared(paths, prepared)
    if diff_base or diff_base_plan:
        report = _diff_against_base(report, paths, prepared, diff_base, diff_base_plan)
    if baseline_path:
        from analyzer.baseline import apply_baseline, load

        try:
            report = apply_baseline(report, load(baseline_path), baseline_path)
        except (OSError, ValueError) as err:
            raise click.BadParameter(str(err), param_hint="'--baseline'")
    colour = False if no_color else use_colour(color)
    for fmt, path in targets:
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(FORMATTERS[fmt](report, unknown_mode, False, **_pretty(fmt, pretty)))
        except OSError as err:
            click.echo(f"error: cannot write {path}: {err.strerror or err}", err=True)
            sys.exit(EXIT_INCOMPLETE)
    stdout_format = output_format if (output_format and not targets) else ("text" if not targets else None)
    if stdout_format:
        click.echo(FORMATTERS[stdout_format](report, unknown_mode, colour if stdout_format == "text" else False,
                                             **_pretty(stdout_format, pretty)),
                   nl=False, color=colour or None)
    elif not params.get("quiet"):
        from analyzer.report.text import summary_lines
        click.echo("\n".join(summary_lines(report, unknown_mode)), err=True)
    for problem in report.problems:
        if stdout_format != "text":
            label = "error" if problem.blocking else "warning"
            click.echo(f"{label}: {problem.path}:{problem.line}: {problem.message}", err=True)
        if prepared["debug"] and problem.detail:
            click.echo(problem.detail, err=True)
    exit_code = exit_code_for(report, fail_on, unknown_mode)
    if evidence_dir:
        _write_evidence(report, evidence_dir, exit_code, unknown_mode)
    sys.exit(exit_code)


def _diff_against_base(report, paths, prepared, diff_base, diff_base_plan):
    from dataclasses import replace

    from analyzer import diffbase
    from analyzer.scan import scan as run_scan

    options = prepared["options"]
    base_options = replace(options, progress=None)
    if diff_base_plan:
        base_options = replace(base_options, plans=(diff_base_plan,))
    if not diff_base:
        base = run_scan(list(paths) or ([] if base_options.plans else ["."]), base_options, prepared["ruleset"])
        return diffbase.apply_diff(report, base, diff_base_plan)
    if options.plans and not diff_base_plan:
        # a plan against the base revision's sources: the base is scanned from its HCL
        base_options = replace(base_options, plans=())
        paths = list(paths) or [os.path.dirname(os.path.abspath(options.plans[0]))]
    try:
        with diffbase.base_tree(diff_base, (list(paths) or ["."])[0]) as (top, tmp, commit):
            mapped = [diffbase.map_into(p, top, tmp) for p in (list(paths) or ["."])]
            mapped = [p for p in mapped if os.path.exists(p)] or [diffbase.map_into(".", top, tmp)]
            base_options = replace(base_options, var_files=tuple(
                p for p in (diffbase.map_into(v, top, tmp) for v in options.var_files) if os.path.exists(p)))
            with diffbase.working_directory(diffbase.map_into(".", top, tmp)):
                base = run_scan([os.path.relpath(p) for p in mapped], base_options, prepared["ruleset"])
    except diffbase.GitError as err:
        raise click.UsageError(f"--diff-base {diff_base}: {err}")
    return diffbase.apply_diff(report, base, f"{diff_base} ({commit[:12]})")


def _pretty(fmt: str, pretty: bool) -> dict:
    return {"pretty": True} if pretty and fmt in ("json", "sarif") else {}


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


def _framework_key(value: str | None) -> str | None:
    from analyzer.frameworks import FRAMEWORKS

    if value is None:
        return None
    if value.lower() not in FRAMEWORKS:
        import difflib

        close = difflib.get_close_matches(value.lower(), list(FRAMEWORKS), n=1)
        raise click.BadParameter(f"{value!r} is not a framework; one of {', '.join(FRAMEWORKS)}"
                                 + (f" (did you mean {close[0]}?)" if close else ""), param_hint="--framework")
    return value.lower()


def _echo_rules_by_requirement(rules, framework: str) -> None:
    from analyzer.frameworks import FRAMEWORKS, requirement_sort_key, requirements

    names = requirements(framework)
    by_requirement: dict = {}
    for rule in rules:
        for requirement in rule.frameworks.get(framework, ()):
            by_requirement.setdefault(requirement, []).append(rule.id)
    click.echo(f"{FRAMEWORKS[framework].title}: {len(by_requirement)} of {len(names)} requirements covered")
    for requirement in sorted(by_requirement, key=requirement_sort_key):
        name = names.get(requirement, "")
        click.echo(f"{requirement:<14} {name[:60]:<60}  {', '.join(by_requirement[requirement])}")


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
@click.option("--framework", help="Rules per requirement of this framework (iso27001_2022, cis_aws_6.0, ...).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra directory of rule files.")
def list_rules(output_format, provider, tsc, control, framework, rule_dirs):
    """List rules with their TSC references."""
    import json

    from analyzer.cache import cached_ruleset
    from analyzer.rules.locations import bundled_rules_dir
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
    framework = _framework_key(framework)
    if framework:
        rules = [r for r in rules if r.frameworks.get(framework)]
        if output_format == "table":
            _echo_rules_by_requirement(rules, framework)
            sys.exit(EXIT_INCOMPLETE if problems else EXIT_OK)
    if output_format == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title, "provider": r.provider,
                                "control": r.control, "tsc": list(r.tsc), "severity": r.severity,
                                "resource_types": list(r.resource_types), "scope": r.scope, "enabled": r.enabled,
                                "frameworks": {k: list(v) for k, v in r.frameworks.items()}}
                               for r in rules], indent=2))
    elif output_format == "markdown":
        click.echo(rules_markdown(rules), nl=False)
    else:
        width = max((len(r.id) for r in rules), default=10)
        click.echo(f"{'ID':<{width}}  {'SEVERITY':<8}  {'CONTROL':<24}  {'TSC':<14}  TITLE")
        for rule in rules:
            mark = "" if rule.enabled else "  [opt-in]"
            click.echo(f"{rule.id:<{width}}  {rule.severity:<8}  {rule.control:<24}  {','.join(rule.tsc):<14}  "
                       f"{rule.title}{mark}")
        opt_in = sum(1 for r in rules if not r.enabled)
        click.echo(f"{len(rules)} rules ({opt_in} opt-in: run them with --enable ID)", err=True)
    sys.exit(EXIT_INCOMPLETE if problems else EXIT_OK)


@main.command("precommit")
@click.argument("files", nargs=-1, type=click.Path())
@common_scan_options
@click.option("--color", "color", type=click.Choice(["always", "never", "auto"]), is_flag=False,
              flag_value="always", default=None, help="Colour text output (default auto).")
def precommit(files, color, **params):
    """The pre-commit hook: scan the root modules that include FILES (also through local module
    calls) with full context, and report the findings located in FILES."""
    from dataclasses import replace

    from analyzer.precommit import plan
    from analyzer.report.text import render

    files = [f for f in files if os.path.isfile(f)]
    if not files:
        sys.exit(EXIT_OK)
    prepared = prepare_scan(files, params)
    options = prepared["options"]
    roots, targets = plan(files, ".", options.exclude)
    if not roots:
        sys.exit(EXIT_OK)
    prepared["options"] = replace(options, exact_roots=True, account_scope=False)
    report = run_prepared(roots, prepared)

    def located(result) -> bool:
        return any(os.path.normpath(os.path.join(report.source_root, p)) in targets
                   for p in (result.location.path, result.region.path))

    report = replace(report, results=tuple(r for r in report.results if located(r)),
                     stale_suppressions=(), not_checked=())
    colour = use_colour(color)
    click.echo(render(report, prepared["unknown_mode"], colour), nl=False, color=colour or None)
    sys.exit(exit_code_for(report, prepared["fail_on"], prepared["unknown_mode"]))


@main.command("convert")
@click.argument("report_path", metavar="REPORT.json", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "-f", "output_format", type=click.Choice(["sarif", "markdown", "text", "json"]),
              required=True, help="Format to render.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--unknown", "unknown_mode", type=click.Choice(["ignore", "report", "fail"]), default=None,
              help="How to show unknown results (default: as the scan was run).")
def convert(report_path, output_format, output, unknown_mode):
    """Render a saved JSON report (scan -o report.json) in another format, without scanning again."""
    from analyzer.convert import load_report
    from analyzer.report.formats import FORMATTERS

    try:
        report = load_report(report_path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise click.BadParameter(f"{report_path}: {err}", param_hint="'REPORT.json'")
    unknown_mode = unknown_mode or report.options.get("unknown") or "report"
    rendered = FORMATTERS[output_format](report, unknown_mode, False)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(rendered)
    else:
        click.echo(rendered, nl=False)


@main.group("baseline")
def baseline_group():
    """Record today's findings so that only new ones are reported (adoption on large estates)."""


@baseline_group.command("create")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="Baseline file to write.")
@common_scan_options
def baseline_create(paths, output, **params):
    """Write the current findings of PATHS (fingerprint + hash of what each rule read) to FILE."""
    import json

    from analyzer.baseline import create

    prepared = prepare_scan(paths, params)
    report = run_prepared(paths, prepared)
    if any(p.blocking for p in report.problems):
        for problem in report.problems:
            click.echo(f"error: {problem.path}:{problem.line}: {problem.message}", err=True)
        sys.exit(EXIT_INCOMPLETE)
    data = create(report)
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    click.echo(f"baseline: {len(data['findings'])} findings written to {output}", err=True)


@baseline_group.command("show")
@click.argument("baseline_path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@common_scan_options
def baseline_show(baseline_path, paths, **params):
    """Compare FILE with a scan of PATHS: entries fixed or gone (stale) and entries whose
    configuration changed (reported again)."""
    from analyzer.baseline import classify, load

    try:
        baseline = load(baseline_path)
    except (OSError, ValueError) as err:
        raise click.BadParameter(str(err), param_hint="'FILE'")
    prepared = prepare_scan(paths, params)
    report = run_prepared(paths, prepared)
    hidden, changed, new, stale = classify(report, baseline)
    for entry in stale:
        click.echo(f"stale    {entry['rule_id']}  {entry['address']}  ({entry['path']}): fixed or removed; "
                   "drop it from the baseline")
    for result in changed:
        click.echo(f"changed  {result.rule_id}  {result.address}  ({result.location.path}:{result.region.start_line}): "
                   "configuration changed since the baseline; reported again")
    for result in new:
        click.echo(f"new      {result.rule_id}  {result.address}  ({result.location.path}:{result.region.start_line})")
    click.echo(f"{len(baseline['findings'])} baseline entries: {len(hidden)} still hidden, {len(changed)} changed, "
               f"{len(stale)} stale; {len(new)} findings not in the baseline")


@main.command("explain")
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="An extra directory of rule files.")
def explain(rule_id, rule_dirs):
    """Show a rule's full help: what it checks, why (TSC), how to fix it."""
    import difflib

    from analyzer.cache import cached_ruleset
    from analyzer.rules.locations import bundled_rules_dir

    rules = cached_ruleset([bundled_rules_dir(), *rule_dirs]).rules
    by_id = {r.id: r for r in rules}
    rule = by_id.get(rule_id.upper())
    if rule is None:
        close = difflib.get_close_matches(rule_id.upper(), sorted(by_id), n=1)
        raise click.UsageError(f"no rule {rule_id!r}" + (f"; did you mean {close[0]}?" if close else ""))
    lines = [f"{rule.id}  {rule.title}", "",
             f"severity: {rule.severity}   control: {rule.control}   TSC: {', '.join(rule.tsc)}   "
             f"provider: {rule.provider}" + ("" if rule.enabled else "   (opt-in: --enable " + rule.id + ")"),
             f"resources: {', '.join(rule.resource_types) or 'account-wide (presence rule)'}", "",
             rule.description.strip(), "", "How to fix:", "", rule.remediation.rstrip()]
    if rule.references:
        lines += ["", "References:"] + [f"  {ref}" for ref in rule.references]
    lines += ["", f"Rule page: docs/rules.md#{rule.id.lower()}"]
    click.echo("\n".join(lines))


def _register_commands() -> None:
    """Commands built on Reports live in their own module; added here, explicitly."""
    from analyzer.cli_evidence import coverage, evidence, query

    for command in (evidence, query, coverage):
        main.add_command(command)


_register_commands()
