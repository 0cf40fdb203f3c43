"""Request guards and response hygiene: security headers, per-client rate limits, access logs.

Rate limits are counted per worker process (each gunicorn worker keeps its own window), so the
effective limit with N workers is at most N times the configured one; put a shared limiter in a
reverse proxy for a strict global limit.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
import time
from collections import deque

from flask import Flask, Response, g, request

from ..errors import TooManyRequests

ACCESS_LOG = logging.getLogger("shnor_kg.access")
RATE_LIMITED_PREFIXES = ("/sparql", "/api/")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class RateLimiter:
    """A sliding one-minute window of request times per client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def check(self, client: str, now: float | None = None) -> None:
        """Count one request; raise TooManyRequests (with ``retry_after`` seconds) past the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                retry = max(1, math.ceil(60 - (now - hits[0])))
                raise TooManyRequests(f"more than {self.per_minute} requests a minute from {client}; retry in {retry} s", retry_after=retry)
            hits.append(now)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _access_record(response: Response) -> dict:
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "client": request.remote_addr,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
        "bytes": response.calculate_content_length(),
        "rows": _int_header(response, "X-Shnor-Rows"),
        "truncated": response.headers.get("X-Shnor-Truncated") == "true",
        "error": g.get("error_code"),
    }


def _int_header(response: Response, name: str) -> int | None:
    value = response.headers.get(name)
    return int(value) if value and value.isdigit() else None


def configure_access_log() -> None:
    """One JSON line per request on stderr (idempotent)."""
    if not ACCESS_LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS_LOG.addHandler(handler)
        ACCESS_LOG.setLevel(logging.INFO)
        ACCESS_LOG.propagate = False


def install(app: Flask, *, rate_limit: int) -> None:
    """Register the guards on an application."""
    limiter = RateLimiter(rate_limit) if rate_limit > 0 else None

    @app.before_request
    def _before() -> None:
        g.started = time.perf_counter()
        if limiter and request.path.startswith(RATE_LIMITED_PREFIXES) and request.method != "OPTIONS":
            limiter.check(request.remote_addr or "unknown")

    @app.after_request
    def _after(response: Response) -> Response:
        _security_headers(response)
        if ACCESS_LOG.isEnabledFor(logging.INFO):
            ACCESS_LOG.info(json.dumps(_access_record(response), ensure_ascii=False))
        return response
