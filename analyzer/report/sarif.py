"""SARIF 2.1.0 for GitHub code scanning, built from sarif-om objects (DESIGN.md output contract)."""
from __future__ import annotations

import json
import os

import attr
import sarif_om as om

from analyzer.frameworks import FRAMEWORKS, requirement_sort_key, requirements, tsc_criteria, tsc_sort_key
from analyzer.model import Status
from analyzer.report.summary import rules_by_id

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TAXONOMY = "SOC 2 TSC 2017"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
INFO_URI = "https://github.com/tfattest/tfattest"


def _bag(tags=None, **extra):
    bag = om.PropertyBag(tags=tags)
    bag.extra = extra  # sarif_om's PropertyBag declares only `tags`; the converter carries these too
    return bag


# sarif-om 1.0.4 names Suppression.state "state"; the SARIF 2.1.0 schema calls it "status".
_RENAMED = {"state": "status"}


_FIELDS: dict = {}


def _fields(cls) -> list:
    """(attribute, JSON name, default) per attrs field of a sarif-om class, computed once per class."""
    if cls not in _FIELDS:
        fields = []
        for field in attr.fields(cls):
            default = field.default.factory() if isinstance(field.default, attr.Factory) else field.default
            name = field.metadata.get("schema_property_name", field.name)
            if cls is om.Suppression:
                name = _RENAMED.get(name, name)
            keep_default = default is attr.NOTHING or field.name in ("level", "kind")
            fields.append((field.name, name, attr.NOTHING if keep_default else default))
        _FIELDS[cls] = fields
    return _FIELDS[cls]


def to_plain(obj):
    """sarif-om attrs objects -> JSON-ready dicts, using each field's schema_property_name."""
    if isinstance(obj, list):
        return [to_plain(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_plain(value) for key, value in obj.items()}
    if not attr.has(type(obj)):
        return obj
    result = {}
    for field_name, name, default in _fields(type(obj)):
        value = getattr(obj, field_name)
        if value is None or (default is not attr.NOTHING and value == default):
            continue
        result[name] = to_plain(value)
    if isinstance(obj, om.PropertyBag):
        result.update({key: to_plain(value) for key, value in getattr(obj, "extra", {}).items()})
    return result


def _help(rule, criteria) -> tuple[str, str]:
    statements = [f"{c}: {criteria[c]['text']}" for c in rule.tsc if c in criteria]
    text = (f"{rule.description}\n\nWhy it matters for SOC 2:\n" + "\n".join(statements)
            + f"\n\nRemediation:\n{rule.remediation}")
    markdown = (f"{rule.description}\n\n**Why it matters for SOC 2** ({rule.control}):\n\n"
                + "\n".join(f"- **{c}** — {criteria[c]['text']}" for c in rule.tsc if c in criteria)
                + f"\n\n**Remediation**\n\n```hcl\n{rule.remediation.rstrip()}\n```\n")
    if rule.references:
        markdown += "\n**References**\n\n" + "\n".join(f"- <{url}>" for url in rule.references) + "\n"
    return text, markdown


def _taxonomy(criteria, used):
    ordered = sorted(used, key=tsc_sort_key)
    taxa = [om.ReportingDescriptor(id=c, name=c.replace(".", "_"),
                                   short_description=om.MultiformatMessageString(text=f"SOC 2 {c}"),
                                   full_description=om.MultiformatMessageString(text=criteria.get(c, {}).get("text", c)))
            for c in ordered]
    component = om.ToolComponent(name=TAXONOMY, version="2017 (2022 points of focus)",
                                 organization="AICPA", short_description=om.MultiformatMessageString(
                                     text="AICPA Trust Services Criteria (TSP section 100)"), taxa=taxa)
    return component, {c: i for i, c in enumerate(ordered)}


def _framework_taxonomies(rules) -> tuple[list, dict]:
    """One taxonomy per framework the rules are tagged with (after the TSC one, index 0):
    (components, {(framework key, requirement): (taxonomy index, taxon index)})."""
    components, index = [], {}
    for key, framework in FRAMEWORKS.items():
        used = sorted({r for rule in rules for r in rule.frameworks.get(key, ())}, key=requirement_sort_key)
        if not used:
            continue
        names = requirements(key)
        taxonomy_index = len(components) + 1
        taxa = [om.ReportingDescriptor(id=r, short_description=om.MultiformatMessageString(text=f"{key} {r}"),
                                       full_description=om.MultiformatMessageString(text=names.get(r) or r))
                for r in used]
        components.append(om.ToolComponent(name=framework.title, short_description=om.MultiformatMessageString(
            text=f"{framework.title} (tfattest key {key})"), taxa=taxa))
        index.update({(key, r): (taxonomy_index, i) for i, r in enumerate(used)})
    return components, index


def _relationship(taxon_id, taxon_index, component_name, component_index):
    return om.ReportingDescriptorRelationship(
        target=om.ReportingDescriptorReference(
            id=taxon_id, index=taxon_index,
            tool_component=om.ToolComponentReference(name=component_name, index=component_index)),
        kinds=["relevant"])


def _rule_descriptor(rule, criteria, taxon_index, framework_index):
    text, markdown = _help(rule, criteria)
    tags = ["security", "soc2", f"control:{rule.control}", rule.provider] + [f"tsc:{c}" for c in rule.tsc]
    relationships = [_relationship(c, taxon_index[c], TAXONOMY, 0) for c in rule.tsc]
    for key, ids in rule.frameworks.items():
        for requirement in ids:
            component, position = framework_index[(key, requirement)]
            relationships.append(_relationship(requirement, position, FRAMEWORKS[key].title, component))
    return om.ReportingDescriptor(
        id=rule.id, name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=rule.description),
        help=om.MultiformatMessageString(text=text, markdown=markdown),
        help_uri=rule.references[0] if rule.references else f"{INFO_URI}/blob/main/docs/rules.md#{rule.id.lower()}",
        default_configuration=om.ReportingConfiguration(level=LEVEL[rule.severity]),
        relationships=relationships,
        properties=_bag(tags, **{"security-severity": SECURITY_SEVERITY[rule.severity], "tsc": list(rule.tsc),
                                 "control": rule.control, "severity": rule.severity,
                                 **({"frameworks": {k: list(v) for k, v in rule.frameworks.items()}}
                                    if rule.frameworks else {})}),
    )


def _physical(path, start, end):
    return om.PhysicalLocation(artifact_location=om.ArtifactLocation(uri=path, uri_base_id="%SRCROOT%"),
                               region=om.Region(start_line=max(1, start), end_line=max(start, end, 1)))


def _result(result, rule, index, unknown_mode) -> dict:
    """One SARIF result as the plain dict ``to_plain`` made of the sarif-om Result, built
    directly: per-result attrs reflection was most of the time of a large report. The key
    order and the omitted defaults are sarif-om's (tests/test_sarif.py checks the schema)."""
    status = result.original_status or result.status
    if status == Status.UNKNOWN and unknown_mode != "fail":
        kind, level = "review", "none"
    else:
        kind, level = "fail", LEVEL[rule.severity]
    region = result.region
    start = region.start_line
    plain = {
        "message": {"text": result.message}, "kind": kind, "level": level,
        "locations": [{
            "logicalLocations": [{"fullyQualifiedName": result.address, "kind": "resource"}],
            "physicalLocation": {"artifactLocation": {"uri": region.path, "uriBaseId": "%SRCROOT%"},
                                 "region": {"endLine": max(start, region.end_line, 1), "startLine": max(1, start)}},
        }],
        "partialFingerprints": {"tfattest/v1": result.fingerprint},
        "properties": {"tags": [f"tsc:{c}" for c in rule.tsc], "tsc": list(rule.tsc), "control": rule.control,
                       "status": result.status, **({"changeAction": result.change_action} if result.change_action else {})},
        "ruleId": rule.id, "ruleIndex": index,
    }
    if result.status == "suppressed":
        decision = result.suppression
        suppression = {"kind": "inSource" if decision.kind == "inline" else "external"}
        if decision.justification is not None:
            suppression["justification"] = decision.justification
        suppression["properties"] = {"source": decision.source, "expires": decision.expires,
                                     "ticket": decision.ticket, "approver": decision.approver}
        suppression["status"] = "accepted"
        plain["suppressions"] = [suppression]
    return plain


def _static_parts(report) -> dict:
    """driver.rules, driver.supportedTaxonomies and run.taxonomies as plain data: they depend only
    on the rules (and the bundled TSC/framework data), not on the scan."""
    criteria = tsc_criteria()
    used = {c for rule in report.rules for c in rule.tsc}
    taxonomy, taxon_index = _taxonomy(criteria, used)
    framework_taxonomies, framework_index = _framework_taxonomies(report.rules)
    return {
        "rules": to_plain([_rule_descriptor(r, criteria, taxon_index, framework_index) for r in report.rules]),
        "supported": to_plain([om.ToolComponentReference(name=TAXONOMY, index=0)] + [
            om.ToolComponentReference(name=c.name, index=i) for i, c in enumerate(framework_taxonomies, start=1)]),
        "taxonomies": to_plain([taxonomy, *framework_taxonomies]),
    }


def static_parts(report) -> dict:
    """``_static_parts``, cached by the ruleset digest and the selected rules (analyzer/cache.py;
    the tool fingerprint in every key covers the TSC and framework data): ~600 rule descriptors
    and the taxonomies are a constant ~0.15 s of every SARIF report otherwise."""
    from analyzer import cache

    if not report.ruleset_digest:
        return _static_parts(report)
    key = cache.key_of("sarif-static", report.ruleset_digest, [rule.id for rule in report.rules])
    parts = cache.load("sarif", key)
    if not isinstance(parts, dict):
        parts = _static_parts(report)
        cache.store("sarif", key, parts)
    return parts


_PLACEHOLDER = {name: "\0" + name for name in ("rules", "supported", "taxonomies")}


def build_log(report, unknown_mode: str = "report") -> tuple:
    """(SarifLog with placeholders for the static parts, result dicts); ``to_sarif`` fills them."""
    rules = rules_by_id(report)
    rule_index = {rule.id: i for i, rule in enumerate(report.rules)}
    wanted = {Status.FAIL, Status.SUPPRESSED} | ({Status.UNKNOWN} if unknown_mode != "ignore" else set())
    results = [_result(r, rules[r.rule_id], rule_index[r.rule_id], unknown_mode)
               for r in report.results if r.status in wanted and r.rule_id in rules]
    notifications = [om.Notification(
        message=om.Message(text=f"{p.path}:{p.line}: {p.message}"), level="error" if p.blocking else "warning",
        locations=[om.Location(physical_location=_physical(p.path, p.line, p.line))],
        properties=_bag(kind=p.kind)) for p in report.problems]
    notifications += [om.Notification(message=om.Message(text=m), level="warning") for m in report.suppression_problems]
    notifications += [om.Notification(message=om.Message(text=item["message"]), level="note",
                                      properties=_bag(kind="not-checked")) for item in report.not_checked]
    root_uri = "file://" + os.path.abspath(report.source_root).replace(os.sep, "/").rstrip("/") + "/"
    driver = om.ToolComponent(
        name="tfattest", version=report.tool_version, semantic_version=report.tool_version,
        information_uri=INFO_URI, rules=[_PLACEHOLDER["rules"]], supported_taxonomies=[_PLACEHOLDER["supported"]])
    run = om.Run(
        tool=om.Tool(driver=driver), taxonomies=[_PLACEHOLDER["taxonomies"]], results=[],
        automation_details=om.RunAutomationDetails(id="tfattest/" + "+".join(report.options.get("paths", ["."])) + "/"),
        original_uri_base_ids={"%SRCROOT%": om.ArtifactLocation(uri=root_uri)},
        invocations=[om.Invocation(execution_successful=not any(p.blocking for p in report.problems),
                                   tool_execution_notifications=notifications or None,
                                   start_time_utc=report.started_at, end_time_utc=report.finished_at)],
        column_kind="unicodeCodePoints",
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run]), results


def to_sarif(report, unknown_mode: str = "report") -> dict:
    """The SARIF log as JSON-ready dicts: sarif-om for the (small) structure, results as dicts."""
    log, results = build_log(report, unknown_mode)
    plain = to_plain(log)
    run = plain["runs"][0]
    static = static_parts(report)
    # The placeholders keep each key at its place in the document.
    run["tool"]["driver"]["rules"] = static["rules"]
    run["tool"]["driver"]["supportedTaxonomies"] = static["supported"]
    run["taxonomies"] = static["taxonomies"]
    run["results"] = results
    return plain


def render(report, unknown_mode: str = "report", color: bool = False, pretty: bool = False) -> str:
    """Compact JSON by default (a large report is written several times faster); ``pretty`` indents."""
    log = to_sarif(report, unknown_mode)
    return (json.dumps(log, indent=2) if pretty else json.dumps(log, separators=(",", ":"))) + "\n"
