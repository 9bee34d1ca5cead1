"""The school's part of the dashboard."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm.permissions import is_staff
from crm.school.figures import contracts_by_status
from web.keys import db_session, employee


async def school_part(request: web.Request, _subject: None) -> dict[str, Any] | None:
    """The contracts the viewer may see, by status (nothing for who has no contract listing)."""
    viewer = employee(request)
    if not is_staff(viewer):
        return None
    return {"by_status": await contracts_by_status(db_session(request), actor=viewer)}
