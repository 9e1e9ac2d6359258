"""A client's network, the unit of the per-address limits and of the report hold."""

from __future__ import annotations

import pytest

from app.networks import network_of


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 through a dual-stack socket
        ("::FFFF:cb00:7107", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::1", "::/64"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_its_64_and_ipv4_is_itself_however_written(address, network):
    assert network_of(address) == network
