"""AWS security-group exposure: the inline ``ingress`` block and the split rule resources."""
from __future__ import annotations

from analyzer.evaluate.values import Unknown
from analyzer.graph import referenced, referrers
from analyzer.rules.verdict import Verdict

WORLD_CIDRS = {"0.0.0.0/0", "::/0"}
ALL_PROTOCOLS = {"-1", "all", -1}


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ingress_open_to_world(ctx, args: dict) -> Verdict:
    """True when an ingress rule admits 0.0.0.0/0 or ::/0 on any of ``ports`` (or all ports).

    Understands the inline ``ingress`` block, ``aws_security_group_rule`` and
    ``aws_vpc_security_group_ingress_rule`` spellings.
    """
    values = ctx.values
    cidrs = (_as_list(values.get("cidr_blocks")) + _as_list(values.get("ipv6_cidr_blocks"))
             + _as_list(values.get("cidr_ipv4")) + _as_list(values.get("cidr_ipv6")))
    if any(isinstance(c, Unknown) for c in cidrs) or isinstance(values.get("cidr_blocks"), Unknown):
        open_cidr = any(c in WORLD_CIDRS for c in cidrs if not isinstance(c, Unknown))
        if not open_cidr:
            return Verdict(None, "cidr_blocks", "source CIDR is unknown")
    elif not any(c in WORLD_CIDRS for c in cidrs):
        return Verdict(False, "cidr_blocks", "no 0.0.0.0/0 or ::/0 source")
    world = sorted({c for c in cidrs if c in WORLD_CIDRS})
    # Point the finding at the attribute that opens the rule to the world.
    cidr_attr = next((name for name in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6")
                      if any(c in WORLD_CIDRS for c in _as_list(values.get(name)))), "cidr_blocks")
    protocol = values.get("protocol", values.get("ip_protocol"))
    if isinstance(protocol, Unknown):
        return Verdict(None, "protocol", "protocol is unknown")
    if protocol in ALL_PROTOCOLS or str(protocol) in ALL_PROTOCOLS:
        return Verdict(True, cidr_attr, f"all protocols and ports open to {', '.join(world)}")
    low, high = values.get("from_port"), values.get("to_port")
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return Verdict(None, "from_port", "port range is unknown")
    try:
        low, high = int(low), int(high)
    except (TypeError, ValueError):
        return Verdict(None, "from_port", "port range is not a number")
    ports = args.get("ports", [])
    if args.get("all_ports") and low <= 0 and high >= 65535:
        return Verdict(True, cidr_attr, f"ports {low}-{high} open to {', '.join(world)}")
    hit = [p for p in ports if low <= p <= high]
    if hit:
        return Verdict(True, cidr_attr, f"port {hit[0]} open to {', '.join(world)} (range {low}-{high})")
    if not ports:
        return Verdict(False, "from_port", f"only ports {low}-{high} are open, not all ports")
    listed = ", ".join(str(p) for p in ports)
    return Verdict(False, "from_port", f"ports {low}-{high} are open, which does not include port{'s' if len(ports) > 1 else ''} {listed}")


# --- network ACLs: entries are evaluated in rule-number order --------------------------
# A network ACL applies the lowest-numbered entry that matches a packet. So an allow-all at
# 100 does not open port 22 when a deny of port 22 from 0.0.0.0/0 comes first (at 10). An
# allow entry "opens" a port to the internet when it admits the world CIDR of its family
# (0.0.0.0/0, ::/0) for the port and no lower-numbered deny of that world CIDR covers the same
# protocol and port. A deny of a narrower CIDR shadows only part of the internet: it does not
# count. Entries: the ACL's inline ``ingress`` blocks and the aws_network_acl_rule resources
# (egress false, the default) that refer to it through network_acl_id.

ACL_TYPES = ("aws_network_acl", "aws_default_network_acl")
_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp"}
_FAMILIES = (("cidr_block", "0.0.0.0/0"), ("ipv6_cidr_block", "::/0"))
_U = None  # the unknown truth value


def _entry(values: dict, inline: bool) -> dict:
    """An ingress entry in one shape: action, protocol, from, to, number, cidrs, egress."""
    if not isinstance(values, dict):
        return {"unknown": True}
    protocol = values.get("protocol")
    if not isinstance(protocol, Unknown):
        protocol = _PROTOCOLS.get(str(protocol).lower(), str(protocol).lower())
    action = values.get("action" if inline else "rule_action")
    return {
        "action": action.lower() if isinstance(action, str) else action,
        "protocol": protocol,
        "from": values.get("from_port"), "to": values.get("to_port"),
        "number": values.get("rule_no" if inline else "rule_number"),
        "cidr_block": values.get("cidr_block"), "ipv6_cidr_block": values.get("ipv6_cidr_block"),
        "egress": False if inline else values.get("egress", False),
    }


def _and3(*values):
    if any(v is False for v in values):
        return False
    return _U if any(v is _U for v in values) else True


def _or3(values):
    values = list(values)
    if any(v is True for v in values):
        return True
    return _U if any(v is _U for v in values) else False


def _number(value):
    if isinstance(value, Unknown) or value is None:
        return _U
    try:
        return int(value)
    except (TypeError, ValueError):
        return _U


def _covers(entry: dict, protocol: str, port: int, family: tuple, opening: bool):
    """Does the entry match packets of ``protocol``/``port`` from anywhere in ``family``?"""
    if entry.get("unknown"):
        return _U
    attr, world = family
    cidr = entry[attr]
    egress = entry["egress"]
    ingress = _U if isinstance(egress, Unknown) else egress in (False, None, "false")
    world_source = _U if isinstance(cidr, Unknown) else cidr == world
    kind = entry["protocol"]
    if isinstance(kind, Unknown):
        return _and3(ingress, world_source, _U)
    if kind == "all":
        return _and3(ingress, world_source)
    if kind != protocol:
        return False
    low, high = _number(entry["from"]), _number(entry["to"])
    if low is _U or high is _U:
        return _and3(ingress, world_source, _U)
    in_range = low <= port <= high
    # the ephemeral return range (1024+ to 65535) a stateless ACL must allow is not an opening
    if opening and port >= 1024 and low >= 1024 and high >= 65535:
        in_range = False
    return _and3(ingress, world_source, in_range)


def _is(entry: dict, action: str):
    value = entry.get("action")
    if entry.get("unknown") or isinstance(value, Unknown):
        return _U
    return value == action


def _before(first: dict, second: dict):
    a, b = _number(first.get("number")), _number(second.get("number"))
    if a is _U or b is _U:
        return _U
    return a < b


def _opens(candidate: dict, entries: list, protocol: str, port: int, family: tuple):
    shadowed = _or3(_and3(_is(other, "deny"), _covers(other, protocol, port, family, False), _before(other, candidate))
                    for other in entries if other is not candidate)
    return _and3(_is(candidate, "allow"), _covers(candidate, protocol, port, family, True),
                 False if shadowed is True else (True if shadowed is False else _U))


def _acl_entries(ctx, acl, skip: str = "") -> list:
    """Every ingress entry of ``acl``: its inline blocks, then the rule resources naming it
    (but ``skip``)."""
    entries = [_entry(v, True) for v in _as_list(acl.values.get("ingress"))]
    if ctx.graph is not None and acl.address in ctx.graph:
        for rule in referrers(ctx.graph, acl.address, "network_acl_id"):
            if rule.type == "aws_network_acl_rule" and rule.address != skip:
                entries.append(_entry(rule.values, False))
    return entries


def nacl_ingress_open_to_world(ctx, args: dict) -> Verdict:
    """True when an allow entry of this network ACL (its inline ``ingress`` blocks), or this
    aws_network_acl_rule, admits 0.0.0.0/0 or ::/0 to one of ``args.tcp_ports`` (TCP) or
    ``args.udp_ports`` (UDP), or to every protocol, without a lower-numbered deny of the same
    world CIDR for that port (see above)."""
    resource = ctx.resource
    traffic = [("tcp", p) for p in args.get("tcp_ports", [])] + [("udp", p) for p in args.get("udp_ports", [])]
    if resource.type == "aws_network_acl_rule":
        candidates = [_entry(ctx.values, False)]
        acls = [a for a in referenced(ctx.graph, resource.address, "network_acl_id") if a.type in ACL_TYPES] \
            if ctx.graph is not None and resource.address in ctx.graph else []
        entries = list(candidates)
        for acl in acls:
            entries += _acl_entries(ctx, acl, skip=resource.address)
        attr = "cidr_block"
    else:
        entries = _acl_entries(ctx, resource)
        candidates = entries[:len(_as_list(ctx.values.get("ingress")))]
        attr = "ingress"
    found, unknown = None, None
    for candidate in candidates:
        for protocol, port in traffic:
            for family in _FAMILIES:
                opens = _opens(candidate, entries, protocol, port, family)
                if opens is True:
                    found = (protocol, port, family, candidate)
                    break
                if opens is _U and unknown is None:
                    unknown = (protocol, port)
            if found:
                break
        if found:
            break
    if found:
        protocol, port, (family_attr, world), candidate = found
        where = f"rule {candidate['number']}" if not isinstance(candidate["number"], Unknown) else "an entry"
        return Verdict(True, family_attr if attr == "cidr_block" else attr,
                       f"{where} allows {world} to {protocol.upper()} port {port} and no lower-numbered deny "
                       f"of {world} covers it")
    if unknown:
        return Verdict(None, attr, f"whether {unknown[0].upper()} port {unknown[1]} is open to the internet depends "
                                   "on values known only after apply")
    return Verdict(False, attr, "no allow entry opens "
                   + ", ".join(f"{p.upper()} {n}" for p, n in traffic) + " to the internet ahead of a deny")
