"""Programmes with ordered stages: enrolling a client, moving them to another stage with a note
on their state, and the history of their moves. Coaches and managers move clients; the stage
moves are what the per-programme report counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching_rules import may_coach
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_
from crm.names import clean_name, clean_text
from crm.permissions import Actor, require_manager, require_staff
from crm.visibility import visible_clients
from db.models import Client, Enrolment, Program, ProgramStage, StageMove


async def create_program(
    session: AsyncSession, *, actor: Actor, name: str, stages: list[str], description: str = ""
) -> Program:
    """A programme with its stages in order (owners and administrators)."""
    require_manager(actor)
    cleaned = clean_name(name, "name")
    names = [clean_name(stage, "stages") for stage in stages]
    if len(names) < 2:
        raise InvalidInput(N_("a programme has at least two stages"), field="stages")
    if await session.scalar(select(Program.id).where(Program.name == cleaned)) is not None:
        raise Conflict(N_("there is already a programme called {name}"), name=cleaned)
    program = Program(
        name=cleaned,
        description=clean_text(description, required=False) or None,
        stages=[ProgramStage(position=n, name=stage) for n, stage in enumerate(names, 1)],
    )
    session.add(program)
    await session.flush()
    return program


async def _client_for(session: AsyncSession, actor: Actor, client_id: int) -> Client:
    client = await session.scalar(
        select(Client).where(Client.id == client_id, visible_clients(actor))
    )
    if client is None:
        raise NotFound(N_("that client does not exist"))
    return client


async def _enrolment(session: AsyncSession, enrolment_id: int) -> Enrolment:
    found = await session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            selectinload(Enrolment.program).selectinload(Program.stages),
            selectinload(Enrolment.stage),
            selectinload(Enrolment.moves),
        )
    )
    if found is None:
        raise NotFound(N_("that enrolment does not exist"))
    return found


async def enrol(
    session: AsyncSession, *, actor: Actor, client_id: int, program_id: int, now: datetime
) -> Enrolment:
    """The client starts the programme at its first stage (a coach of theirs, managers)."""
    coach = may_coach(actor)
    client = await _client_for(session, coach, client_id)
    program = await session.scalar(
        select(Program).where(Program.id == program_id).options(selectinload(Program.stages))
    )
    if program is None:
        raise NotFound(N_("that programme does not exist"))
    taken = await session.scalar(
        select(Enrolment.id).where(
            Enrolment.client_id == client.id, Enrolment.program_id == program.id
        )
    )
    if taken is not None:
        raise Conflict(
            N_("{name} is already in {program}"), name=client.full_name, program=program.name
        )
    first = program.stages[0]
    enrolment = Enrolment(client=client, program=program, stage=first, started_at=now, moves=[])
    enrolment.moves.append(
        StageMove(from_stage_id=None, to_stage_id=first.id, by_id=coach.id, at=now)
    )
    session.add(enrolment)
    await session.flush()
    return enrolment


async def move_stage(
    session: AsyncSession,
    *,
    actor: Actor,
    enrolment_id: int,
    now: datetime,
    client_state: str = "",
    to_stage_id: int | None = None,
) -> Enrolment:
    """Move the client to another stage of the programme (the next one unless given), with a
    note on their state; the move is kept in the history."""
    coach = may_coach(actor)
    enrolment = await _enrolment(session, enrolment_id)
    await _client_for(session, coach, enrolment.client_id)
    stages = enrolment.program.stages
    if to_stage_id is None:
        later = [stage for stage in stages if stage.position > enrolment.stage.position]
        if not later:
            raise InvalidInput(N_("the client is at the last stage already"))
        target = later[0]
    else:
        found = [stage for stage in stages if stage.id == to_stage_id]
        if not found:
            raise NotFound(N_("that stage is not in the programme"), field="to_stage_id")
        target = found[0]
    if target.id == enrolment.stage_id:
        raise InvalidInput(N_("the client is at that stage already"))
    enrolment.moves.append(
        StageMove(
            from_stage_id=enrolment.stage_id,
            to_stage_id=target.id,
            client_state=clean_text(client_state, required=False, field="client_state") or None,
            by_id=coach.id,
            at=now,
        )
    )
    enrolment.stage = target
    await session.flush()
    return enrolment


async def enrolments_of(session: AsyncSession, *, actor: Actor, client_id: int) -> list[Enrolment]:
    """The programmes a client card ``actor`` may open takes part in, with the current stage."""
    require_staff(actor)
    found = await session.scalars(
        select(Enrolment)
        .where(
            Enrolment.client_id == client_id,
            Enrolment.client_id.in_(select(Client.id).where(visible_clients(actor))),
        )
        .options(
            selectinload(Enrolment.program).selectinload(Program.stages),
            selectinload(Enrolment.stage),
        )
        .order_by(Enrolment.started_at.desc(), Enrolment.id.desc())
    )
    return list(found)
