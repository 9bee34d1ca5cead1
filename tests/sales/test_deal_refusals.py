"""The rules' refusals about a deal's stage, said in Russian and French: the stage is named in
the reader's language inside the sentence, not left as the English value."""

from __future__ import annotations

from functools import partial

import pytest

from crm.errors import DomainError
from crm.i18n import refusal_text
from crm.people.names import clean_title
from crm.sales.rules import check_path, check_seen
from db.enums import DealStage, Role
from db.models import Deal, Employee

ANNA = Employee(id=1, telegram_id=1, full_name="Anna", role=Role.ADMIN, active=True)


def refused(check: object, *args: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("language", "already", "over", "moved"),
    [
        (
            "ru",
            "Сделка #4 уже на этапе «предложение»",
            "Сделка #4 на этапе «выиграна»: она завершена и больше не движется",
            "Сделка #4 тем временем перешла на этап «предложение»; посмотрите её ещё раз",
        ),
        (
            "fr",
            "L’affaire #4 est déjà à l’étape « proposition »",
            "L’affaire #4 est à l’étape « gagnée » : elle est close et ne bouge plus",
            "L’affaire #4 est passée entre-temps à l’étape « proposition » ; regardez-la à nouveau",
        ),
        (
            "en",
            "Deal #4 is already proposal",
            "Deal #4 is won: it is over and moves no more",
            "Deal #4 has moved to proposal meanwhile; look at it again",
        ),
    ],
)
def test_stage_refusals_name_the_stage_in_the_readers_language(
    language: str, already: str, over: str, moved: str
) -> None:
    at_proposal = Deal(id=4, name="Tablets", stage=DealStage.PROPOSAL)
    won = Deal(id=4, name="Tablets", stage=DealStage.WON)
    said = [
        refusal_text(refused(check_path, ANNA, at_proposal, DealStage.PROPOSAL), language),
        refusal_text(refused(check_path, ANNA, won, DealStage.NEW), language),
        refusal_text(refused(check_seen, at_proposal, DealStage.NEW), language),
    ]
    assert said == [already, over, moved]


@pytest.mark.parametrize(
    ("language", "empty", "long"),
    [
        ("en", "The title must not be empty", "The title is longer than 5 characters"),
        ("ru", "Название не должно быть пустым", "Название длиннее 5 символов"),
        ("fr", "Le titre ne doit pas être vide", "Le titre dépasse 5 caractères"),
    ],
)
def test_a_title_is_called_a_title(language: str, empty: str, long: str) -> None:
    said = [
        refusal_text(refused(partial(clean_title, longest=5), " "), language),
        refusal_text(refused(partial(clean_title, longest=5), "Call them back"), language),
    ]
    assert said == [empty, long]
    assert clean_title("  Call  ", longest=5) == "Call"
