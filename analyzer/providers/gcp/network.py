"""GCP network exposure: what a ``google_compute_firewall`` rule admits from the internet.

A VPC firewall rule admits traffic when it is an INGRESS (the default ``direction``) ALLOW
rule that is not ``disabled``, whose sources include the whole internet, and whose ``allow``
blocks cover the protocol and port. An INGRESS rule with none of ``source_ranges``,
``source_tags`` and ``source_service_accounts`` is given ``0.0.0.0/0`` by the API
(hashicorp/terraform-provider-google#6789), so it counts as open to the world.

A DENY rule on the same network wins over an ALLOW when its priority number is lower or
equal (GCP: at equal priority deny takes precedence). We only let a deny win when it
*provably* covers the traffic: every attribute known, same network, the same world sources,
targets covering the allow rule's targets, and the protocol/port denied. Anything less and
the allow rule stands (conservative: an unproven deny hides nothing).
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer.evaluate.values import Unknown, contains_unknown
from analyzer.graph import referenced
from analyzer.providers.scope_index import scope_index
from analyzer.rules.verdict import Verdict

WORLD_CIDRS = ("0.0.0.0/0", "::/0")
DEFAULT_PRIORITY = 1000  # google_compute_firewall.priority default
PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "132": "sctp", "1": "icmp"}
MAX_PORT = 65535


@dataclass(frozen=True)
class Exposure:
    """One (protocol, port) admitted from a world source; port None = every port."""

    protocol: str
    port: int | None
    source: str

    def describe(self) -> str:
        where = "all ports" if self.port is None else f"port {self.port}"
        proto = "all protocols" if self.protocol == "all" else self.protocol
        return f"{proto} {where} from {self.source}"


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _protocol(value):
    if isinstance(value, Unknown) or value is None:
        return value
    text = str(value).lower()
    return PROTOCOL_NUMBERS.get(text, text)


def parse_port_ranges(ports) -> list | None:
    """``ports`` of an allow/deny block as (low, high) ranges; [] means every port.
    None when some entry is unknown or unreadable."""
    if isinstance(ports, Unknown):
        return None
    ranges = []
    for entry in _as_list(ports):
        if isinstance(entry, Unknown):
            return None
        text = str(entry).strip()
        try:
            if "-" in text:
                low, high = text.split("-", 1)
                ranges.append((int(low), int(high)))
            else:
                ranges.append((int(text), int(text)))
        except ValueError:
            return None
    return ranges


def _covers_all_ports(ranges: list) -> bool:
    return not ranges or any(low <= 1 and high >= MAX_PORT for low, high in ranges)


def _port_in(ranges: list, port: int) -> bool:
    return not ranges or any(low <= port <= high for low, high in ranges)


def world_sources(values: dict) -> tuple:
    """(world CIDRs admitted, unknown?) for an INGRESS rule's sources."""
    ranges = values.get("source_ranges")
    if isinstance(ranges, Unknown):
        return (), True
    ranges = _as_list(ranges)
    known_world = tuple(c for c in WORLD_CIDRS if c in ranges)
    if any(isinstance(c, Unknown) for c in ranges):
        return known_world, not known_world
    if ranges:
        return known_world, False
    # No source ranges: the API puts 0.0.0.0/0 unless tags or service accounts select sources.
    others = [values.get("source_tags"), values.get("source_service_accounts")]
    if any(isinstance(o, Unknown) or (isinstance(o, list) and any(isinstance(i, Unknown) for i in o))
           for o in others):
        return (), True
    if any(_as_list(o) for o in others):
        return (), False
    return ("0.0.0.0/0 (no source given: the API default)",), False


def _is_ingress(values: dict):
    direction = values.get("direction") or "INGRESS"
    if isinstance(direction, Unknown):
        return None
    return str(direction).upper() == "INGRESS"


def _flag(values: dict, name: str):
    value = values.get(name)
    if value is None:
        return False
    if isinstance(value, Unknown):
        return None
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _wanted(block_protocol: str, ranges: list, protocols: list, ports: list, all_ports: bool) -> list:
    """(protocol, port) pairs of interest that this allow block admits."""
    hits = []
    if all_ports:
        if block_protocol == "all":
            hits.append(("all", None))
        elif block_protocol in protocols and _covers_all_ports(ranges):
            hits.append((block_protocol, None))
    for port in ports:
        for protocol in protocols:
            if block_protocol == "all" or (block_protocol == protocol and _port_in(ranges, port)):
                hits.append((protocol, port))
    return hits


def exposures(values: dict, args: dict) -> tuple:
    """(exposures, unknown reason or None) of a firewall rule for the ports asked about."""
    if _flag(values, "disabled") is True:
        return [], None
    ingress = _is_ingress(values)
    if ingress is False:
        return [], None
    sources, sources_unknown = world_sources(values)
    protocols = [p.lower() for p in args.get("protocols", ["tcp"])]
    ports = [int(p) for p in args.get("ports", [])]
    all_ports = bool(args.get("all_ports"))
    hits, unknown = [], None
    allow = values.get("allow")
    if isinstance(allow, Unknown):
        return [], "allow blocks are known only after apply"
    for block in _as_list(allow):
        if not isinstance(block, dict):
            unknown = "an allow block is known only after apply"
            continue
        protocol = _protocol(block.get("protocol"))
        ranges = parse_port_ranges(block.get("ports"))
        if isinstance(protocol, Unknown) or protocol is None or ranges is None:
            unknown = "an allow block's protocol or ports are known only after apply"
            continue
        hits.extend(_wanted(protocol, ranges, protocols, ports, all_ports))
    if not hits:
        return [], unknown
    if not sources:
        return [], ("source_ranges are known only after apply" if sources_unknown else None)
    if ingress is None or _flag(values, "disabled") is None:
        return [], "direction or disabled is known only after apply"
    return [Exposure(proto, port, source) for proto, port in hits for source in sources], None


# --- deny rules with precedence -----------------------------------------------------

def _network_keys(ctx, resource) -> set:
    """What identifies the rule's network: the managed network it references, or the literal."""
    keys = set()
    if ctx.graph is not None and resource.address in ctx.graph:
        keys |= {f"ref:{r.address}" for r in referenced(ctx.graph, resource.address, "network")}
    value = resource.values.get("network")
    if isinstance(value, str):
        keys.add(f"name:{value.rsplit('/', 1)[-1]}")
    return keys


def _priority(values: dict):
    value = values.get("priority", DEFAULT_PRIORITY)
    if value is None:
        value = DEFAULT_PRIORITY
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _targets(values: dict):
    """Target tags/service accounts as a frozenset, None when unknown; empty = every instance."""
    tags = values.get("target_tags")
    accounts = values.get("target_service_accounts")
    if contains_unknown(tags) or contains_unknown(accounts):
        return None
    return frozenset(f"tag:{t}" for t in _as_list(tags)) | frozenset(f"sa:{a}" for a in _as_list(accounts))


def _deny_covers(deny: dict, exposure: Exposure) -> bool:
    for block in _as_list(deny.get("deny")):
        if not isinstance(block, dict):
            continue
        protocol = _protocol(block.get("protocol"))
        ranges = parse_port_ranges(block.get("ports"))
        if isinstance(protocol, Unknown) or protocol is None or ranges is None:
            continue
        if protocol == "all":
            return True
        if exposure.protocol == "all":
            continue
        if protocol == exposure.protocol and (
                (exposure.port is None and _covers_all_ports(ranges))
                or (exposure.port is not None and _port_in(ranges, exposure.port))):
            return True
    return False


@dataclass(frozen=True)
class _Deny:
    """A deny rule that may win over an allow rule: known, enabled, INGRESS, with known sources."""

    order: int  # position in by_type, so the first deny found is the one the linear scan found
    resource: object
    priority: int
    targets: frozenset | None


def _deny_index(ctx) -> dict:
    """(network key, source CIDR) -> candidate deny rules of the scope, in by_type order.

    Built once per scope and cached on the graph (like the engine's companion index): looking
    at every firewall for every firewall made a scope with N rules cost O(N^2)."""
    return scope_index(ctx, "gcp_firewall_deny_index", lambda: _build_deny_index(ctx))


def _build_deny_index(ctx) -> dict:
    index: dict = {}
    for order, other in enumerate(ctx.by_type.get("google_compute_firewall", ())):
        values = other.values
        if other.exists is not True or not values.get("deny"):
            continue
        if contains_unknown(values.get("deny")) or _flag(values, "disabled") is not False \
                or _is_ingress(values) is not True:
            continue
        priority = _priority(values)
        ranges = values.get("source_ranges")
        if priority is None or contains_unknown(ranges):
            continue
        # Sources are OR-ed: extra source tags/accounts only widen the deny; it still covers the CIDR.
        entry = _Deny(order, other, priority, _targets(values))
        for key in _network_keys(ctx, other):
            for source in set(_as_list(ranges)):
                if isinstance(source, str):
                    index.setdefault((key, source), []).append(entry)
    return index


def _winning_deny(ctx, exposure: Exposure):
    """A deny rule that provably blocks ``exposure`` before our allow rule, or None."""
    resource = ctx.resource
    if resource is None:
        return None
    ours = _network_keys(ctx, resource)
    priority = _priority(ctx.values)
    targets = _targets(ctx.values)
    if not ours or priority is None or targets is None:
        return None
    source = exposure.source.split(" ", 1)[0]
    index = _deny_index(ctx)
    candidates = {}
    for key in ours:
        for entry in index.get((key, source), ()):
            candidates[entry.order] = entry
    for order in sorted(candidates):
        entry = candidates[order]
        if entry.resource.address == resource.address or entry.priority > priority:
            continue
        their_targets = entry.targets
        if their_targets is None or (their_targets and not (targets and targets <= their_targets)):
            continue
        if _deny_covers(entry.resource.values, exposure):
            return entry.resource
    return None


def firewall_allows_from_world(ctx, args: dict) -> Verdict:
    """True when this firewall rule admits, from 0.0.0.0/0 or ::/0, one of ``args.ports``
    over ``args.protocols`` (default tcp), or every port/protocol when ``args.all_ports``;
    a higher-precedence deny rule that provably covers the traffic wins."""
    found, unknown = exposures(ctx.values, args)
    if not found:
        if unknown:
            return Verdict(None, "allow", unknown)
        return Verdict(False, "allow", "admits none of the checked ports from the internet")
    denied = []
    for exposure in found:
        deny = _winning_deny(ctx, exposure)
        if deny is None:
            attr = "source_ranges" if ctx.values.get("source_ranges") else "allow"
            return Verdict(True, attr, f"admits {exposure.describe()}")
        denied.append(f"{exposure.describe()} (denied first by {deny.address})")
    return Verdict(False, "allow", "world traffic is denied by a higher-precedence rule: " + "; ".join(denied))


# --- Cloud Run (v1) ingress ------------------------------------------------------------

_RUN_INGRESS = "run.googleapis.com/ingress"
_RUN_INTERNAL = {"internal", "internal-and-cloud-load-balancing"}


def cloud_run_v1_internal_only(ctx, args: dict) -> Verdict:
    """True when a ``google_cloud_run_service`` accepts only internal (or internal and load
    balancer) traffic: its ``metadata.annotations["run.googleapis.com/ingress"]``. The annotation's
    key holds dots, so a declarative path cannot reach it. Absent: "all" (the default)."""
    metadata = ctx.values.get("metadata")
    if isinstance(metadata, Unknown):
        return Verdict(None, "metadata", "metadata is known only after apply")
    for block in _as_list(metadata):
        if not isinstance(block, dict):
            return Verdict(None, "metadata", "metadata is known only after apply")
        annotations = block.get("annotations")
        if isinstance(annotations, Unknown):
            return Verdict(None, "metadata", "metadata.annotations are known only after apply")
        if isinstance(annotations, dict) and _RUN_INGRESS in annotations:
            ingress = annotations[_RUN_INGRESS]
            if isinstance(ingress, Unknown):
                return Verdict(None, "metadata", f"{_RUN_INGRESS} is known only after apply")
            return Verdict(ingress in _RUN_INTERNAL, "metadata", f'{_RUN_INGRESS} is "{ingress}"')
    return Verdict(False, "metadata", f"no {_RUN_INGRESS} annotation (default: all traffic)")


PREDICATES: dict = {
    "firewall_allows_from_world": firewall_allows_from_world,
    "cloud_run_v1_internal_only": cloud_run_v1_internal_only,
}
