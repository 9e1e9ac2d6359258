"""Which network a client is on: the unit of the per-address limits and of the report hold.

An IPv6 connection, at home or at the office, is given a /64 (RFC 6177) and a client may use
any of its 2^64 addresses, one a request: counted by address, each request was a network of
its own, past every limit and the hold's three networks. An IPv4 address also arrives written
as IPv6 (::ffff:203.0.113.7) through a dual-stack socket or a proxy: it is the same network.
"""

from __future__ import annotations

import ipaddress

from flask_limiter.util import get_remote_address

IPV6_NETWORK_BITS = 64


def network_of(address: str) -> str:
    """`address` as its network: an IPv4 address as itself, an IPv6 address by its /64.

    Anything that is not an address (a test client's, a unix socket's) is kept as it is.
    """
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_NETWORK_BITS), strict=False))
    return str(parsed)


def client_network() -> str:
    """The request's client as a network (behind PROXY_COUNT trusted proxies, the citizen's)."""
    return network_of(get_remote_address())
