"""The rules of a deal's life and of tasks: the stages and their moves, who may do what, and
when a task is overdue. The bot, the site and the demo go through these, so each rule is stated
once.

A deal starts ``new`` and moves between the open stages (``new``, ``qualified``, ``proposal``,
``negotiation``) in any order; ``won`` and ``lost`` end it, and ``lost`` needs a reason. A task
is open until done, and overdue when its due time has passed while open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from crm.errors import InvalidInput, PermissionDenied
from crm.i18n import N_, Word
from crm.permissions import Actor, is_manager, is_practitioner, is_staff
from db.enums import DealStage, InteractionKind
from db.models import Deal, Task

D = DealStage

STAGE_NAMES = {
    D.NEW: N_("new"),
    D.QUALIFIED: N_("qualified"),
    D.PROPOSAL: N_("proposal"),
    D.NEGOTIATION: N_("negotiation"),
    D.WON: N_("won"),
    D.LOST: N_("lost"),
}

INTERACTION_KIND_NAMES = {
    InteractionKind.EMAIL: N_("email"),
    InteractionKind.CALL: N_("call"),
    InteractionKind.MEETING: N_("meeting"),
    InteractionKind.CHAT: N_("chat"),
    InteractionKind.NOTE: N_("note"),
}
# What people log by hand; ``chat`` is what Telegram carried, read where it is.
LOGGED_KINDS = (
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.EMAIL,
    InteractionKind.NOTE,
)

# The pipeline in its order, as the board shows its columns.
PIPELINE = (D.NEW, D.QUALIFIED, D.PROPOSAL, D.NEGOTIATION, D.WON, D.LOST)
OPEN_STAGES = frozenset({D.NEW, D.QUALIFIED, D.PROPOSAL, D.NEGOTIATION})
FINAL_STAGES = frozenset({D.WON, D.LOST})

# The chance a deal in each stage is won, for the weighted forecast (a common default of
# pipeline tools; won counts whole, lost nothing).
WIN_CHANCE = {
    D.NEW: Decimal("0.10"),
    D.QUALIFIED: Decimal("0.25"),
    D.PROPOSAL: Decimal("0.50"),
    D.NEGOTIATION: Decimal("0.75"),
    D.WON: Decimal(1),
    D.LOST: Decimal(0),
}

# The longest reason a lost deal keeps.
MAX_REASON = 2000
# The longest notes an interaction keeps: more than a Telegram message holds, far less than a
# document (the deal page and the client's log show them whole).
MAX_NOTES = 5000


def may_work_on(actor: Actor, deal: Deal) -> bool:
    """Move a deal, log on it, add its tasks: its owner, owners and administrators."""
    return is_manager(actor) or (is_practitioner(actor) and deal.owner_id == actor.id)


Who = Callable[[Actor, Deal], bool]

# The moves of a deal's life and who may make each; the services, the bot's card and the site's
# forms all read it: any open stage to any other open stage, or to won or lost; nothing leads
# out of won or lost.
MOVES: dict[DealStage, dict[DealStage, Who]] = {
    stage: {to: may_work_on for to in PIPELINE if to is not stage} if stage in OPEN_STAGES else {}
    for stage in PIPELINE
}


def parse_stage(word: str) -> DealStage:
    """A stage from what a person typed: ``negotiation``, ``Won``."""
    normalized = "_".join(word.strip().lower().replace("-", " ").split())
    try:
        return DealStage(normalized)
    except ValueError:
        raise InvalidInput(
            N_("unknown stage {stage}; use one of: {choices}"),
            field="stage",
            stage=word,
            choices=", ".join(stage.value for stage in PIPELINE),
        ) from None


def require(allowed: bool) -> None:
    """PermissionDenied unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(N_("You may not do this with that deal."))


def may_move(actor: Actor, deal: Deal, to: DealStage) -> bool:
    """Whether ``MOVES`` leads from the deal's stage to ``to`` and lets ``actor`` take it."""
    who = MOVES[deal.stage].get(to)
    return who is not None and who(actor, deal)


def check_reason(to: DealStage, reason: str | None) -> str | None:
    """The reason a move keeps: required (and at most ``MAX_REASON`` characters) for lost,
    none for any other stage."""
    if to is not D.LOST:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("say why the deal was lost"), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            N_("the reason is too long ({length} characters; {most} at most)"),
            field="reason",
            length=len(reason),
            most=MAX_REASON,
        )
    return reason


def check_notes(notes: str | None) -> None:
    """Refuse an interaction's notes longer than ``MAX_NOTES`` (stripped, as they are kept)."""
    length = len((notes or "").strip())
    if length > MAX_NOTES:
        raise InvalidInput(
            N_("the text is longer than {length} characters"), field="notes", length=MAX_NOTES
        )


def check_move(actor: Actor, deal: Deal, to: DealStage, reason: str | None) -> str | None:
    """Refuse a move ``MOVES`` does not hold (a deal already there, one that is over), or a
    lost without its reason; PermissionDenied for someone the move is not for. Returns the
    reason to keep."""
    check_path(actor, deal, to)
    return check_reason(to, reason)


def check_path(actor: Actor, deal: Deal, to: DealStage) -> None:
    """Refuse a move ``MOVES`` does not hold or not for ``actor`` (the reason aside: what the
    bot checks before it asks why a deal was lost)."""
    if to is deal.stage:
        raise InvalidInput(
            N_("deal #{deal_id} is already {stage}"),
            field="stage",
            deal_id=deal.id,
            stage=Word(STAGE_NAMES[to]),
        )
    if to not in MOVES[deal.stage]:
        raise InvalidInput(
            N_("deal #{deal_id} is {stage}: it is over and moves no more"),
            field="stage",
            deal_id=deal.id,
            stage=Word(STAGE_NAMES[deal.stage]),
        )
    require(may_move(actor, deal, to))


def check_seen(deal: Deal, seen_at: DealStage | None) -> None:
    """Refuse a move pressed on a view of the deal at another stage than it is now (someone
    moved it meanwhile): the person looks again before moving it."""
    if seen_at is not None and seen_at is not deal.stage:
        raise InvalidInput(
            N_("deal #{deal_id} has moved to {stage} meanwhile; look at it again"),
            field="stage",
            deal_id=deal.id,
            stage=Word(STAGE_NAMES[deal.stage]),
        )


def moves_for(actor: Actor, deal: Deal) -> list[DealStage]:
    """The stages ``actor`` may move ``deal`` to, in the pipeline's order."""
    return [to for to in PIPELINE if may_move(actor, deal, to)]


def actions(actor: Actor, deal: Deal) -> frozenset[str]:
    """What ``actor`` may do with ``deal`` now, as the bot's card and the site's page both offer
    it: ``move`` (to the stages ``moves_for`` names), ``log`` an interaction and add a ``task``
    (its owner and managers, while it is open; managers also on one that is over), ``edit``
    (the same) and ``delete`` (owners and administrators). Each is checked again by the service
    that does it."""
    found: set[str] = set()
    if moves_for(actor, deal):
        found.add("move")
    if may_work_on(actor, deal) and (deal.stage in OPEN_STAGES or is_manager(actor)):
        found |= {"log", "task", "edit"}
    if is_manager(actor):
        found.add("delete")
    return frozenset(found)


def sees_deals(actor: Actor) -> bool:
    """Whether the deals (the board, the list, /deals) are for ``actor`` at all: everyone on
    staff, each seeing those ``crm.visibility.visible_deals`` gives them; never a client."""
    return is_staff(actor)


def may_create_deal(actor: Actor, owner_id: int | None) -> bool:
    """Owners and administrators open a deal for anyone; a specialist their own."""
    return is_manager(actor) or (is_practitioner(actor) and owner_id == actor.id)


def check_owner(actor: Actor, owner_id: int | None) -> None:
    """Refuse a deal given to ``owner_id`` unless ``may_create_deal``: a specialist hears, next to
    the owner field, that their deals are their own."""
    if may_create_deal(actor, owner_id):
        return
    if is_practitioner(actor):
        raise PermissionDenied(N_("you may only give deals to yourself"), field="owner_id")
    require(False)


def check_assignee(actor: Actor, assignee_id: int) -> None:
    """Refuse a task given to someone else than ``actor`` unless they are a manager."""
    if is_manager(actor):
        return
    if not is_staff(actor) or assignee_id != actor.id:
        raise PermissionDenied(N_("you may only give tasks to yourself"), field="assignee_id")


def is_overdue(task: Task, now: datetime) -> bool:
    """Past due while open."""
    return task.is_overdue(now)


def may_finish_task(actor: Actor, task: Task) -> bool:
    """Mark a task done: its assignee, whoever set it, owners and administrators."""
    return is_manager(actor) or (
        is_staff(actor) and actor.id in (task.assignee_id, task.created_by_id)
    )
