"""The admin site speaks Russian and French on every page, from the bot's catalogs.

Each page is rendered for the same person in English and then in the language under test; the
visible text (not scripts, not the data people typed) must differ from the English rendering,
no English message id of the catalog may show, and a French page holds no Cyrillic.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from crm.demo.seed import DEMO_PASSWORD, seed_demo
from crm.i18n import LANGUAGE_NAMES
from crm.people.clients import TELEGRAM_SOURCE
from crm.settings import Settings
from db.base import utcnow
from db.engine import Database
from db.enums import AttachmentKind
from db.models import (
    Client,
    ClientReport,
    ClientStep,
    CoachingRequest,
    CoachingSession,
    CoachProfile,
    CoachReport,
    Contract,
    Department,
    DiscountTier,
    Employee,
    ExpertiseDomain,
    Language,
    MeetingReport,
    Payment,
    Product,
    Program,
    ProgramStage,
    Recording,
    StrategyEntry,
    Ticket,
    TicketAttachment,
    TicketEvent,
    Track,
)
from tests.support.school import add_demo_school
from tests.support.site import Client as SiteClient
from tests.support.site import post_form, sign_in
from tests.test_i18n import CYRILLIC, SAME_IN_FRENCH, template_ids
from web.app import create_app

SECRET = "test-secret-key"
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Words that are the same in every language: the product's name, formats, and each language's
# own name (a language is offered by the name its speakers read, in their script).
ANY_LANGUAGE = {"Frontdoor", "CRM", "Telegram", "CSV", "en", "ru", "fr", "none"} | set(
    LANGUAGE_NAMES.values()
)
# Where a chunk of text splits into the pieces templates put together.
SEPARATORS = re.compile(r"\s*(?:·|—|→|:|\(|\)|\*|🔒|\?)\s*")


class VisibleText(HTMLParser):
    """The text a person reads on a page: element text, labels of images and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._hidden: list[str] = []  # inside <script>, <style>, or an element in another language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style") or (found.get("lang") and tag != "html"):
            self._hidden.append(tag)
            return
        for name in ("aria-label", "title", "placeholder"):
            if found.get(name) and not self._hidden:
                self.chunks.append(str(found[name]))

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(" ".join(data.split()))


def pieces(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        found.append(chunk)
        found.extend(piece for piece in SEPARATORS.split(chunk) if piece and piece != chunk)
    return found


def english_ids() -> set[str]:
    ids: set[str] = set()
    for message_id in template_ids():
        ids.update([message_id] if isinstance(message_id, str) else message_id[:2])
    return ids


async def typed_by_people(database: Database) -> set[str]:
    """Every word of the demo business's data: names, titles, addresses, what people wrote."""
    columns = (
        Client.full_name,
        Client.phone,
        Client.email,
        Client.username,
        Client.topic,
        Client.source,
        Client.notes,
        Employee.full_name,
        Employee.username,
        Employee.position,
        Employee.web_login,
        Department.name,
        Department.address,
        Department.description,
        Ticket.title,
        Ticket.description,
        TicketEvent.text,
        TicketEvent.to_value,
        Language.name,
        Contract.termination_reason,
        Payment.note,
        ExpertiseDomain.name,
        CoachProfile.bio,
        CoachProfile.availability,
        Program.name,
        ProgramStage.name,
        Product.name,
        Track.goal,
        ClientStep.text,
        StrategyEntry.text,
        ClientReport.progress,
        CoachingRequest.message,
        CoachingSession.comment,
        MeetingReport.what_happened,
        MeetingReport.client_state,
        MeetingReport.agreements,
        MeetingReport.homework,
        MeetingReport.next_steps,
        CoachReport.preparation,
        CoachReport.results,
        CoachReport.self_reflection,
        CoachReport.development_tasks,
        CoachReport.supervision_request,
        Recording.url,
    )
    words: set[str] = set()
    async with database.reader() as session:
        for column in columns:
            for value in await session.scalars(select(column)):
                words.update(LETTERS.findall(value or ""))
    return words


def untranslated(english: str, translated: str, people_words: set[str], language: str) -> list[str]:
    """What the translated page still says in English."""
    ids = english_ids()
    same_anyway = SAME_IN_FRENCH if language == "fr" else set()
    english_pieces = set(pieces(english))
    left = []
    for piece in pieces(translated):
        if piece in same_anyway or piece in ANY_LANGUAGE:
            continue
        if piece in ids:  # an English message id, shown as is
            left.append(piece)
            continue
        words = set(LETTERS.findall(piece))
        if piece in english_pieces and words - people_words - ANY_LANGUAGE - same_anyway:
            left.append(piece)  # the same as in English, and not the data people typed
    return sorted(set(left))


def cyrillic(translated: str, people_words: set[str]) -> list[str]:
    return sorted(
        {
            piece
            for piece in pieces(translated)
            if CYRILLIC.search(" ".join(set(LETTERS.findall(piece)) - people_words - ANY_LANGUAGE))
        }
    )


@pytest.fixture
async def client(database: Database) -> AsyncIterator[SiteClient]:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    await add_demo_school(database)
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET, sandbox=True)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def choose(client: SiteClient, language: str, page: str = "/") -> None:
    chosen = await post_form(client, "/language", {"language": language}, page=page)
    assert chosen.status == 302, await chosen.text()


async def ids_of(database: Database) -> dict[str, int]:
    async with database.reader() as session:
        ticket = await session.scalar(select(Ticket.id).order_by(Ticket.id))
        client = await session.scalar(select(Client.id).order_by(Client.id))
        person = await session.scalar(select(Employee.id).where(Employee.web_login == "ivan"))
        department = await session.scalar(select(Department.id).order_by(Department.id))
        ivans = await session.scalar(
            select(Contract.id).where(Contract.teacher_id == person).order_by(Contract.id)
        )
        tom = select(Employee.id).where(Employee.web_login == "tom").scalar_subquery()
        toms = await session.scalar(
            select(Contract.id).where(Contract.teacher_id == tom).order_by(Contract.id)
        )
        language = await session.scalar(select(Language.id).order_by(Language.id))
        tier = await session.scalar(select(DiscountTier.id))
    assert ticket and client and person and department and ivans and toms and language and tier
    return {
        "ticket": ticket,
        "client": client,
        "employee": person,
        "department": department,
        "ivans_contract": ivans,
        "toms_contract": toms,
        "language": language,
        "tier": tier,
    }


def pages_for(login: str, ids: dict[str, int]) -> list[tuple[str, int]]:
    """(path, status) of every page ``login``'s role opens, error pages included."""
    ticket, client = ids["ticket"], ids["client"]
    everyone = [
        ("/", 200),
        ("/tickets", 200),
        (f"/tickets/{ticket}", 200),
        ("/tickets?from=yesterday&department=x", 400),
        ("/tickets/999999", 404),
        ("/clients", 200),
        (f"/clients/{client}", 200),
        ("/contracts", 200),
        ("/contracts?from=yesterday&teacher=x", 400),
        ("/contracts/999999", 404),
        ("/reports/overview", 200),
        ("/reports/programs", 200),
        ("/reports/clients", 200),
        ("/reports/clients?client=nobody+like+this", 400),
        (f"/reports/clients/{client}", 200),
        (f"/reports/clients/{client}?from=2026-02-30", 400),
        ("/reports/coaches", 403 if login == "pavel" else 200),
        ("/reports/coaches?from=2026-05-02&to=2026-05-01", 403 if login == "pavel" else 400),
        ("/reports/period", 200 if login == "olga" else 403),
    ]
    if login == "ivan":
        everyone.append((f"/contracts/{ids['ivans_contract']}", 200))
    if login != "olga":
        return [
            *everyone,
            ("/employees", 403),
            ("/departments/new", 403),
            ("/languages", 403),
            ("/contracts/new", 403),
        ]
    person, department = ids["employee"], ids["department"]
    contract, language = ids["toms_contract"], ids["language"]
    return [
        *everyone,
        (f"/contracts/{contract}", 200),
        ("/contracts/new", 200),
        (f"/contracts/{contract}/edit", 200),
        (f"/contracts/{contract}/delete", 200),
        ("/languages", 200),
        ("/languages/new", 200),
        (f"/languages/{language}/edit", 200),
        (f"/languages/{language}/delete", 200),
        ("/languages/tiers/new", 200),
        (f"/languages/tiers/{ids['tier']}/delete", 200),
        ("/tickets/new", 200),
        (f"/tickets/{ticket}/edit", 200),
        (f"/tickets/{ticket}/delete", 200),
        ("/clients/new", 200),
        (f"/clients/{client}/edit", 200),
        (f"/clients/{client}/delete", 200),
        ("/employees", 200),
        ("/employees/new", 200),
        (f"/employees/{person}/edit", 200),
        (f"/employees/{person}/delete", 200),
        ("/departments", 200),
        ("/departments/new", 200),
        (f"/departments/{department}/edit", 200),
        (f"/departments/{department}/delete", 200),
    ]


async def rendered(client: SiteClient, path: str, status: int) -> str:
    response = await client.get(path)
    text = await response.text()
    assert response.status == status, (path, text[:500])
    return text


# A form sent back with a problem in every field, and a refusal from the rules.
BAD_EMPLOYEE = {
    "full_name": "",
    "role": "specialist",
    "telegram_id": "abc",
    "experience_years": "200",
    "salary": "-1",
    "web_login": "someone",
    "password": "short",
}


async def refused_forms(client: SiteClient, ids: dict[str, int]) -> list[str]:
    employee_form = await post_form(client, "/employees/new", BAD_EMPLOYEE)
    deletion = await post_form(client, f"/departments/{ids['department']}/delete", {})
    contract = f"/contracts/{ids['toms_contract']}"
    payment = await post_form(
        client, f"{contract}/pay", {"amount": "100000", "method": "cash"}, page=contract
    )
    signing = await post_form(client, "/contracts/new", {"client": "", "lessons": "many"})
    language = await post_form(client, "/languages/new", {"name": "", "price_per_lesson": "0"})
    return [
        await employee_form.text(),
        await deletion.text(),
        await payment.text(),
        await signing.text(),
        await language.text(),
    ]


@pytest.mark.parametrize("language", ["ru", "fr"])
@pytest.mark.parametrize("login", ["olga", "ivan", "pavel"])
async def test_every_page_speaks_the_chosen_language_with_no_english_left(
    client: SiteClient, database: Database, language: str, login: str
) -> None:
    people_words = await typed_by_people(database)
    ids = await ids_of(database)
    signed = await sign_in(client, login, DEMO_PASSWORD)
    assert signed.status == 302
    pages = pages_for(login, ids)
    await choose(client, "en")
    english = [await rendered(client, path, status) for path, status in pages]
    if login == "olga":
        english += await refused_forms(client, ids)
    await choose(client, language)
    translated = [await rendered(client, path, status) for path, status in pages]
    if login == "olga":
        translated += await refused_forms(client, ids)
    paths = [path for path, _ in pages] + [
        "employee form refused",
        "deletion refused",
        "payment refused",
        "contract form refused",
        "language form refused",
    ]
    left = {
        path: found
        for path, before, after in zip(paths, english, translated, strict=False)
        if (found := untranslated(before, after, people_words, language))
    }
    assert left == {}, f"still in English on the {language} pages: {left}"
    for path, page in zip(paths, translated, strict=False):
        assert f'<html lang="{language}">' in page, path
        if language == "fr":
            assert cyrillic(page, people_words) == [], f"Cyrillic on the French page {path}"


@pytest.mark.parametrize(
    ("accept", "expected", "heading"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Вход"),
        ("fr-CA", "fr", "Connexion"),
        ("de", "en", "Sign in"),
    ],
)
async def test_the_sign_in_page_speaks_the_browsers_language_and_lists_the_demo_logins(
    client: SiteClient, database: Database, accept: str, expected: str, heading: str
) -> None:
    page = await client.get("/sign-in", headers={"Accept-Language": accept})
    text = await page.text()
    assert f'<html lang="{expected}">' in text and f"<h1>{heading}</h1>" in text
    # In sandbox mode the demo logins and their published password are on the page.
    assert "<code>olga</code>" in text and DEMO_PASSWORD in text
    english = await (await client.get("/sign-in", headers={"Accept-Language": "en"})).text()
    if expected != "en":
        assert untranslated(english, text, await typed_by_people(database), expected) == []


async def test_the_switch_on_the_sign_in_page_is_kept_until_someone_signs_in(
    client: SiteClient,
) -> None:
    await choose(client, "fr", page="/sign-in")
    text = await (await client.get("/sign-in", headers={"Accept-Language": "ru"})).text()
    assert "<h1>Connexion</h1>" in text


async def test_a_language_chosen_in_the_header_is_remembered_for_the_employee(
    client: SiteClient, database: Database
) -> None:
    await sign_in(client, "tom", DEMO_PASSWORD)
    await choose(client, "ru")
    async with database.reader() as session:
        tom = await session.scalar(select(Employee).where(Employee.web_login == "tom"))
        assert tom is not None and tom.language == "ru"  # the bot speaks it to him too
    text = await (await client.get("/tickets", headers={"Accept-Language": "en"})).text()
    assert '<html lang="ru">' in text and "<h1>Заявки</h1>" in text
    refused = await post_form(client, "/language", {"language": "de"}, page="/")
    assert refused.status == 400


async def test_an_employee_who_chose_nothing_reads_the_site_in_their_telegram_language(
    client: SiteClient, database: Database
) -> None:
    async with database.writer() as session, session.begin():
        tom = await session.scalar(select(Employee).where(Employee.web_login == "tom"))
        assert tom is not None
        tom.language, tom.telegram_language = None, "fr"
    await sign_in(client, "tom", DEMO_PASSWORD)
    text = await (await client.get("/tickets", headers={"Accept-Language": "ru"})).text()
    assert '<html lang="fr">' in text
    await choose(client, "ru")  # a choice outranks Telegram's
    text = await (await client.get("/tickets")).text()
    assert '<html lang="ru">' in text


async def test_the_sign_in_page_says_nothing_of_demo_logins_outside_the_sandbox(
    database: Database,
) -> None:
    async with database.writer() as session, session.begin():
        await seed_demo(session, now=utcnow())
    app = create_app(Settings(_env_file=None), database, secret_key=SECRET)
    async with TestClient(TestServer(app)) as plain:
        text = await (await plain.get("/sign-in")).text()
    assert DEMO_PASSWORD not in text and "<code>olga</code>" not in text


async def add_probe_tickets(database: Database, count: int) -> None:
    """``count`` tickets whose title only they have, for the listing to find."""
    async with database.writer() as session, session.begin():
        client = await session.scalar(select(Client).order_by(Client.id))
        assert client is not None
        for number in range(count):
            title = f"zzprobe {number}"
            session.add(Ticket(client=client, title=title, description=title))


@pytest.mark.parametrize(
    ("count", "language", "said"),
    [
        (1, "en", "1 ticket"),
        (2, "en", "2 tickets"),
        (1, "ru", "1 заявка"),
        (3, "ru", "3 заявки"),
        (5, "ru", "5 заявок"),
        (21, "ru", "21 заявка"),
        (1, "fr", "1 demande"),
        (2, "fr", "2 demandes"),
    ],
)
async def test_the_ticket_count_is_said_with_the_right_plural(
    client: SiteClient, database: Database, count: int, language: str, said: str
) -> None:
    await add_probe_tickets(database, count)
    await sign_in(client, "olga", DEMO_PASSWORD)
    await choose(client, language)
    text = await (await client.get("/tickets?q=zzprobe")).text()
    found = re.search(r'<p id="count">([^<]*)</p>', text)
    assert found and found.group(1) == said


@pytest.mark.parametrize(
    ("count", "language", "said"),
    [
        (1, "en", "Zoe Probe has 1 ticket, and its history must stay"),
        (2, "en", "Zoe Probe has 2 tickets, and their history must stay"),
        (1, "ru", "У клиента Zoe Probe 1 заявка"),
        (5, "ru", "У клиента Zoe Probe 5 заявок"),
        (1, "fr", "Zoe Probe a 1 demande dont"),
    ],
)
async def test_a_refused_deletion_counts_the_tickets_in_the_right_plural(
    client: SiteClient, database: Database, count: int, language: str, said: str
) -> None:
    async with database.writer() as session, session.begin():
        zoe = Client(full_name="Zoe Probe")
        session.add_all([Ticket(client=zoe, title="t", description="t") for _ in range(count)])
        await session.flush()
        zoe_id = zoe.id
    await sign_in(client, "olga", DEMO_PASSWORD)
    await choose(client, language)
    refused = await post_form(client, f"/clients/{zoe_id}/delete", {})
    assert refused.status == 409
    assert said in await refused.text()


@pytest.mark.parametrize("back", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
async def test_the_language_switch_leads_back_only_to_a_path_on_this_site(
    client: SiteClient, back: str
) -> None:
    await sign_in(client, "olga", DEMO_PASSWORD)
    switched = await post_form(client, "/language", {"language": "fr", "back": back}, page="/")
    assert switched.status == 302 and switched.headers["Location"] == "/"
    kept = await post_form(
        client, "/language", {"language": "fr", "back": "/tickets?q=a"}, page="/"
    )
    assert kept.headers["Location"] == "/tickets?q=a"


def nav_links(page: str) -> list[str]:
    """The text of each link of the header's menu."""
    menu = page[page.index("<nav") :].split("</nav>")[0]
    return [
        re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", menu)
    ]


@pytest.mark.parametrize("language", ["en", "ru", "fr"])
async def test_the_menu_names_each_page_apart(client: SiteClient, language: str) -> None:
    """French called both tickets and coaching requests "Demandes"."""
    assert (await sign_in(client, "olga", DEMO_PASSWORD)).status == 302
    await choose(client, language)
    links = nav_links(await (await client.get("/")).text())
    assert len(links) >= 15
    assert sorted(links) == sorted(set(links)), links


def readable(page: str) -> str:
    """The page's text with its narrow and no-break spaces read as spaces."""
    return page.replace("\u00a0", " ").replace("\u202f", " ")


SHOWN = {
    "en": ["photo", "document: scan.pdf", "(45 bytes)", "(1.5 MB)", "the Telegram bot", "open"],
    "ru": ["фото", "документ: scan.pdf", "(45 байт)", "(1,5 МБ)", "бот в Telegram", "открыт"],
    "fr": ["photo", "document: scan.pdf", "(45 octets)", "(1,5 Mo)", "le bot Telegram", "ouvert"],
}


@pytest.mark.parametrize("language", ["en", "ru", "fr"])
async def test_files_sources_and_track_statuses_read_in_the_viewers_language(
    client: SiteClient, database: Database, language: str
) -> None:
    """A 45-byte PDF was "(0 KB)"; "photo", "document" and a client's source "telegram" stayed
    English; a Russian track was "открыта" (трек is masculine)."""
    async with database.writer() as session, session.begin():
        ticket = await session.scalar(select(Ticket).order_by(Ticket.id))
        track = await session.scalar(select(Track).order_by(Track.id))
        assert ticket is not None and track is not None
        session.add_all(
            [
                TicketAttachment(
                    ticket_id=ticket.id, kind=AttachmentKind.PHOTO, file_id="p", file_size=1_500_000
                ),
                TicketAttachment(
                    ticket_id=ticket.id,
                    kind=AttachmentKind.DOCUMENT,
                    file_id="d",
                    file_name="scan.pdf",
                    file_size=45,
                ),
            ]
        )
        owner = await session.get(Client, ticket.client_id)
        assert owner is not None
        owner.source = TELEGRAM_SOURCE
        ids = {"ticket": ticket.id, "client": ticket.client_id, "track": track.id}
    assert (await sign_in(client, "olga", DEMO_PASSWORD)).status == 302
    await choose(client, language)
    photo, document, small, large, source, track_open = SHOWN[language]
    files = readable(await (await client.get(f"/tickets/{ids['ticket']}")).text())
    files = files[files.index("<h2>", files.index("</h1>")) :].split("</ul>")[0]
    assert f">{photo}</a> {large}" in files
    assert f">{document}</a> {small}" in files
    card = readable(await (await client.get(f"/clients/{ids['client']}")).text())
    assert f"<td>{source}</td>" in card
    track_page = await (await client.get(f"/tracks/{ids['track']}")).text()
    assert f'<span id="track-status">{track_open}</span>' in track_page
