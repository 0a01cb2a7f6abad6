"""The one function that writes the operation log."""

from __future__ import annotations

from typing import Iterable

from jumin.core import context

from .models import OperationLog


class MissingActor(RuntimeError):
    """A write or read of personal data was attempted without an actor (architecture rule 1)."""


def record(
    *,
    actor,
    kind: str,
    function: str,
    targets: Iterable[str] = (),
    my_number_accessed: bool = False,
    result: str = "ok",
    detail: dict | None = None,
) -> OperationLog:
    if actor is None or getattr(actor, "pk", None) is None:
        raise MissingActor("操作者が指定されていません。")
    ctx = context.current()
    return OperationLog.objects.create(
        actor=actor,
        office_code=getattr(getattr(actor, "office", None), "code", "") or "",
        terminal=ctx.terminal,
        channel=ctx.channel,
        request_id=ctx.request_id,
        kind=kind,
        function=function,
        target_atena_numbers=sorted(set(targets)),
        my_number_accessed=my_number_accessed,
        result=result,
        detail=detail or {},
    )
