"""The programmes' report (``/reports/programs``): per programme and stage, the clients there now
and the time they spent there. The definitions are crm/coaching/periods.py's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crm.periods import SECONDS_PER_DAY, as_decimal, count_if, seconds_between
from crm.permissions import Actor, require_staff
from crm.visibility import visible_clients
from db.base import UTCDateTime
from db.models import (
    Client,
    Enrolment,
    Program,
    ProgramStage,
    StageMove,
)

# Per programme ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    stage_id: int
    position: int
    name: str
    now: int  # clients at this stage now
    stays: int  # arrivals at this stage (each a stay, finished or not)
    ongoing: int  # stays not finished: the client is still there
    average_days: Decimal | None
    median_days: Decimal | None


@dataclass(frozen=True)
class ProgramFigures:
    program_id: int
    name: str
    stages: list[StageFigures]

    @property
    def clients(self) -> int:
        return sum(stage.now for stage in self.stages)


async def program_figures(
    session: AsyncSession, *, actor: Actor, now: datetime
) -> list[ProgramFigures]:
    """Per programme and stage: the clients there now and the time spent there (average and
    median, in days), from the history of moves of the clients the viewer may see."""
    viewer = require_staff(actor)
    theirs = Enrolment.client_id.in_(select(Client.id).where(visible_clients(viewer)))
    at_stage = {
        stage_id: int(count)
        for stage_id, count in await session.execute(
            select(Enrolment.stage_id, func.count()).where(theirs).group_by(Enrolment.stage_id)
        )
    }
    stays = (
        select(
            StageMove.to_stage_id.label("stage_id"),
            StageMove.at.label("arrived"),
            func.lead(StageMove.at)
            .over(partition_by=StageMove.enrolment_id, order_by=(StageMove.at, StageMove.id))
            .label("left"),
        )
        .join(Enrolment, Enrolment.id == StageMove.enrolment_id)
        .where(theirs)
        .subquery()
    )
    until = func.coalesce(stays.c.left, literal(now, UTCDateTime()))
    timed = select(
        stays.c.stage_id,
        seconds_between(session, stays.c.arrived, until).label("seconds"),
        stays.c.left.is_(None).label("ongoing"),
    ).subquery()
    averages = {
        stage_id: (int(count), int(ongoing or 0), average)
        for stage_id, count, ongoing, average in await session.execute(
            select(
                timed.c.stage_id,
                func.count(),
                count_if(timed.c.ongoing),
                func.avg(timed.c.seconds),
            ).group_by(timed.c.stage_id)
        )
    }
    ordered = select(
        timed.c.stage_id,
        timed.c.seconds,
        func.row_number()
        .over(partition_by=timed.c.stage_id, order_by=timed.c.seconds)
        .label("rank"),
        func.count().over(partition_by=timed.c.stage_id).label("count"),
    ).subquery()
    # The middle stay, or the mean of the two middle ones.
    middle = or_(
        ordered.c.rank == (ordered.c.count + 1) // 2, ordered.c.rank == (ordered.c.count + 2) // 2
    )
    medians = {
        stage_id: seconds
        for stage_id, seconds in await session.execute(
            select(ordered.c.stage_id, func.avg(ordered.c.seconds))
            .where(middle)
            .group_by(ordered.c.stage_id)
        )
    }
    stages = await session.execute(
        select(Program.id, Program.name, ProgramStage.id, ProgramStage.position, ProgramStage.name)
        .join(ProgramStage, ProgramStage.program_id == Program.id)
        .order_by(Program.name, Program.id, ProgramStage.position)
    )
    programs: dict[int, ProgramFigures] = {}
    for program_id, program_name, stage_id, position, stage_name in stages:
        program = programs.setdefault(program_id, ProgramFigures(program_id, program_name, []))
        count, ongoing, average = averages.get(stage_id, (0, 0, None))
        program.stages.append(
            StageFigures(
                stage_id=stage_id,
                position=position,
                name=stage_name,
                now=at_stage.get(stage_id, 0),
                stays=count,
                ongoing=ongoing,
                average_days=_days(average),
                median_days=_days(medians.get(stage_id)),
            )
        )
    return list(programs.values())


def _days(seconds: Any) -> Decimal | None:
    if seconds is None:
        return None
    return (as_decimal(seconds) / SECONDS_PER_DAY).quantize(Decimal("0.1"))
