"""Sales: companies, deals and their pipeline, interactions, tasks and events."""

from __future__ import annotations

from crm.areas import Area

AREA = Area(name="sales", position=40)
