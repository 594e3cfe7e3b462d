"""One scan, start to finish: paths -> root modules -> resources -> graph -> results -> Report."""
from __future__ import annotations

import datetime as _dt
import difflib
import gc
import os
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, replace

from analyzer import __version__
from analyzer.evaluate import limits
from analyzer.evaluate.module import ModuleInstance, Project
from analyzer.exclude import is_excluded
from analyzer.evaluate.references import all_instance_edges, narrow_edges
from analyzer.graph import build_graph
from analyzer.load.files import ParseCache, is_terraform_file, module_directories, terraform_files_in
from analyzer.load.plan import looks_like_plan
from analyzer.evaluate.variables import root_variables
from analyzer.model import FINDING_STATUSES, InputFile, Location, Problem, Report, Status, Subject
from analyzer.plan_scan import plan_scope
from analyzer.provider_configs import provider_resources
from analyzer.rules.coverage import not_checked
from analyzer.rules.engine import evaluate_account_rules, evaluate_scope
from analyzer.rules.locations import default_rule_dirs
from analyzer.rootcache import Session, summarize
from analyzer.rules.select import select_rules
from analyzer.suppress import exception_decision, inline_decision, stale_suppressions


@dataclass(frozen=True)
class ScanOptions:
    var_files: tuple = ()
    cli_vars: tuple = ()
    rule_dirs: tuple = ()
    bundled_rules: bool = True
    only: tuple = ()
    skip: tuple = ()
    enable: tuple = ()  # opt-in rules to run
    account_scope: bool = False
    forbid_inline_ignores: bool = False
    exceptions: tuple = ()
    today: _dt.date | None = None
    environ: dict | None = None
    extra_options: dict | None = None  # echoed into the Report (fail_on, unknown mode...)
    plans: tuple = ()  # plan JSON files (--plan); PATHS then give their sources
    changed_only: bool = False  # plans: report only resources created, updated or replaced
    exclude: tuple = ()  # directory globs not scanned (analyzer/exclude.py)
    progress: object = None  # analyzer.progress.Progress on a terminal: step(what, done, total)
    exact_roots: bool = False  # PATHS are the root modules themselves (pre-commit): no directory walk


def source_root_for(paths) -> str:
    """The directory SARIF paths are relative to: the cwd when every path is inside it."""
    cwd = os.path.abspath(os.getcwd())
    absolute = [os.path.abspath(p) for p in paths]
    if all(p == cwd or p.startswith(cwd + os.sep) for p in absolute):
        return cwd
    dirs = [p if os.path.isdir(p) else os.path.dirname(p) for p in absolute]
    return os.path.commonpath(dirs)


def _local_module_targets(cache: ParseCache, directory: str) -> set:
    from analyzer import expr as E

    targets = set()
    for parsed in cache.directory(directory):
        for block in parsed.blocks:
            source = block.attributes.get("source") if block.type == "module" else None
            if source and isinstance(source.expr, E.Literal) and isinstance(source.expr.value, str) \
                    and source.expr.value.startswith(("./", "../")):
                targets.add(os.path.normpath(os.path.join(directory, source.expr.value)))
    return targets


def root_modules(paths, cache: ParseCache, exclude=()) -> tuple[list, set]:
    """(root module dirs, files the user asked about or None for 'all').

    A directory that another scanned directory calls as a local module is not a root.
    A single file scan evaluates its whole directory and reports only that file.
    """
    directories: list = []
    target_files: set = set()
    for path in paths:
        if os.path.isfile(path):
            directory = os.path.dirname(os.path.abspath(path))
            directories.append(directory)
            if is_terraform_file(path):
                target_files.add(os.path.normpath(os.path.abspath(path)))
            else:  # a changed .tfvars file can change every finding of its module
                target_files.update(os.path.normpath(f) for f in terraform_files_in(directory))
        else:
            directories.extend(os.path.abspath(d) for d in module_directories(path)
                               if not is_excluded(d, exclude, path))
    directories = sorted(set(os.path.normpath(d) for d in directories))
    cache.prefetch(f for d in directories for f in terraform_files_in(d))
    called = set()
    for directory in directories:  # a rootcache.Session answers from its index, unparsed
        called |= cache.targets(directory) if hasattr(cache, "targets") else _local_module_targets(cache, directory)
    roots = [d for d in directories if d not in called] or directories
    return roots, target_files


@dataclass(frozen=True)
class EvaluatedScope:
    """One root module or plan, evaluated: what the rules ran on and what they found."""

    name: str
    anchor: Location
    resources: tuple
    graph: object
    results: tuple
    changes: tuple = ()
    problems: tuple = ()
    plan_input: InputFile | None = None


def _plan_scopes(plans, source_dir, project, rules, options, source_root):
    for plan_path in plans:
        limits.BUDGET.reset()
        try:
            scope = plan_scope(plan_path, source_dir, project)
            problems = list(scope.problems) + _leftover_limits(scope.anchor)
            graph = build_graph(scope.resources, narrow_edges(scope.edges, scope.resources))
            results = evaluate_scope(rules, scope.resources, graph, problems)
        except Exception as err:  # noqa: BLE001 - contained: this plan is reported, the scan goes on
            yield _failed_scope(plan_path, source_root, err, "the plan")
            continue
        if options.changed_only:
            results = [r for r in results if r.change_action in ("create", "update", "replace")]
        plan_input = InputFile(_relative(os.path.abspath(plan_path), source_root), scope.sha256) \
            if scope.sha256 else None
        yield EvaluatedScope(_relative(plan_path, source_root), scope.anchor, scope.resources, graph,
                             tuple(results), scope.changes, tuple(problems), plan_input)


def _module_scopes(roots, session, rules, options, source_root):
    """Each root module evaluated on its own (a fresh Project), reused from the cache when
    nothing it read changed, the others over --jobs worker processes (analyzer/rootcache.py)."""
    from analyzer.rootcache import evaluate_roots

    def evaluate(root, project):
        return _scope_data(_evaluate_root(root, project, rules, options, source_root), project)

    if options.progress is not None:
        options.progress.step("root modules evaluated", 0, len(roots))
    data = evaluate_roots(session, roots, evaluate, source_root, options.var_files,
                          session.parse_cache.workers)
    if options.progress is not None:
        options.progress.step("root modules evaluated", len(roots), len(roots))
    return [_from_data(item) for item in data], [p for item in data for p in item.project_problems]


def _evaluate_root(root, project, rules, options, source_root) -> EvaluatedScope:
    limits.BUDGET.reset()
    try:
        inputs, var_problems = root_variables(root, options.var_files, options.cli_vars, options.environ)
        problems = list(var_problems)
        module = ModuleInstance(project, root, inputs={k: (lambda v=v: v) for k, v in inputs.items()})
        resources = tuple(module.instances(_relative(root, source_root)))
        resources += tuple(provider_resources(module, _relative(root, source_root)))  # provider.aws ...
        graph = build_graph(resources, narrow_edges(all_instance_edges(module), resources))
        problems += _leftover_limits(_anchor(module))
        results = evaluate_scope(rules, resources, graph, problems)
    except Exception as err:  # noqa: BLE001 - contained: this root module is reported, the others go on
        return _failed_scope(root, source_root, err, "the root module")
    return EvaluatedScope(_relative(root, source_root), _anchor(module), resources, graph,
                          tuple(results), problems=tuple(problems))


def _scope_data(scope: EvaluatedScope, project):
    from analyzer.rootcache import ScopeData

    edges = tuple((source, attribute, target) for source, target, data in scope.graph.edges(data=True)
                  for attribute in sorted(data["attributes"]))
    return ScopeData(scope.name, scope.anchor, scope.resources, edges, scope.results, scope.problems,
                     tuple(project.problems))


def _from_data(data) -> EvaluatedScope:
    return EvaluatedScope(data.name, data.anchor, data.resources, build_graph(data.resources, data.edges),
                          data.results, problems=data.problems)


def _cache_key(paths, plans, source_root, options, ruleset, rules) -> tuple:
    """Everything besides the files that decides a root's evaluated scope (analyzer/rootcache.py)."""
    environ = os.environ if options.environ is None else options.environ
    return (sorted(os.path.abspath(p) for p in paths), sorted(os.path.abspath(p) for p in plans), source_root,
            sorted((k, v) for k, v in environ.items() if k.startswith("TF_VAR_")),
            [os.path.abspath(p) for p in options.var_files], list(options.cli_vars),
            {name: getattr(limits, name) for name in sorted(vars(limits)) if name.isupper()
             and isinstance(getattr(limits, name), int)},
            ruleset.digest, [rule.id for rule in rules], options.changed_only, options.account_scope,
            list(options.exclude), options.exact_roots)


def _leftover_limits(anchor: Location) -> list:
    """Caps hit outside a resource attribute (a module input, an output): at the scope's anchor."""
    return [Problem(anchor.path, anchor.start_line, f"{message}; the value is Unknown", "limit-exceeded")
            for message in dict.fromkeys(limits.BUDGET.take_hits())]


def _failed_scope(path, source_root, err, what) -> EvaluatedScope:
    import networkx as nx

    from analyzer.contain import internal_problem

    return EvaluatedScope(_relative(path, source_root), Location(path, 1, 1), (), nx.DiGraph(), (),
                          problems=(internal_problem(err, path, 1, f"{what} {_relative(path, source_root)}"),))


def scan(paths, options: ScanOptions = ScanOptions(), ruleset=None) -> Report:
    """Scan ``paths``. ``ruleset`` is loaded from ``options`` when not given; callers that scan
    many times (tests, the pre-commit hook over several roots) load it once and pass it."""
    with limits.deeper_recursion(), scan_gc():
        return _scan(paths, options, ruleset)


@contextmanager
def scan_gc():
    """A scan allocates millions of small, long-lived objects (expression trees, values,
    results): Python's default cyclic-GC thresholds re-traverse them over and over (37-46 %
    of a scan, measured in docs/performance.md). Freeze what exists (imports, the ruleset)
    and collect rarely; garbage cycles are still collected, so memory stays bounded."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def _scan(paths, options: ScanOptions, ruleset) -> Report:
    paths = list(paths)
    started = _dt.datetime.now(_dt.timezone.utc)
    today = options.today or started.date()
    if ruleset is None:
        from analyzer.cache import cached_ruleset

        ruleset = cached_ruleset(default_rule_dirs(options.rule_dirs, options.bundled_rules))
    rule_problems = ruleset.problems
    rules = select_rules(ruleset.rules, options.only, options.skip, options.enable)
    cache = ParseCache()
    plans = list(options.plans) + [p for p in paths if os.path.isfile(p) and looks_like_plan(p)]
    paths = [p for p in paths if p not in plans]
    source_root = source_root_for(paths + plans)
    project = Project(cache, source_root)
    # `--plan plan.json DIR`: DIR holds the plan's sources and is not scanned on its own.
    plan_sources = paths[0] if options.plans and len(paths) == 1 and os.path.isdir(paths[0]) else None
    if plan_sources:
        paths = []
    ignored = [p for p in paths if os.path.isfile(p) and not is_terraform_file(p)
               and not p.endswith((".tfvars", ".tfvars.json"))]
    paths = [p for p in paths if p not in ignored]
    session = Session(cache, _cache_key(paths, plans, source_root, options, ruleset, rules))
    if options.exact_roots:
        roots, target_files = sorted(os.path.normpath(os.path.abspath(p)) for p in paths), set()
    else:
        roots, target_files = root_modules(paths, session, options.exclude) if paths else ([], set())
    scopes = list(_plan_scopes(plans, plan_sources, project, rules, options, source_root))
    module_scopes, root_problems = _module_scopes(roots, session, rules, options, source_root)
    scopes += module_scopes
    session.save()
    results = group_callers(scopes)
    account_problems: list = []
    if not options.changed_only:  # a change review judges the changed resources, not the account
        results.extend(_account_results(rules, scopes, options.account_scope, account_problems))
    # Every file of the scan, by path: a parsed file or its cached summary (same fields used).
    for parsed in cache.all_files():  # plans' sources, files the roots did not reach
        if os.path.normpath(parsed.path) not in session.summaries:
            session.summaries[os.path.normpath(parsed.path)] = summarize(parsed)
    files = session.all_summaries()
    problems = list(rule_problems) + [p for scope in scopes for p in scope.problems] + account_problems
    problems += [p for parsed in files for p in parsed.problems]
    problems += list(dict.fromkeys(project.problems + root_problems))  # a shared module's, once
    problems += [Problem(path, 1, "not a Terraform file (.tf, .tf.json, .tfvars) or plan: not scanned",
                         "non-terraform") for path in ignored]
    if not scopes and not ignored:
        problems += [Problem(path, 1, "no Terraform files (.tf, .tf.json) or plan found here", "no-input")
                     for path in paths or ["."]]
    if target_files:
        results = [r for r in results if os.path.normpath(os.path.abspath(r.location.path)) in target_files
                   or r.subject is Subject.ACCOUNT]
    # From here on every path is relative to the source root, as the Report shows them.
    memo: dict = {}
    results = [_relative_result(r, source_root, memo) for r in results]
    suppressions = [] if options.forbid_inline_ignores else [
        replace(s, path=_relative(s.path, source_root)) for f in files for s in f.suppressions]
    results, suppression_problems = _apply_suppressions(results, suppressions, options, today)
    known = {rule.id for rule in ruleset.rules}
    for item in suppressions:
        unknown = [rule for rule in item.rule_ids if rule != "all" and rule not in known]
        for rule in unknown:
            suggestion = difflib.get_close_matches(rule.upper(), sorted(known), n=1)
            suppression_problems.append(f"{item.path}:{item.line}: tfattest:ignore names unknown rule {rule!r}"
                                        + (f"; did you mean {suggestion[0]}?" if suggestion else ""))
    stale = [] if target_files or options.changed_only else stale_suppressions(
        suppressions, options.exceptions, results, {rule.id for rule in rules})
    suppression_problems += [f"{item['source']}: {item['message']}" for item in stale]
    if options.forbid_inline_ignores:
        suppression_problems += [f"{_relative(s.path, source_root)}:{s.line}: inline ignores are forbidden by "
                                 "policy (forbid_inline_ignores); this comment suppresses nothing"
                                 for f in files for s in f.suppressions]
    inputs = [InputFile(_relative(f.path, source_root), f.sha256) for f in files if f.sha256]
    inputs += [scope.plan_input for scope in scopes if scope.plan_input is not None]
    finished = _dt.datetime.now(_dt.timezone.utc)
    return Report(
        tool_version=__version__, source_root=source_root, rules=rules,
        results=tuple(results),
        inputs=tuple(sorted(inputs, key=lambda i: i.path)),
        problems=tuple(replace(p, path=_relative(p.path, source_root)) for p in problems),
        started_at=started.isoformat(timespec="seconds"), finished_at=finished.isoformat(timespec="seconds"),
        options={"paths": [_relative(os.path.abspath(p), source_root) for p in paths],
                 "account_scope": options.account_scope, "only": list(options.only), "skip": list(options.skip),
                 **(options.extra_options or {})},
        resource_count=sum(1 for scope in scopes for r in scope.resources if r.mode == "managed"),
        suppression_problems=tuple(suppression_problems),
        stale_suppressions=tuple(stale),
        not_checked=tuple(not_checked(rules, [r for scope in scopes for r in scope.resources
                                              if not target_files or os.path.normpath(os.path.abspath(
                                                  r.location.path)) in target_files])),
        change_set=tuple(c for scope in scopes for c in scope.changes),
        ruleset_digest=ruleset.digest,
        resources=tuple(_relative_resource(r, source_root, memo) for scope in scopes for r in scope.resources),
        edges=tuple((source, attribute, target) for scope in scopes
                    for source, target, data in scope.graph.edges(data=True) for attribute in sorted(data["attributes"])),
    )


def group_callers(scopes) -> list:
    """One result per (rule, status, file, instance address): a module instance reached from
    several root modules (a module called by 7 examples) is one finding listing its callers."""
    grouped: dict = {}
    callers: dict = {}
    for scope in scopes:
        for result in scope.results:
            key = (result.rule_id, result.status, result.location.path, result.address, result.region)
            if key not in grouped:
                grouped[key] = result
                callers[key] = []
            if result.module_address and scope.name not in callers[key]:
                callers[key].append(scope.name)
    return [replace(result, callers=tuple(callers[key])) if len(callers[key]) > 1 else result
            for key, result in grouped.items()]


def _account_results(rules, scopes, account_scope: bool, problems: list) -> list:
    """Presence rules see every resource of the scan at once, reported at the first anchor."""
    if not scopes:
        return []
    import networkx as nx

    names = [scope.name for scope in scopes]
    scope_name = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    resources = [r for scope in scopes for r in scope.resources]
    graph = nx.compose_all([scope.graph for scope in scopes])
    # compose_all also merges the per-root graph attributes, where rules and predicates cache
    # per-scope indexes: the account-wide graph starts without them.
    graph.graph.clear()
    return evaluate_account_rules(rules, resources, graph, scope_name, scopes[0].anchor, account_scope, problems)


def _anchor(module) -> Location:
    """Where account-level (presence) results are reported: the provider block, else the first file."""
    for parsed in module.files:
        for block in parsed.blocks:
            if block.type == "provider":
                return block.location
    if module.files:
        return Location(module.files[0].path, 1, 1)
    return Location(module.directory, 1, 1)


@lru_cache(maxsize=65536)
def _relative(path: str, root: str) -> str:
    """Memoised: every result and resource of a file asks for the same path."""
    try:
        relative = os.path.relpath(path, root)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _relative_location(location, root, memo: dict):
    """Locations are shared by every result of a resource: each is converted once."""
    converted = memo.get(id(location))
    if converted is None:
        converted = memo[id(location)] = (location, Location(_relative(location.path, root), location.start_line,
                                                             location.end_line))
    return converted[1]


def _with_fields(obj, **changes):
    """dataclasses.replace for frozen dataclasses without re-running __init__: replace() was
    0.6 s of a warm 1,000-file scan (two per result)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def _relative_resource(resource, root, memo=None):
    return _with_fields(resource, location=_relative_location(resource.location, root, {} if memo is None else memo))


def _relative_result(result, root, memo=None):
    memo = {} if memo is None else memo
    return _with_fields(result, location=_relative_location(result.location, root, memo),
                        region=_relative_location(result.region, root, memo))


def _apply_suppressions(results, suppressions, options, today):
    updated, problems = [], []
    by_path: dict = {}  # a result only looks at the comments of its own file
    for item in suppressions:
        by_path.setdefault(item.path, []).append(item)
    for result in results:
        if result.status not in FINDING_STATUSES:
            updated.append(result)
            continue
        decision = inline_decision(by_path.get(result.location.path, ()), result.rule_id, result.location,
                                   today) or exception_decision(
            options.exceptions, result.rule_id, result.address, result.location.path, today)
        if decision is None:
            updated.append(result)
        elif decision.valid:
            updated.append(replace(result, status=Status.SUPPRESSED, original_status=result.status, suppression=decision))
        else:
            problems.append(f"{decision.source}: {result.rule_id} on {result.address}: {decision.problem}")
            updated.append(replace(result, suppression=decision))
    return updated, problems
