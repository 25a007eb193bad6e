"""Client address resolution shared by login throttling and rate limits."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry TRUSTED_PROXY_COUNT hops from the right of
    X-Forwarded-For when the portal runs behind that many trusted reverse proxies. Entries a client
    wrote itself (to the left) are never used, so a spoofed header cannot pick another counter."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - an address value, not a bind
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]


# One IPv6 client (a home line, a phone, a hosting server) is given a whole /64 and may use any address in it.
IPV6_CLIENT_PREFIX = 64


def client_network(address: str) -> str:
    """The part of an address that stands for one client in rate limits: an IPv4 address itself, the /64 an IPv6
    address is in (an IPv4-mapped IPv6 address counts as its IPv4 address). Anything that is not an address is
    returned unchanged (it then counts on its own)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


def lockout_address(request: HttpRequest) -> str:
    """The address django-axes counts login failures under (AXES_CLIENT_IP_CALLABLE): the client's address, an IPv6
    client as the first address of its /64, so rotating addresses inside one's own /64 does not reset the lockout.
    Always a valid address (axes stores it in an address column)."""
    address = client_ip(request)
    network = client_network(address)
    if "/" in network:
        return network.split("/", 1)[0]
    return network if _is_address(network) else "0.0.0.0"  # noqa: S104 - an address value, not a bind


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
