from __future__ import annotations

import uuid

from . import context


class RequestContextMiddleware:
    """Assigns a request id and records the terminal for every log row written by the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        if not (len(request_id) <= 64 and request_id.replace("-", "").isalnum()):
            request_id = uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "ui"
        ctx = context.RequestContext(
            request_id=request_id,
            terminal=(request.headers.get("X-Jumin-Terminal") or "")[:64],
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            channel=channel,
        )
        request.request_id = request_id
        token = context.set_current(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
