"""IP network functions (cidrhost, cidrnetmask, cidrsubnet, cidrsubnets)."""
from __future__ import annotations

import ipaddress
import re

from analyzer.evaluate.convert import FunctionError
from analyzer.evaluate.functions._common import _integer, _known, _string



_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_cidr(prefix: object) -> _Network:
    text = _string(prefix)
    # Python would also take a bare address or a dotted netmask; Terraform wants addr/bits.
    address, slash, bits = text.partition("/")
    if not slash or not re.fullmatch(r"[0-9]{1,3}", bits) or "%" in address:
        raise FunctionError(f"invalid CIDR expression: {text!r}")
    try:
        return ipaddress.ip_network(text, strict=False)  # host bits are simply masked off
    except ValueError as error:
        raise FunctionError(f"invalid CIDR expression: {error}") from None


def _subnet(network: _Network, start: int, length: int) -> str:
    # Build from the parent's version: a small integer is a valid IPv6 address too.
    return str(type(network)((start, length)))


@_known
def tf_cidrhost(prefix, hostnum):
    network, number = _parse_cidr(prefix), _integer(hostnum, bounded=False)
    size = network.num_addresses
    host = number + size if number < 0 else number  # negative numbers count back from the end
    if not 0 <= host < size:
        raise FunctionError(f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
    return str(network.network_address + host)


@_known
def tf_cidrnetmask(prefix):
    network = _parse_cidr(prefix)
    if network.version != 4:
        raise FunctionError(f"IPv6 addresses cannot have a netmask: {prefix}")
    return str(network.netmask)


@_known
def tf_cidrsubnet(prefix, newbits, netnum):
    network = _parse_cidr(prefix)
    newbits, netnum = _integer(newbits), _integer(netnum, bounded=False)
    new_length = network.prefixlen + newbits
    if newbits < 0 or new_length > network.max_prefixlen:
        raise FunctionError(f"insufficient address space to extend prefix of {network.prefixlen} by {newbits}")
    if not 0 <= netnum < 2**newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    start = int(network.network_address) | netnum << (network.max_prefixlen - new_length)
    return _subnet(network, start, new_length)


@_known
def tf_cidrsubnets(prefix, *newbits):
    network = _parse_cidr(prefix)
    if not newbits:
        return []
    width, base = network.max_prefixlen, network.prefixlen
    lengths = [_integer(bits) for bits in newbits]
    for position, bits in enumerate(lengths, start=1):
        if bits < 1:
            raise FunctionError(f"argument {position}: must extend prefix by at least one bit")
        if bits > 32:
            raise FunctionError(f"argument {position}: may not extend prefix by more than 32 bits")
        if base + bits > width:
            raise FunctionError(f"argument {position}: would extend prefix to {base + bits} bits, "
                                f"which is too long for an IPv{network.version} address")
    # Like go-cidr: start from the subnet just before the base address, then
    # take each next subnet of the requested size, aligned to that size.  A base
    # at address zero therefore "wraps" and fails, as it does in Terraform
    # (hashicorp/terraform#35486).
    first_length = base + lengths[0]
    current, current_length = _align((int(network.network_address) - 1) % 2**width, first_length, width), first_length
    out = []
    for position, bits in enumerate(lengths, start=1):
        length = base + bits
        last = current + 2 ** (width - current_length) - 1
        following = _align(last, length, width) + 2 ** (width - length)
        if following > int(network.broadcast_address):  # also catches wrapping past the top
            raise FunctionError(f"argument {position}: not enough remaining address space for a subnet "
                                f"with a prefix of {length} bits")
        current, current_length = following, length
        out.append(_subnet(network, following, length))
    return out


def _align(address: int, length: int, width: int) -> int:
    return address >> (width - length) << (width - length)


# ==========================================================================
