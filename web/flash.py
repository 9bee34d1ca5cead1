"""One-time messages shown on the next page ("Saved.")."""

from aiohttp import web
from aiohttp_session import get_session


async def flash(request: web.Request, message: str) -> None:
    session = await get_session(request)
    session["flash"] = [*session.get("flash", []), message]


async def take_flashes(request: web.Request) -> list[str]:
    session = await get_session(request)
    messages = list(session.pop("flash", []))
    return messages
