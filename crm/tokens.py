"""Secret tokens handed out once (a calendar address, an API token) and kept only as their
SHA-256, so the database cannot give one away. A token carries 256 random bits: a fast hash is
enough, nobody guesses it back from its hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh secret: ``prefix`` and 43 URL-safe characters (32 random bytes)."""
    return f"{prefix}{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """What is kept of ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()
