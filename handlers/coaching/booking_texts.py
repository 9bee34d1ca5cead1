"""What the bot says in the client's /book dialog and when asking for a session's rating. Pure
functions; user text is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import html
from aiogram.utils.i18n import gettext as _

from db.models import CoachingRequest, CoachProfile, ExpertiseDomain
from handlers.coaching.session_texts import When
from handlers.written import Money

# A bio longer than this is cut in the coach list (the admin site shows it whole).
BIO_SHOWN = 400


def ask_domain() -> str:
    return _("What would you like coaching on? Choose a domain (/cancel to stop):")


def no_domains() -> str:
    return _("No coach takes requests yet. Please try again later.")


def no_coaches(domain: ExpertiseDomain) -> str:
    return _("No coach works in {domain} yet. /book to choose another domain.").format(
        domain=html.quote(domain.name)
    )


def coach_entry(profile: CoachProfile, money: Money) -> str:
    """``Ivan Kuznetsov · 60,00 € an hour``, the bio, the domains."""
    if profile.hourly_rate is not None:
        rate = _("{amount} an hour").format(amount=money(profile.hourly_rate))
    else:
        rate = _("rate on request")
    lines = [f"{html.bold(html.quote(profile.employee.full_name))} · {rate}"]
    if profile.bio:
        bio = profile.bio.strip()
        lines.append(html.quote(bio if len(bio) <= BIO_SHOWN else bio[: BIO_SHOWN - 1] + "…"))
    if profile.domains:
        names = ", ".join(html.quote(domain.name) for domain in profile.domains)
        lines.append(_("Expertise: {domains}").format(domains=names))
    if profile.availability:
        lines.append(
            _("Hours: {availability}").format(availability=html.quote(profile.availability))
        )
    return "\n".join(lines)


def coaches(domain: ExpertiseDomain, profiles: Sequence[CoachProfile], money: Money) -> str:
    head = _("Coaches in {domain}:").format(domain=html.quote(domain.name))
    entries = [coach_entry(profile, money) for profile in profiles]
    tail = _("Choose a coach, or let any coach of the domain answer:")
    return "\n\n".join([head, *entries, tail])


def any_coach_button(domain: ExpertiseDomain) -> str:
    return _("Any coach in {domain}").format(domain=domain.name)[:60]


def ask_moment(zone: str, example: str, availability: str | None = None) -> str:
    """The days are buttons; a date and time may be typed too (``example`` is in the future)."""
    text = _(
        "When would you like to meet? Choose a day, or write the date and time as {example} "
        "(time zone {zone})."
    ).format(zone=html.quote(zone), example=html.quote(example))
    if availability:
        text += "\n" + _("The coach's hours: {availability}").format(
            availability=html.quote(availability)
        )
    return text


def ask_time(day: str) -> str:
    return _("At what time on {day}? Or write another date and time.").format(day=day)


def ask_message() -> str:
    return _("Anything the coach should know before you meet? Write a message, or /skip.")


def sent(request: CoachingRequest, when: When) -> str:
    if request.coach is not None:
        whom = html.quote(request.coach.full_name)
    else:
        domain = request.domain.name if request.domain else ""
        whom = _("the coaches of {domain}").format(domain=html.quote(domain))
    text = _("🙋 Your coaching request #{request_id} is sent to {whom}.").format(
        request_id=request.id, whom=whom
    )
    if request.preferred_at is not None:
        text += "\n" + _("Preferred: {when}").format(when=when(request.preferred_at))
    return text + "\n" + _("You will hear here when a coach answers; /agenda shows it meanwhile.")


def stale_choice() -> str:
    return _("That choice is no longer open: /book starts again.")


def for_clients() -> str:
    return _(
        "/book is for clients: it sends a coaching request to a coach. "
        "Requests for you are answered with /requests."
    )


# The client's rating of a session held ----------------------------------------------------


def ask_comment(session_id: int, rating: int) -> str:
    return _(
        "⭐ Thank you: your {rating}/5 for session #{session_id} is saved. Anything to add? "
        "Write a comment, or /skip."
    ).format(rating=rating, session_id=session_id)


def rated(session_id: int) -> str:
    return _("⭐ Your rating of session #{session_id} is saved. Thank you!").format(
        session_id=session_id
    )


def commented(session_id: int) -> str:
    return _("⭐ Your comment is added to your rating of session #{session_id}. Thank you!").format(
        session_id=session_id
    )
