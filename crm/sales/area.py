"""Sales: companies, deals and their pipeline, interactions, tasks and events."""

from __future__ import annotations

from crm.areas import Area
from crm.sales.demo import PEOPLE, seed_sales
from crm.sales.timeline import deal_moves

AREA = Area(
    name="sales",
    position=40,
    timeline=(deal_moves,),
    demo=seed_sales,
    demo_people=PEOPLE,
)
