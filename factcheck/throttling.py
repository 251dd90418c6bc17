"""A request throttle that counts with the cache's atomic increment.

DRF's own throttles keep the time of every request in the period, read that list, append
and write it back: requests arriving together each read the same list, so twenty guesses at
once count as a few, and the list grows with the rate allowed. Here each caller (by the
throttle's cache key) has one counter that lives for one period from its first request,
added or incremented in one cache operation (Redis INCR when REDIS_URL is set).

A counter that cannot be reached (Redis down) lets the request through, and says so in the
log: the public API stays up with its pages, unthrottled until the cache is back.

A caller is its address, as `client_address` reads it: the admin's log-in lockout (axes)
counts by the same address.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest | Request) -> str:
    """Return the address of the client that sent the request.

    Anyone can send an X-Forwarded-For header, so it is read only when TRUSTED_PROXY_COUNT
    proxies stand in front of the web process: each appends the address it received from,
    so the client is the entry that many places from the right, the one the outermost
    trusted proxy wrote. Without proxies, or when the header is shorter than the chain (the
    request did not come through it) or not an address, the socket's address counts.
    """
    socket_address: str = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",")] if forwarded else []
    if proxies == 0 or len(hops) < proxies:
        return socket_address
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return socket_address


class CountingThrottle(SimpleRateThrottle):
    """At most `num_requests` per caller per `duration`, counted one by one."""

    num_requests: int | None  # set from the rate by SimpleRateThrottle.__init__
    duration: int | None

    def allow_request(self, request: Request, view: object) -> bool:
        if self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.key, self.now = key, self.timer()
        try:
            return self._count(self.duration) <= self.num_requests
        except (RedisError, OSError) as error:
            logger.warning("Throttle %r cannot count (%s): request let through.", self.scope, error)
            return True

    def _count(self, duration: int) -> int:
        """Count this request; return the caller's requests in the period so far."""
        if self.cache.add(self.key, 1, duration):
            self.cache.set(f"{self.key}:since", self.now, duration)
            return 1
        try:
            count: int = self.cache.incr(self.key)  # keeps the key's expiry
        except ValueError:  # expired between the two calls: a new period begins
            return 1
        return count

    def get_cache_key(self, request: Request, view: object) -> str | None:
        """The caller's address (subclasses may narrow what is counted)."""
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_ident(self, request: Request) -> str:
        """The caller's address, never taken from a header a proxy we trust did not write."""
        return client_address(request)

    def wait(self) -> float | None:
        since = self.cache.get(f"{self.key}:since")
        return None if since is None else max(since + (self.duration or 0) - self.now, 0)
