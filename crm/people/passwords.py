"""Web passwords, kept as argon2id hashes."""

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crm.errors import InvalidInput
from crm.i18n import N_

MIN_PASSWORD_LENGTH = 8
# argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane) rather than the
# library's 64 MiB default: a sign-in then costs the bot process 19 MiB, not 64, at its peak.
# Hashes made with other parameters still verify: each hash carries its own.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to protect an account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("the password must be at least {length} characters long"),
            length=MIN_PASSWORD_LENGTH,
        )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password_async(password_hash: str, password: str) -> bool:
    """``verify_password`` off the event loop: hashing takes tens of milliseconds."""
    return await asyncio.to_thread(verify_password, password_hash, password)
