from __future__ import annotations

import uuid

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

from . import context

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


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
        if not request.path.startswith(STATIC_PREFIX):
            # personal data must not stay in browser or proxy caches (番号法第12条 安全管理措置)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
