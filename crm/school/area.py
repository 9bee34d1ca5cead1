"""The language school: languages and their prices, contracts for lessons, payments."""

from __future__ import annotations

from crm.areas import Area, NoticeKind
from crm.i18n import N_
from crm.school.client_staff import contract_teachers
from crm.school.demo import PEOPLE, seed_school
from crm.school.hooks import CONTRACT_PAID, CONTRACT_SIGNED
from crm.school.timeline import contract_events, payment_events
from db.enums import SubjectKind

AREA = Area(
    name="school",
    client_staff=contract_teachers,
    position=20,
    timeline=(contract_events, payment_events),
    demo=seed_school,
    demo_people=PEOPLE,
    notices=(NoticeKind("contract", N_("Contracts"), (SubjectKind.CONTRACT,)),),
    webhooks=(CONTRACT_SIGNED, CONTRACT_PAID),
)
