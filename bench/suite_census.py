"""How many tests the suite has, per area and per kind of check: ``python -m bench.suite_census``.

``python -m bench.suite_census [TREE ...]`` collects the tests of each checkout given (default:
this one) with pytest, in a process of its own, with this module as a plugin that writes down
every collected test; then prints, per kind of check, how many tests each area has and how
many of them run on PostgreSQL. Given two checkouts (say the commit before a change to the
suite, exported with ``git archive``, and this one), it prints the difference too, so a note can
say that nothing the suite checks was lost, only moved to a cheaper layer.

A test's kind is read from its fixtures and its code, the first that fits:

- browser: headless Chromium (the ``chromium`` fixture, ``browser_page``, a ``*browser*`` file);
- bot in process: the bot fed in the test's own process (``tests/support/in_process.py``);
- fault: something made to fail on purpose: the fake Bot API refusing or away (``Fault``, a
  blocked chat, a forgotten file), a restart, a redelivered update, a process killed; and the
  files about processes and faults (``test_faults``, ``test_answer_faults``, ``test_scale_out``,
  ``test_telegram_away_at_start``);
- over HTTP: the product or the bot talking to the fake Bot API over real HTTP (journeys, the
  webhook, the sender, the sandbox);
- command, process / in process: ``crm`` started as a process, or through ``bot.cli.main``;
- site: the admin site through aiohttp's test client;
- service: everything else on a real database; unit: the rest.

The areas are the folders of ``tests/`` (``tickets``, ``school``, ``coaching``, ``overview``)
and the top level.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

KINDS = [
    "service",
    "unit",
    "bot in process",
    "over HTTP",
    "browser",
    "fault",
    "site",
    "command, in process",
    "command, process",
]
AREAS = ["tickets", "school", "coaching", "overview", "top level"]
FAULT_FILES = {
    "test_faults.py",
    "test_answer_faults.py",
    "test_scale_out.py",
    "test_telegram_away_at_start.py",
}
FAULT_SIGNS = ("Fault(", "blocked_chats", ".restart(", "redeliver(", "SIGKILL", "forget_file(")
IN_PROCESS_FIXTURES = {"bot_desk", "bot_schooled", "bot_coached"}
IN_PROCESS_SIGNS = ("bot_in_process(", "FakeAPISession(")
# The running product (tests/support/e2e.Product, not the coaching model of that name).
OVER_HTTP = re.compile(
    r"\bProduct\((desk_|make_)?[sS]ettings|demo_in_sandbox\(|CrmProcess\(|create_bot\("
)
PROCESS_SIGNS = ("crm_process(", "subprocess.run(", "sys.executable")
DATABASE_FIXTURES = {"database", "database_url", "sqlite_url", "unmigrated_database_url"}
OUTPUT = "SUITE_CENSUS_OUTPUT"


def _source(thing: Any) -> str:
    try:
        return inspect.getsource(thing)
    except (OSError, TypeError):
        return ""


@cache
def _module_functions_making(path: str, sign: str) -> frozenset[str]:
    """The names of the functions in the module at ``path`` whose code holds ``sign``."""
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and sign in (ast.get_source_segment(source, node) or "")
    )


def kind_of(item: pytest.Item) -> str:
    """The kind of check ``item`` is (see the module)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    code = _source(getattr(item, "function", None))
    module = _source(getattr(item, "module", None))
    path = str(item.path)
    if "chromium" in fixtures or "browser" in item.path.name or "browser_page(" in code:
        return "browser"
    if fixtures & IN_PROCESS_FIXTURES or any(sign in module for sign in IN_PROCESS_SIGNS):
        return "bot in process"
    if item.path.name in FAULT_FILES or any(sign in code for sign in FAULT_SIGNS):
        return "fault"
    if "fake_telegram" in fixtures or OVER_HTTP.search(code):
        return "over HTTP"
    if "crm" in fixtures and item.path.name == "test_cli.py":
        return "command, in process"
    if any(sign in code for sign in PROCESS_SIGNS) or item.path.name == "test_cli.py":
        return "command, process"
    if "TestClient(" in code or fixtures & _module_functions_making(path, "TestClient("):
        return "site"
    if fixtures & DATABASE_FIXTURES or "Database(" in code:
        return "service"
    return "unit"


def area_of(nodeid: str) -> str:
    parts = nodeid.split("::")[0].split("/")
    return parts[1] if len(parts) > 2 else "top level"


def on_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


def pytest_collection_finish(session: pytest.Session) -> None:
    """As a plugin: write down every collected test, its area, kind and database."""
    output = os.environ.get(OUTPUT)
    if not output:
        return
    rows = [
        {
            "nodeid": item.nodeid,
            "area": area_of(item.nodeid),
            "kind": kind_of(item),
            "postgresql": on_postgresql(item),
        }
        for item in session.items
    ]
    Path(output).write_text(json.dumps(rows), encoding="utf-8")


def collect(tree: Path) -> list[dict[str, Any]]:
    """The tests of the checkout at ``tree``, as the plugin writes them down."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "census.json"
        # This file is the plugin, imported by its own name: the checkout's own ``bench``
        # (another commit's, perhaps) stays first on the path.
        path = os.pathsep.join([str(tree), str(Path(__file__).parent)])
        env = {**os.environ, OUTPUT: str(output), "PYTHONPATH": path}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", Path(__file__).stem],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not output.exists():
            raise SystemExit(f"collecting {tree} failed:\n{done.stdout}\n{done.stderr}")
        rows: list[dict[str, Any]] = json.loads(output.read_text(encoding="utf-8"))
        return rows


def table(rows: list[dict[str, Any]], title: str) -> tuple[str, Counter[tuple[str, str]]]:
    """A Markdown table of ``rows`` per kind and area, with the PostgreSQL runs; its counts."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        counts[row["kind"], row["area"]] += 1
        counts[row["kind"], "all"] += 1
        counts["all", row["area"]] += 1
        counts["all", "all"] += 1
        if row["postgresql"]:
            counts[row["kind"], "postgresql"] += 1
            counts["all", "postgresql"] += 1
    columns = [*AREAS, "all", "postgresql"]
    lines = [
        f"{title}",
        "",
        "| kind | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for kind in [*KINDS, "all"]:
        lines.append(f"| {kind} | " + " | ".join(str(counts[kind, c]) for c in columns) + " |")
    return "\n".join(lines), counts


def difference(before: Counter[tuple[str, str]], after: Counter[tuple[str, str]]) -> str:
    columns = [*AREAS, "all", "postgresql"]
    lines = [
        "after less before",
        "",
        "| kind | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for kind in [*KINDS, "all"]:
        cells = [f"{after[kind, c] - before[kind, c]:+d}" for c in columns]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[Path.cwd()])
    args = parser.parse_args()
    counted = []
    for tree in args.trees:
        rows = collect(tree.resolve())
        text, counts = table(rows, f"{tree} ({len(rows)} tests)")
        print(text, end="\n\n")
        counted.append((rows, counts))
    if len(counted) == 2:
        (rows_before, before), (rows_after, after) = counted
        print(difference(before, after), end="\n\n")
        named_before = {row["nodeid"].split("::", 1)[1] for row in rows_before}
        named_after = {row["nodeid"].split("::", 1)[1] for row in rows_after}
        gone = sorted(named_before - named_after)
        print(f"tests of the first not in the second (by name and parameters): {len(gone)}")
        for name in gone:
            print(f"  {name}")


if __name__ == "__main__":
    main()
