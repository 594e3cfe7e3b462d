"""Azure network exposure: NSG rules (inline and split) and what they admit from the internet.

One model, whatever the spelling: an inline ``security_rule`` block of
``azurerm_network_security_group`` (static or ``dynamic``) and a split
``azurerm_network_security_rule`` are both read into a ``RuleView``; the question a rule
asks ("is TCP 22 reachable from the internet?") is answered by ``internet_exposure``, which
also subtracts what a higher-precedence (lower priority number) Deny rule of the same NSG
provably blocks. Anything unknown that could change the answer makes the answer unknown.
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer.evaluate.values import Unknown
from analyzer.graph import referenced, referrers
from analyzer.rules.verdict import Verdict

# Source prefixes that mean "anyone on the internet". "*" and "Any" are every source; the
# "Internet" service tag is the public address space; a /0 prefix is every address.
WORLD_WORDS = {"*", "any", "internet", "0.0.0.0", "::"}
FULL_RANGE = (0, 65535)
NSG = "azurerm_network_security_group"
SPLIT_RULE = "azurerm_network_security_rule"


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_world_prefix(prefix) -> bool:
    return isinstance(prefix, str) and (prefix.strip().lower() in WORLD_WORDS or prefix.strip().endswith("/0"))


def _lower(value):
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class RuleView:
    """An NSG rule with both spellings (singular/plural attributes) merged."""

    name: str
    direction: object  # "inbound" | "outbound" | Unknown
    access: object  # "allow" | "deny" | Unknown
    priority: object  # int | Unknown | None
    protocol: object  # "*" | "tcp" | "udp" | ... | Unknown
    sources: tuple  # prefixes (str or Unknown)
    destinations: tuple
    ports: object  # tuple of (low, high), or Unknown


def _port_ranges(values: dict):
    specs = _as_list(values.get("destination_port_range")) + _as_list(values.get("destination_port_ranges"))
    if isinstance(values.get("destination_port_ranges"), Unknown):
        return Unknown("destination_port_ranges is unknown")
    ranges = []
    for spec in specs:
        if isinstance(spec, Unknown):
            return spec
        text = str(spec).strip()
        if text == "":
            continue  # a plan's empty singular attribute when the plural one is used
        if text == "*":
            ranges.append(FULL_RANGE)
            continue
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            return Unknown(f"port range {text!r} is not understood")
    return tuple(ranges)


def _prefixes(values: dict, singular: str, plural: str):
    many = values.get(plural)
    found = _as_list(values.get(singular)) + ([many] if isinstance(many, Unknown) else _as_list(many))
    return tuple(found)


def rule_view(values: dict, name: str) -> RuleView:
    priority = values.get("priority")
    if isinstance(priority, str) and priority.isdigit():
        priority = int(priority)
    return RuleView(
        name=str(values.get("name") or name),
        direction=_lower(values.get("direction")),
        access=_lower(values.get("access")),
        priority=priority,
        protocol=_lower(values.get("protocol")),
        sources=_prefixes(values, "source_address_prefix", "source_address_prefixes"),
        destinations=_prefixes(values, "destination_address_prefix", "destination_address_prefixes"),
        ports=_port_ranges(values),
    )


# --- interval arithmetic on port ranges -----------------------------------------------------

def _intersect(ranges, wanted):
    out = []
    for low, high in ranges:
        for w_low, w_high in wanted:
            if max(low, w_low) <= min(high, w_high):
                out.append((max(low, w_low), min(high, w_high)))
    return out


def _subtract(ranges, removed):
    remaining = list(ranges)
    for r_low, r_high in removed:
        following = []
        for low, high in remaining:
            if r_high < low or r_low > high:
                following.append((low, high))
                continue
            if low < r_low:
                following.append((low, r_low - 1))
            if high > r_high:
                following.append((r_high + 1, high))
        remaining = following
    return remaining


def _show_ports(ranges) -> str:
    return ", ".join(str(low) if low == high else ("all ports" if (low, high) == FULL_RANGE else f"{low}-{high}")
                     for low, high in ranges)


# --- the question ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """Which inbound traffic from the internet a rule cares about."""

    ports: tuple  # (low, high) ranges of interest
    protocols: frozenset  # protocols the service uses ("tcp", "udp"); empty = any protocol
    all_ports: bool = False  # only rules that open every port count
    explicit_protocol: bool = False  # only rules naming one of ``protocols`` count, not "*"

    @staticmethod
    def from_args(args: dict) -> "Question":
        if args.get("all_ports"):
            ports = (FULL_RANGE,)
        elif args.get("any_port"):
            ports = (FULL_RANGE,)
        else:
            ports = tuple((int(p), int(p)) if not isinstance(p, list) else (int(p[0]), int(p[1]))
                          for p in args.get("ports", []))
        protocols = frozenset(p.lower() for p in args.get("protocols", []))
        return Question(ports, protocols, bool(args.get("all_ports")), bool(args.get("explicit_protocol")))


def _protocol_matches(protocol, question: Question):
    """Does a rule with ``protocol`` carry traffic the question is about? (None = unknown)"""
    if isinstance(protocol, Unknown):
        return None
    if protocol in (None, "*", "any"):
        return not question.explicit_protocol
    if not question.protocols:
        return True  # every TCP (or UDP) port open is "all ports" too
    return protocol in question.protocols


def _allow_exposes(view: RuleView, question: Question):
    """(True|False|None, exposed port ranges, why) for an Allow rule taken alone. What is known
    decides first: a rule for other ports or protocols is not exposure even if its source is
    known only after apply."""
    if isinstance(view.direction, str) and view.direction != "inbound":
        return False, [], ""
    if isinstance(view.access, str) and view.access != "allow":
        return False, [], ""
    protocol = _protocol_matches(view.protocol, question)
    if protocol is False:
        return False, [], ""
    exposed = []
    if not isinstance(view.ports, Unknown):
        if question.all_ports and not any(low <= 1 and high >= 65535 for low, high in view.ports):
            return False, [], ""
        exposed = _intersect(view.ports, question.ports)
        if not exposed:
            return False, [], ""
    world = [s for s in view.sources if is_world_prefix(s)]
    if not world and not any(isinstance(s, Unknown) for s in view.sources):
        return False, [], ""
    if isinstance(view.direction, Unknown) or isinstance(view.access, Unknown):
        return None, [], f"rule {view.name}: direction or access is unknown"
    if protocol is None:
        return None, [], f"rule {view.name}: protocol is unknown"
    if isinstance(view.ports, Unknown):
        return None, [], f"rule {view.name}: destination port range is unknown"
    if not world:
        return None, [], f"rule {view.name}: source address prefix is unknown"
    return True, exposed, f"rule {view.name} allows {_show_ports(exposed)} from {world[0]!r}"


def _deny_covers(deny: RuleView, allow: RuleView, question: Question):
    """Port ranges a Deny rule provably removes from ``allow`` (None: it might, unknown)."""
    fields = (deny.direction, deny.access, deny.priority, deny.protocol, deny.ports)
    if isinstance(deny.access, str) and deny.access != "deny":
        return []
    if isinstance(deny.direction, str) and deny.direction != "inbound":
        return []
    if isinstance(deny.priority, int) and isinstance(allow.priority, int) and deny.priority >= allow.priority:
        return []
    if any(isinstance(f, Unknown) for f in fields) or not isinstance(allow.priority, int) \
            or not isinstance(deny.priority, int):
        return None
    # The deny must block every protocol of the allow that the question is about.
    if deny.protocol not in ("*", "any") and deny.protocol != allow.protocol \
            and not (question.protocols and question.protocols <= {deny.protocol}):
        return []
    sources = [s for s in deny.sources]
    if any(isinstance(s, Unknown) for s in sources):
        return None
    if not any(is_world_prefix(s) for s in sources):
        return []
    destinations = list(deny.destinations)
    if any(isinstance(d, Unknown) for d in destinations):
        return None
    if not (any(is_world_prefix(d) for d in destinations) or (destinations and set(destinations) == set(allow.destinations))):
        return []
    return list(deny.ports)


def internet_exposure(view: RuleView, siblings, question: Question) -> Verdict:
    """Is ``view`` an Allow rule that, after higher-precedence Deny rules among ``siblings``,
    admits the question's traffic from the internet? Verdict value: True exposed, False not,
    None unknown."""
    exposes, exposed, why = _allow_exposes(view, question)
    if not exposes:
        return Verdict(exposes, None, why)
    maybe_blocked = False
    for other in siblings:
        if other is view:
            continue
        if isinstance(other, Unknown):
            maybe_blocked = True
            continue
        covered = _deny_covers(other, view, question)
        if covered is None:
            maybe_blocked = True
        elif covered:
            exposed = _subtract(exposed, covered)
    if not exposed:
        return Verdict(False, None, f"rule {view.name} is overridden by a higher-precedence Deny rule")
    if maybe_blocked:
        return Verdict(None, None, f"{why}, unless a Deny rule with unknown settings takes precedence")
    return Verdict(True, None, why)


# --- finding the rules of one NSG ------------------------------------------------------------

def _inline_views(nsg) -> list:
    views = []
    for index, block in enumerate(_as_list(nsg.values.get("security_rule"))):
        views.append(block if isinstance(block, Unknown) else rule_view(block, f"{nsg.address}.security_rule[{index}]"))
    return views


def _split_rules_of(nsg, ctx) -> list:
    found = {r.address: r for r in referrers(ctx.graph, nsg.address, "network_security_group_name")
             if r.type == SPLIT_RULE}
    name = nsg.values.get("name")
    if isinstance(name, str):
        for rule in ctx.by_type.get(SPLIT_RULE, ()):
            if rule.values.get("network_security_group_name") == name:
                found.setdefault(rule.address, rule)
    return list(found.values())


def _nsg_of(rule, ctx):
    for target in referenced(ctx.graph, rule.address, "network_security_group_name"):
        if target.type == NSG:
            return target
    name = rule.values.get("network_security_group_name")
    if isinstance(name, str):
        for nsg in ctx.by_type.get(NSG, ()):
            if nsg.values.get("name") == name:
                return nsg
    return None


def _split_view(rule) -> RuleView:
    return rule_view(rule.values, rule.address)


def nsg_denies_internet_inbound(ctx, args: dict) -> Verdict:
    """True when the NSG's inline rules (for ``azurerm_network_security_group``) or the split
    rule itself (``azurerm_network_security_rule``) admit none of the question's inbound
    traffic from the internet; False names the offending rule. Args: ``ports`` (list of ports
    or [low, high] pairs), ``any_port``, ``all_ports``, ``protocols`` (["tcp"], ["udp"]) and
    ``explicit_protocol`` (rules for protocol "*" do not count; the per-port and all-ports
    questions judge them)."""
    question = Question.from_args(args)
    resource = ctx.resource
    if resource.type == NSG:
        inline = _inline_views(resource)
        siblings = inline + [_split_view(r) for r in _split_rules_of(resource, ctx)]
        candidates, attr = inline, "security_rule"
    else:
        own = _split_view(resource)
        nsg = _nsg_of(resource, ctx)
        siblings = [own]
        if nsg is not None:
            siblings += _inline_views(nsg) + [_split_view(r) for r in _split_rules_of(nsg, ctx)
                                              if r.address != resource.address]
        candidates, attr = [own], "source_address_prefix"
    verdicts = []
    for view in candidates:
        if isinstance(view, Unknown):
            verdicts.append(Verdict(None, attr, "a security_rule generated from a collection known only after apply"))
            continue
        exposure = internet_exposure(view, siblings, question)
        value = None if exposure.value is None else not exposure.value
        verdicts.append(Verdict(value, attr, exposure.evidence or f"rule {view.name} admits none of it"))
    if not verdicts:
        return Verdict(True, attr, "no security rules", vacuous=True)
    failing = [v for v in verdicts if v.value is False]
    if failing:
        return failing[0]
    unknown = [v for v in verdicts if v.value is None]
    if unknown:
        return unknown[0]
    return Verdict(True, attr, "no inbound Allow rule admits it from the internet")


# --- PaaS firewall rules (SQL, PostgreSQL, MySQL, Redis): start/end IPv4 ranges ----------------

WORLD_RANGE_SIZE = 2 ** 31  # a range spanning half of IPv4 or more is "the internet", not an allowlist


def _ipv4(value):
    import ipaddress
    try:
        return int(ipaddress.IPv4Address(str(value).strip()))
    except ValueError:
        return None


def firewall_range_not_world(ctx, args: dict) -> Verdict:
    """True unless the firewall rule's range (``start``/``end`` attribute names, by default
    start_ip_address/end_ip_address) spans half of the IPv4 space or more, e.g.
    0.0.0.0-255.255.255.255. The 0.0.0.0-0.0.0.0 "allow Azure services" rule is not this."""
    start_attr = args.get("start", "start_ip_address")
    end_attr = args.get("end", "end_ip_address")
    start, end = ctx.values.get(start_attr), ctx.values.get(end_attr)
    if isinstance(start, Unknown) or isinstance(end, Unknown):
        return Verdict(None, start_attr, f"{start_attr}/{end_attr} known only after apply")
    low, high = _ipv4(start), _ipv4(end)
    if low is None or high is None:
        return Verdict(None, start_attr, f"{start_attr}/{end_attr} ({start!r}-{end!r}) are not IPv4 addresses")
    size = high - low + 1
    if size >= WORLD_RANGE_SIZE:
        return Verdict(False, start_attr, f"range {start}-{end} admits {size:,} addresses: the whole internet")
    return Verdict(True, start_attr, f"range {start}-{end} ({max(size, 0):,} addresses)")


PREDICATES: dict = {
    "nsg_denies_internet_inbound": nsg_denies_internet_inbound,
    "firewall_range_not_world": firewall_range_not_world,
}
