"""The service desk: clients' requests (tickets) worked through a queue by the staff."""

from __future__ import annotations

from crm.areas import Area
from crm.demo.tickets import PEOPLE, seed_tickets
from crm.overview.timeline import ticket_events
from crm.tickets.digest import ticket_digest

AREA = Area(
    name="tickets",
    position=10,
    digest=ticket_digest,
    timeline=(ticket_events,),
    demo=seed_tickets,
    demo_people=PEOPLE,
)
