"""Choosing a client by name or phone where a form needs one: suggestions as JSON while
typing, and without JavaScript a search step (type, submit, choose from the matches)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_
from crm.ids import looks_like_id, parse_id
from crm.people.clients import list_clients
from crm.people.phones import phone_search_digits
from db.models import Client, Employee
from web.forms import Field, Reader
from web.keys import db_session, employee

SUGGESTIONS = 10
CHOICES = 20
SEARCH_URL = "/clients/search"
# The most of a typed value a refusal repeats: enough to recognise it, never a page of it.
ECHOED = 40
# A suggestion as the input holds it once chosen: "#12 Maria Lopez (+34600123456)".
_CARD_NUMBER = re.compile(r"#(\d{1,12})(?:\s.*)?", re.DOTALL)
# Several clients in one input: "#6, #7 @olesya" (card numbers and usernames).
_SEVERAL = re.compile(r"[\s,;]+")


def client_label(client: Client) -> str:
    """How a client is named in suggestions and choices; starts with their card number."""
    phone = f" ({client.phone})" if client.phone else ""
    return f"#{client.id} {client.full_name}{phone}"


def card_number(typed: str) -> int | None:
    """The card number a typed value means: "#12 …" (a chosen suggestion) or a bare "12"
    (a phone written as digits is a search, not a number)."""
    typed = typed.strip()
    if found := _CARD_NUMBER.fullmatch(typed):
        return parse_id(found.group(1))
    if looks_like_id(typed) and phone_search_digits(typed) is None:
        return parse_id(typed)
    return None


async def client_search(request: web.Request) -> web.Response:
    """GET /clients/search?q=…: the first clients the viewer may see that match, as JSON."""
    search = Reader(request.query).text("q")  # type: ignore[arg-type]
    if not search.strip():
        return web.json_response([])
    found, _ = await list_clients(db_session(request), actor=employee(request), search=search)
    return web.json_response(
        [
            {
                "id": client.id,
                "name": client.full_name,
                "phone": client.phone,
                "label": client_label(client),
            }
            for client in found[:SUGGESTIONS]
        ]
    )


@dataclass
class Picked:
    """The client a form names (``client_id``), or the matches to choose from."""

    client_id: int | None = None
    matches: list[Client] = field(default_factory=list)


async def pick_client(session: AsyncSession, viewer: Employee, reader: Reader) -> Picked:
    """Read the form's client: a choice from the list, a card number, or a search; a search
    that finds nobody is an error next to the field (``reader.errors["client"]``)."""
    _ = reader.gettext
    chosen = reader.identifier("client_id", N_("Client id"))
    if chosen is not None or "client_id" in reader.errors:
        return Picked(chosen)
    typed = reader.text("client").strip()
    if not typed:
        reader.errors["client"] = _("Choose the client: type a name, a phone or a card number")
        return Picked()
    if (number := card_number(typed)) is not None:
        return Picked(number)
    if looks_like_id(typed) and phone_search_digits(typed) is None:
        reader.errors["client"] = _("Client id is out of range")
        return Picked()
    matches, _more = await list_clients(session, actor=viewer, search=typed)
    if not matches:
        shown = typed if len(typed) <= ECHOED else typed[: ECHOED - 1] + "…"
        reader.errors["client"] = _("No client matches “{text}”", text=shown)
    return Picked(matches=matches[:CHOICES])


def several_clients(reader: Reader, name: str) -> list[int | str]:
    """The clients an input names by card number (``#6``, ``6``) or ``@username``, apart or
    joined by commas; anything else is an error next to it (``reader.errors[name]``)."""
    _ = reader.gettext
    named: list[int | str] = []
    for typed in _SEVERAL.split(reader.text(name).strip()):
        if not typed:
            continue
        if typed.startswith("@") and len(typed) > 1:
            named.append(typed[1:])
        elif (number := card_number(typed)) is not None:
            named.append(number)
        else:
            reader.errors[name] = _(
                "“{typed}” is not a card number nor an @username", typed=typed[:40]
            )
    return named


def participants_field(value: str, error: str, _: Callable[..., str]) -> Field:
    """Who else takes part in a session, by card number or @username."""
    return Field(
        "participants",
        _("Other participants"),
        value=value,
        error=error,
        help=_("card numbers or @usernames of clients you may see, e.g. #6, #7, @olesya"),
    )


def client_fields(
    values: dict[str, str], errors: dict[str, str], picked: Picked, _: Callable[..., str]
) -> list[Field]:
    """The client input (with suggestions) and, after a search, the matches to choose from."""
    fields = [
        Field(
            "client",
            _("Client"),
            value=values.get("client", ""),
            required=True,
            error=errors.get("client", "") or errors.get("client_id", ""),
            help=_("a name, a phone number or the card's number"),
            suggest=SEARCH_URL,
        )
    ]
    if picked.matches:
        fields.append(
            Field(
                "client_id",
                _("Which client?"),
                "select",
                "",
                options=[("", _("— search again with the text above —"))]
                + [(str(client.id), client_label(client)) for client in picked.matches],
                help=_(
                    "Clients that match: {count}; choose one and save again",
                    count=len(picked.matches),
                ),
            )
        )
    return fields
