"""The client's address behind trusted reverse proxies.

``X-Forwarded-For`` is believed only as far as it was written by proxies we trust: read from the
right (each proxy appends the address it saw), skipping trusted proxies, the first address that is
not one of them is the client. A client can put anything at the left of the header; it never
gets past a trusted proxy's own entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_address

Networks = tuple[IPv4Network | IPv6Network, ...]


def _trusted(address: str, networks: Networks) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(peer: str | None, forwarded_for: Iterable[str], networks: Networks) -> str:
    """The address to count attempts against: the peer, or what trusted proxies say it was."""
    if peer is None or not _trusted(peer, networks):
        return peer or ""
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop or peer
    return hops[0] if hops and hops[0] else peer
