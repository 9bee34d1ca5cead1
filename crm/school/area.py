"""The language school: languages and their prices, contracts for lessons, payments."""

from __future__ import annotations

from crm.areas import Area
from crm.school.client_staff import contract_teachers
from crm.school.demo import PEOPLE, seed_school
from crm.school.timeline import contract_events, payment_events

AREA = Area(
    name="school",
    client_staff=contract_teachers,
    position=20,
    timeline=(contract_events, payment_events),
    demo=seed_school,
    demo_people=PEOPLE,
)
