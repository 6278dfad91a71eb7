"""The client's address, as every login throttle and rate limit counts it.

Behind the production proxy every request arrives from the proxy's own address (`REMOTE_ADDR`); the proxy appends
the address it received the request from to `X-Forwarded-For`. With `TRUSTED_PROXY_COUNT` proxies in front of the
portal, the client is the entry that the first of them appended: the `TRUSTED_PROXY_COUNT`-th from the right.
Entries further left were written by the client itself and are never trusted. With no proxy configured (the
embedded default) the header is ignored altogether, so that a client cannot choose its own address.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client behind the configured number of trusted proxies ("" if there is none)."""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped a proxy; the leftmost entry is the earliest one known.
    chosen = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _valid(chosen) or remote


def client_key(group, request) -> str:
    """django-ratelimit's key function: the same client address as the login throttle."""
    return client_address(request)
