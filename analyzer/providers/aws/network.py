"""AWS security-group exposure: the inline ``ingress`` block and the split rule resources."""
from __future__ import annotations

from analyzer.evaluate.values import Unknown
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
    return Verdict(False, "from_port", f"ports {low}-{high} do not include {ports}")
