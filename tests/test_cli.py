"""The ``crm`` command as a person runs it: its output, its exit status, what it writes.

Most checks call the entry point in this process (``bot.cli.main(argv)``, as the console
script does), with the environment, working directory and standard input of their own and its
output captured; one test per command family (db, staff, seed, digest, run) starts it as a
separate process, as a person does, so the console entry, a real standard input and the exit
status of a real process are checked too.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from crm.settings import Settings
from tests.conftest import BOT_TOKEN
from tests.support.processes import free_port

Crm = Callable[..., subprocess.CompletedProcess[str]]


def crm_process(
    tmp_path: Path,
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``crm *args`` run as a separate process in ``tmp_path``, on ``tmp_path/crm.db``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CRM_")}
    environment["CRM_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def crm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Crm:
    """``crm *args`` through ``bot.cli.main`` in this process, as ``crm_process`` runs it: in
    ``tmp_path`` on ``tmp_path/crm.db``, no other CRM_ variable, ``stdin`` as standard input;
    its exit status and what it printed, as a finished process's."""

    def run(
        *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            for key in [key for key in os.environ if key.startswith("CRM_")]:
                patch.delenv(key)
            patch.setenv("CRM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}")
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            patch.chdir(tmp_path)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            capsys.readouterr()  # what was printed before is not this command's
            aiogram_events = logging.getLogger("aiogram.event")
            level = aiogram_events.level
            try:
                status = main(list(args))
            finally:
                aiogram_events.setLevel(level)  # main quiets it for the command's process
            printed = capsys.readouterr()
        return subprocess.CompletedProcess(["crm", *args], status, printed.out, printed.err)

    return run


def rows(tmp_path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "crm.db") as connection:
        return connection.execute(query).fetchall()


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = crm_process(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert rows(tmp_path, "SELECT count(*) FROM employees") == [(0,)]


def test_staff_add_with_a_login_reads_the_password_from_stdin(tmp_path: Path) -> None:
    result = crm_process(
        tmp_path,
        *("staff", "add", "--telegram-id", "1001", "--name", "Olga Smirnova", "--role", "owner"),
        *("--username", "@olga", "--department", "Repair", "--position", "Owner"),
        *("--login", "olga"),
        stdin="a long enough secret\n",
    )
    assert result.returncode == 0, result.stderr
    assert "added employee #1 Olga Smirnova (owner)" in result.stdout
    [(name, role, username, login, password_hash, department)] = rows(
        tmp_path,
        "SELECT e.full_name, e.role, e.username, e.web_login, e.password_hash, d.name "
        "FROM employees e JOIN departments d ON d.id = e.department_id",
    )
    assert (name, role, username, login, department) == (
        "Olga Smirnova",
        "owner",
        "olga",
        "olga",
        "Repair",
    )
    assert str(password_hash).startswith("$argon2id$")

    again = crm_process(
        tmp_path, "staff", "add", "--telegram-id", "1001", "--name", "Olga S.", "--role", "admin"
    )
    assert again.returncode == 0, again.stderr
    assert "updated employee #1 Olga S. (admin)" in again.stdout
    assert rows(tmp_path, "SELECT count(*) FROM employees") == [(1,)]


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crm: error: ")
    return lines[0]


def test_an_unknown_role_is_one_line_and_exit_2(crm: Crm, tmp_path: Path) -> None:
    result = crm("staff", "add", "--telegram-id", "5", "--name", "X", "--role", "boss")
    assert "boss" in one_line_error(result)
    assert not (tmp_path / "crm.db").exists()


def test_a_telegram_id_of_a_client_is_refused(crm: Crm, tmp_path: Path) -> None:
    assert crm("seed", "--demo").returncode == 0
    [(client_id, telegram_id)] = rows(tmp_path, "SELECT id, telegram_id FROM clients LIMIT 1")
    before = rows(tmp_path, "SELECT count(*) FROM employees")
    result = crm(
        "staff",
        "add",
        "--telegram-id",
        str(telegram_id),
        "--name",
        "X",
        "--role",
        "admin",
    )
    assert f"already belongs to client #{client_id}" in one_line_error(result)
    assert rows(tmp_path, "SELECT count(*) FROM employees") == before


def test_a_malformed_database_url_is_refused(crm: Crm, tmp_path: Path) -> None:
    for url in ("not a url at all", "mysql://root@localhost/x"):
        result = crm("db", "upgrade", env={"CRM_DATABASE_URL": url})
        assert "CRM_DATABASE_URL" in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("staff", "add", "--telegram-id", "abc", "--name", "X", "--role", "admin"), "", "abc"),
        (("staff", "add", "--telegram-id", "-3", "--name", "X", "--role", "admin"), "", "positive"),
        (("staff", "add", "--name", "X", "--role", "admin"), "", "--telegram-id"),
        (
            (
                "staff",
                "add",
                "--telegram-id",
                "3",
                "--name",
                "X",
                "--role",
                "admin",
                "--login",
                "x",
            ),
            "short\n",
            "at least 8",
        ),
        (("frobnicate",), "", "frobnicate"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    crm: Crm, tmp_path: Path, args: tuple[str, ...], stdin: str, expected: str
) -> None:
    result = crm(*args, stdin=stdin)
    assert expected in one_line_error(result)
    if (tmp_path / "crm.db").exists():
        assert rows(tmp_path, "SELECT count(*) FROM employees") == [(0,)]


@pytest.mark.parametrize("key", ["", "a", "0123456789abcdef" * 2, "x" * 60])
def test_a_weak_secret_key_is_refused_naming_the_variable(
    crm: Crm, tmp_path: Path, key: str
) -> None:
    result = crm("db", "upgrade", env={"CRM_SECRET_KEY": key})
    error = one_line_error(result)
    assert "CRM_SECRET_KEY" in error
    assert "secrets.token_urlsafe(32)" in error  # how to make a good one
    assert not (tmp_path / "crm.db").exists()


def test_webhook_mode_without_a_secret_refuses_to_start(
    crm: Crm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def serve(settings: Settings) -> None:
        # Were it to start, it would serve on a free port and wait for Telegram.
        raise AssertionError("crm run started without CRM_WEBHOOK_SECRET")

    monkeypatch.setattr("bot.cli._run", serve)
    result = crm(
        "run",
        env={
            "CRM_BOT_TOKEN": BOT_TOKEN,
            "CRM_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
            "CRM_WEBHOOK_URL": "https://crm.example.com/telegram/webhook",
            "CRM_WEB_PORT": "0",
        },
    )
    assert "CRM_WEBHOOK_SECRET" in one_line_error(result)
    assert not (tmp_path / "crm.db").exists()


def test_run_refuses_a_weak_key_in_the_secret_key_file(tmp_path: Path) -> None:
    (tmp_path / ".crm_secret_key").write_text("a\n", encoding="utf-8")
    result = crm_process(tmp_path, "run", env={"CRM_WEB_PORT": "0"}, timeout=30)
    assert ".crm_secret_key" in one_line_error(result)
    assert not (tmp_path / "crm.db").exists()


def test_a_bad_setting_is_named(crm: Crm, tmp_path: Path) -> None:
    result = crm("db", "upgrade", env={"CRM_TIMEZONE": "Mars/Olympus"})
    assert "CRM_TIMEZONE" in one_line_error(result)
    result = crm("db", "upgrade", env={"CRM_DEFAULT_REGION": "France"})
    assert "CRM_DEFAULT_REGION: " in one_line_error(result)
    assert "not an ISO 3166 country code" in one_line_error(result)


def test_seed_demo_fills_only_an_empty_database(tmp_path: Path) -> None:
    first = crm_process(tmp_path, "seed", "--demo")
    assert first.returncode == 0, first.stderr
    assert "demo business added" in first.stdout
    counts = rows(
        tmp_path, "SELECT (SELECT count(*) FROM employees), (SELECT count(*) FROM clients)"
    )
    second = crm_process(tmp_path, "seed", "--demo")
    assert "not empty" in one_line_error(second)
    assert (
        rows(tmp_path, "SELECT (SELECT count(*) FROM employees), (SELECT count(*) FROM clients)")
        == counts
    )


def test_digest_is_queued_once_a_day(tmp_path: Path) -> None:
    assert crm_process(tmp_path, "seed", "--demo").returncode == 0
    first = crm_process(tmp_path, "digest")
    assert first.returncode == 0, first.stderr
    queued = int(first.stdout.strip().rsplit(" ", 1)[1])
    assert queued >= 3  # the demo has assigned work and a queue for the managers
    assert rows(tmp_path, "SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'digest:%#0'") == [
        (queued,)
    ]
    again = crm_process(tmp_path, "digest")
    assert again.stdout.strip() == "digests queued: 0"
    assert "CRM_BOT_TOKEN" in one_line_error(crm_process(tmp_path, "digest", "--now"))
