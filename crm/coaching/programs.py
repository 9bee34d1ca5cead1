"""Programmes with ordered stages: enrolling a client, moving them to another stage with a note
on their state, and the history of their moves. Coaches and managers move clients; the stage
moves are what the per-programme report counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from crm.coaching.enrolment_rules import actions, check_move
from crm.coaching.rules import may_coach
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import N_, NP_
from crm.ids import MAX_ID
from crm.people.clients import visible_client
from crm.people.names import clean_name, clean_text
from crm.permissions import Actor, is_manager, is_practitioner, require_manager, require_staff
from crm.visibility import visible_clients
from db.models import Client, Employee, Enrolment, Product, Program, ProgramStage, StageMove


async def create_program(
    session: AsyncSession, *, actor: Actor, name: str, stages: list[str], description: str = ""
) -> Program:
    """A programme with its stages in order (owners and administrators)."""
    require_manager(actor)
    cleaned = clean_name(name, "name")
    names = _stage_names(stages)
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
    client = await visible_client(session, coach, client_id)
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
    note on their state (``crm.coaching.enrolment_rules``); the move is kept in the history."""
    coach = may_coach(actor)
    enrolment = await _enrolment(session, enrolment_id)
    await visible_client(session, coach, enrolment.client_id)
    target = check_move(enrolment, to_stage_id)
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


def _stage_names(stages: list[str]) -> list[str]:
    names = [clean_name(stage, "stages") for stage in stages if stage.strip()]
    if len(names) < 2:
        raise InvalidInput(N_("a programme has at least two stages"), field="stages")
    if len(set(names)) != len(names):
        raise InvalidInput(N_("each stage of a programme has a name of its own"), field="stages")
    return names


@dataclass(frozen=True)
class ProgramSummary:
    program: Program
    enrolled: int  # the clients in it now that the viewer may see


async def program_list(session: AsyncSession, *, actor: Actor) -> list[ProgramSummary]:
    """Every programme with its stages and how many clients are in it (those the viewer may
    see), by name (staff)."""
    require_staff(actor)
    enrolled = (
        select(Enrolment.program_id, func.count().label("clients"))
        .join(Client, Client.id == Enrolment.client_id)
        .where(visible_clients(actor))
        .group_by(Enrolment.program_id)
        .subquery()
    )
    found = await session.execute(
        select(Program, func.coalesce(enrolled.c.clients, 0))
        .outerjoin(enrolled, enrolled.c.program_id == Program.id)
        .options(selectinload(Program.stages))
        .order_by(Program.name, Program.id)
    )
    return [ProgramSummary(program, int(count)) for program, count in found.all()]


async def program_to_change(session: AsyncSession, *, actor: Actor, program_id: int) -> Program:
    """A programme for its keepers' forms, with its stages."""
    require_manager(actor)
    return await _program(session, program_id)


async def _program(session: AsyncSession, program_id: int) -> Program:
    program = None
    if 0 < program_id <= MAX_ID:
        program = await session.scalar(
            select(Program)
            .where(Program.id == program_id)
            .options(selectinload(Program.stages))
            .execution_options(populate_existing=True)
        )
    if program is None:
        raise NotFound(N_("that programme does not exist"))
    return program


@dataclass(frozen=True)
class Move:
    """One line of an enrolment's history."""

    from_stage: str | None  # None: the client's start
    to_stage: str
    client_state: str | None
    by: str | None
    at: datetime


@dataclass(frozen=True)
class Place:
    """A client at a stage: since when, the moves that led there, and what the viewer may do
    with the enrolment (``crm.coaching.enrolment_rules.actions``)."""

    enrolment: Enrolment
    client: Client
    since: datetime
    days: int
    history: list[Move]
    actions: frozenset[str]


@dataclass(frozen=True)
class StageColumn:
    stage: ProgramStage
    places: list[Place]


@dataclass(frozen=True)
class ProgramBoard:
    program: Program
    stages: list[StageColumn]
    may_move: bool  # the viewer enrols clients
    may_keep: bool  # the viewer changes and deletes the programme


async def program_board(
    session: AsyncSession, *, actor: Actor, program_id: int, now: datetime
) -> ProgramBoard:
    """The programme's stages in order with the clients the viewer may see at each, how long
    they have been there, and each one's moves (staff)."""
    require_staff(actor)
    program = await _program(session, program_id)
    enrolments = list(
        await session.scalars(
            select(Enrolment)
            .join(Client, Client.id == Enrolment.client_id)
            .where(Enrolment.program_id == program.id, visible_clients(actor))
            .options(
                selectinload(Enrolment.client),
                selectinload(Enrolment.moves),
                selectinload(Enrolment.program),  # the one above, with its stages
            )
            .order_by(Client.full_name, Enrolment.id)
        )
    )
    movers = {move.by_id for each in enrolments for move in each.moves if move.by_id}
    by_name = dict(
        (
            await session.execute(
                select(Employee.id, Employee.full_name).where(Employee.id.in_(movers))
            )
        ).all()
        if movers
        else {}
    )
    names = {stage.id: stage.name for stage in program.stages}
    columns = {stage.id: StageColumn(stage, []) for stage in program.stages}
    for each in enrolments:
        history = [
            Move(
                names.get(move.from_stage_id) if move.from_stage_id else None,
                names.get(move.to_stage_id, "—"),
                move.client_state,
                by_name.get(move.by_id) if move.by_id else None,
                move.at,
            )
            for move in each.moves
        ]
        since = each.moves[-1].at if each.moves else each.started_at
        columns[each.stage_id].places.append(
            Place(
                each,
                each.client,
                since,
                max((now - since).days, 0),
                history,
                actions(actor, each),
            )
        )
    return ProgramBoard(
        program,
        list(columns.values()),
        may_move=is_practitioner(actor),
        may_keep=is_manager(actor),
    )


async def update_program(
    session: AsyncSession,
    *,
    actor: Actor,
    program_id: int,
    name: str,
    stages: list[str],
    description: str = "",
) -> Program:
    """Change a programme's name, description and stages (owners and administrators). A stage
    keeps its clients and history while its name stays in the list, at its new place; a stage
    with clients on it, or in a client's history, is not removed."""
    require_manager(actor)
    program = await _program(session, program_id)
    cleaned = clean_name(name, "name")
    names = _stage_names(stages)
    taken = await session.scalar(
        select(Program.id).where(Program.name == cleaned, Program.id != program.id)
    )
    if taken is not None:
        raise Conflict(N_("there is already a programme called {name}"), name=cleaned)
    kept = {stage.name: stage for stage in program.stages}
    gone = [stage for stage in program.stages if stage.name not in names]
    for stage in gone:
        clients = await session.scalar(
            select(func.count()).select_from(Enrolment).where(Enrolment.stage_id == stage.id)
        )
        if clients:
            raise InvalidInput(
                NP_(
                    "the stage {stage} has {count} client on it: move them to another stage "
                    "before removing it",
                    "the stage {stage} has {count} clients on it: move them to another stage "
                    "before removing it",
                ),
                field="stages",
                stage=stage.name,
                count=clients,
            )
        in_history = await session.scalar(
            select(StageMove.id)
            .where(or_(StageMove.to_stage_id == stage.id, StageMove.from_stage_id == stage.id))
            .limit(1)
        )
        if in_history is not None:
            raise InvalidInput(
                N_("the stage {stage} is in clients' history of moves: it stays in the programme"),
                field="stages",
                stage=stage.name,
            )
    program.name = cleaned
    program.description = clean_text(description, required=False) or None
    for stage in gone:
        program.stages.remove(stage)
    # Out of the way first: each position is unique within the programme at every moment.
    for offset, stage in enumerate(program.stages, 1):
        stage.position = -offset
    await session.flush()
    ordered = []
    for position, stage_name in enumerate(names, 1):
        stage = kept.get(stage_name) or ProgramStage(name=stage_name)
        stage.position = position
        ordered.append(stage)
    program.stages = ordered
    await session.flush()
    return program


async def delete_program(session: AsyncSession, *, actor: Actor, program_id: int) -> None:
    """Delete a programme nobody is enrolled in (owners and administrators); its products stay,
    tied to no programme."""
    require_manager(actor)
    program = await _program(session, program_id)
    clients = await session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.program_id == program.id)
    )
    if clients:
        raise Conflict(
            NP_(
                "{count} client is enrolled in {name}: a programme with clients is not deleted",
                "{count} clients are enrolled in {name}: a programme with clients is not deleted",
            ),
            count=clients,
            name=program.name,
        )
    await session.execute(
        update(Product).where(Product.program_id == program.id).values(program_id=None)
    )
    await session.delete(program)
    await session.flush()
