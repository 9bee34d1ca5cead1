"""The rules of an enrolment's life: a client in a programme moves between its stages, with a
note on their state. A programme's stages are its own rows, not an enum, so the table of moves
is read from the programme: from any stage, to any other stage of the same programme, the next
one unless another is chosen. Coaches and managers move the clients they see (the services load
the client through ``visible_clients``). The services of ``crm.coaching.programs``, the site's
programme board and the bot's "Next stage" button on a session's card go through these."""

from __future__ import annotations

from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.permissions import Actor, is_practitioner
from db.models import Enrolment, ProgramStage


def may_move_clients(actor: Actor) -> bool:
    """Enrol clients and move them between stages: coaches (of their clients) and managers."""
    return is_practitioner(actor)


def moves(enrolment: Enrolment) -> list[ProgramStage]:
    """The stages ``enrolment`` may move to, in the programme's order: every other stage."""
    return [stage for stage in enrolment.program.stages if stage.id != enrolment.stage_id]


def next_stage(enrolment: Enrolment) -> ProgramStage | None:
    """The stage after the client's, if there is one: where a move leads unless another is
    chosen."""
    position = next(
        stage.position for stage in enrolment.program.stages if stage.id == enrolment.stage_id
    )
    return next((stage for stage in moves(enrolment) if stage.position > position), None)


def check_move(enrolment: Enrolment, to_stage_id: int | None) -> ProgramStage:
    """The stage a move leads to (the next one when none is chosen), or the refusal people
    know: no stage ahead, a stage of another programme, the client's own stage."""
    if to_stage_id is None:
        target = next_stage(enrolment)
        if target is None:
            raise InvalidInput(N_("the client is at the last stage already"))
        return target
    if to_stage_id == enrolment.stage_id:
        raise InvalidInput(N_("the client is at that stage already"))
    for stage in moves(enrolment):
        if stage.id == to_stage_id:
            return stage
    raise NotFound(N_("that stage is not in the programme"), field="to_stage_id")


def actions(actor: Actor, enrolment: Enrolment) -> frozenset[str]:
    """What ``actor`` may do with ``enrolment``: ``move`` it to a stage of their choice (the
    site's board) and ``next``, to the stage ahead where there is one (the bot's "Next stage",
    and the board's choice by default); for coaches and managers. Each is checked again by the
    service that does it."""
    if not may_move_clients(actor) or not moves(enrolment):
        return frozenset()
    return frozenset({"move", "next"} if next_stage(enrolment) else {"move"})
