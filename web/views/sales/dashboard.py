"""Sales' part of the dashboard: the open deals the viewer may see, by stage."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.permissions import is_manager
from crm.sales.pipeline import column_heads
from crm.sales.rules import OPEN_STAGES, PIPELINE, sees_deals
from web.keys import db_session, employee


async def sales_part(request: web.Request, _subject: None) -> dict[str, Any] | None:
    """The open stages' counts and values (from the kept totals); nothing for whoever has no
    deals to see, or none open but a manager."""
    viewer = employee(request)
    if not sees_deals(viewer):
        return None
    heads = await column_heads(db_session(request), viewer)
    shown = [heads[stage] for stage in PIPELINE if stage in OPEN_STAGES]
    if not is_manager(viewer) and not any(head.count for head in shown):
        return None
    return {"columns": shown}
