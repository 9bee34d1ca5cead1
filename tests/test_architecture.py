"""docs/architecture.md's picture of the house is the code's: the arrows between the areas and
the shared parts of each layer, read from the imports, are the ones the page draws."""

from __future__ import annotations

import re
from pathlib import Path

import grimp

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
# The layers whose insides read by area, and the sub-packages each has (the rest is its kernel).
LAYERS = {"crm": "crm", "handlers": "handlers", "web/views": "web.views", "web/api": "web.api"}
START = "%% the house: made by tests/test_architecture.py from the imports"


def _room(layer: str, package: str, module: str) -> str | None:
    """The room of ``module`` in its layer: an area's sub-package, else the layer's kernel."""
    if not module.startswith(package + "."):
        return None
    rest = module[len(package) + 1 :].split(".")
    graph_package = f"{package}.{rest[0]}"
    return rest[0] if len(rest) > 1 or _is_package(graph_package) else "kernel"


def _is_package(module: str) -> bool:
    root = Path(__file__).resolve().parent.parent
    return (root / module.replace(".", "/") / "__init__.py").is_file()


def house() -> str:
    """The mermaid flowchart of the rooms of each layer and the arrows between them."""
    graph = grimp.build_graph("crm", "handlers", "web", exclude_type_checking_imports=True)
    lines = [START, "flowchart TB"]
    for layer, package in LAYERS.items():
        arrows: set[tuple[str, str]] = set()
        rooms: set[str] = set()
        for module in graph.modules:
            here = _room(layer, package, module)
            if here is None:
                continue
            rooms.add(here)
            for imported in graph.find_modules_directly_imported_by(module):
                there = _room(layer, package, imported)
                if there is not None and there != here:
                    arrows.add((here, there))
        slug = layer.replace("/", "_")
        lines.append(f'    subgraph {slug}["{layer}/"]')
        lines += [f'        {slug}_{room}["{room}"]' for room in sorted(rooms)]
        lines += [f"        {slug}_{a} --> {slug}_{b}" for a, b in sorted(arrows)]
        lines.append("    end")
    return "\n".join(lines)


def test_the_picture_of_the_house_is_the_code() -> None:
    block = re.search(rf"```mermaid\n({re.escape(START)}.*?)\n```", DOC.read_text(), re.S)
    assert block is not None, f"docs/architecture.md lacks the house; put in:\n{house()}"
    assert block.group(1) == house(), f"the house changed; docs/architecture.md gets:\n{house()}"
