"""Request context: request id, terminal and place of entry (標準仕様書 j1370 入力場所・入力端末).

Services receive the actor explicitly; this context only carries what is recorded beside it."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    terminal: str = ""
    remote_addr: str = ""
    channel: str = "system"  # ui / api / batch / system


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "jumin_request_context", default=None
)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(request_id=uuid.uuid4().hex, channel="system")
    return ctx


def set_current(ctx: RequestContext | None) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
