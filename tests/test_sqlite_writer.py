"""The SQLite writer builds on aiosqlite's private parts: they must be there, as tested."""

from __future__ import annotations

import aiosqlite
import pytest

from db import sqlite_writer


def test_the_installed_aiosqlite_is_one_the_writer_was_tested_with() -> None:
    assert sqlite_writer.aiosqlite_problems() == [], (
        "db/sqlite_writer.py relies on aiosqlite internals; check them against this release "
        "and widen SUPPORTED_AIOSQLITE and the pin in pyproject.toml only after the faults tests "
        "pass with it"
    )


def test_an_unsupported_release_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiosqlite, "__version__", "0.21.0")
    assert sqlite_writer.aiosqlite_problems() == [
        "aiosqlite 0.21.0 is outside the tested (0, 22)..(0, 23)"
    ]
    monkeypatch.delattr(aiosqlite.Connection, "_execute")
    assert "aiosqlite.Connection._execute is gone" in sqlite_writer.aiosqlite_problems()
