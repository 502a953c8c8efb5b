"""The layout draws the architecture: packages by role, dependencies pointing one way, no cycle
between modules (imports inside functions and type-only imports count too)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import concbench

ROOT = Path(concbench.__file__).parent

# What each part of the package may import (besides itself). Read top to bottom: the command line
# plans and runs; the run launches workers, which are a subprocess away; the report only reads.
ALLOWED = {
    "__main__": {"cli"},
    "cli": {
        "errors",
        "outputs",
        "planning",
        "registry",
        "report",
        "results",
        "run",
        "host",
        "scaffold",
        "servers",
        "verdicts",
    },
    "planning": {"errors", "outputs", "registry", "results", "run", "host"},
    "run": {"registry", "results", "stats", "verdicts", "host", "worker", "suites", "workloads"},
    "report": {"registry", "results", "stats", "verdicts", "host", "workloads"},
    "verdicts": {"registry", "results", "stats", "workloads"},
    "results": {"registry", "host", "workloads"},
    "stats": set(),
    "registry": {"workloads", "host"},
    "scaffold": {"registry", "workloads"},
    "suites": {"workloads", "kit", "worker", "servers"},
    "kit": set(),
    "host": {"worker"},
    "worker": {"kit", "workloads"},
    "servers": {"worker"},
    "workloads": set(),
    "outputs": {"errors"},
    "errors": set(),
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports() -> dict[str, set[str]]:
    """Module -> the concbench modules it imports, anywhere in its body."""
    known = {_module(p) for p in ROOT.rglob("*.py")}
    out: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        if "template" in path.parts:  # the scaffold's templates are a plug-in's code, not concbench's
            continue
        me = _module(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").startswith("concbench")
            ):
                names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("concbench")]
            for name in names:
                while name not in known and "." in name:
                    name = name.rpartition(".")[0]
                if name != me and name != "concbench":
                    out[me].add(name)
    return out


def test_parts_import_only_what_they_may():
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in imports().items()
        for t in targets
        if _part(m) and _part(t) and _part(m) != _part(t) and _part(t) not in ALLOWED[_part(m)]
    )
    assert not wrong, wrong


def test_every_part_is_listed():
    parts = {_part(m) for m in imports()} | {_part(t) for ts in imports().values() for t in ts}
    assert parts - {""} <= set(ALLOWED), parts - set(ALLOWED)


def test_no_import_cycle_between_modules():
    graph = imports()
    # a package's __init__ re-exporting its own modules is not a cycle of the architecture
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_allowed_graph_itself_has_no_cycle():
    seen: dict[str, int] = {}

    def visit(part: str) -> None:
        assert seen.get(part) != 1, f"cycle through {part}"
        if seen.get(part) == 2:
            return
        seen[part] = 1
        for nxt in ALLOWED.get(part, ()):
            visit(nxt)
        seen[part] = 2

    for part in ALLOWED:
        visit(part)


def test_every_folder_of_code_is_a_package():
    """A folder without __init__.py is a namespace package, which a wheel built by setuptools'
    `packages.find` leaves out: installed (not editable), its modules would be missing."""
    folders = {p.parent for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts}
    assert not [str(f) for f in folders if not (f / "__init__.py").is_file()]
