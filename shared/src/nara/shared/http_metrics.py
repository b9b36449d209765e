"""HTTP request metrics for Prometheus, as a plain ASGI middleware: the error-rate and latency alerts read them.

Labels are the route template (`/api/v1/appointments/{appointment_id}`), never the raw path, so no id or
personnummer from a URL ever becomes a label; a path no route matched is `unmatched`.
"""

from __future__ import annotations

from time import perf_counter

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Probes and scrapes would swamp the request figures people alert on.
UNMEASURED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"

# Finer at the low end than the library's default: the booking hot path answers in milliseconds.
REQUEST_DURATION = Histogram(
    "nara_http_request_duration_seconds",
    "Time from a request's arrival until its response status was sent (a stream counts until it opens)",
    ["service", "method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class HttpMetricsMiddleware:
    """Observes each HTTP request once, when its response starts (or when it fails before that, as a 500).

    Timing to the response start keeps server-sent-event streams and background tasks out of the latency.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        # labels() takes a lock and builds a key on every call; the label sets are few, so keep their children.
        self._children: dict[tuple[str, str, int], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNMEASURED_PATHS:
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        root_path = scope.get("root_path", "")  # a mount lengthens it in place; the difference is the mount point
        observed = False

        async def send_and_observe(message: Message) -> None:
            nonlocal observed
            if message["type"] == "http.response.start" and not observed:
                observed = True
                self._observe(scope, root_path, message["status"], perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, send_and_observe)
        except Exception:  # not a cancellation: that is the server stopping or the client gone, not an answer
            if not observed:  # the server answers 500 for what escaped the app
                observed = True
                self._observe(scope, root_path, 500, perf_counter() - started)
            raise

    def _observe(self, scope: Scope, root_path: str, status: int, seconds: float) -> None:
        method = scope["method"]
        if method not in KNOWN_METHODS:  # any client can invent a method; the label set must stay small
            method = "other"
        key = (method, route_template(scope, root_path), status)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = REQUEST_DURATION.labels(self.service, method, key[1], str(status))
        child.observe(seconds)


def route_template(scope: Scope, root_path: str = "") -> str:
    """The matched route's path template, as the routers left it in the scope; `unmatched` when nothing matched.

    FastAPI keeps a route of an included router with the router's own path and puts the whole template
    (with the prefix it was included under) in its effective route context, so that is read first. A mount
    lengthens root_path; the part it added is the mount point, and a mounted app's own routes follow it.
    """
    mount_point: str = scope.get("root_path", "")[len(root_path) :]
    context = scope.get("fastapi", {}).get("effective_route_context")
    template: str | None = getattr(context, "path_format", None) or getattr(scope.get("route"), "path_format", None)
    if template:
        return mount_point + template
    if mount_point and "endpoint" in scope:  # an app with no routes of its own, like static files
        return mount_point + "/{path}"
    return UNMATCHED
