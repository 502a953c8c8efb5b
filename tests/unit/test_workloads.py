"""Workloads describe themselves: what a model file imports is what its variants declare (so a missing
package makes a cell n/a, never failed). (A new folder is a new workload: tests/e2e/test_workloads.py.)"""

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

from concbench.registry import MODELS, WORKLOADS

SRC = Path(__file__).resolve().parents[2] / "src"
ALWAYS = {"concbench", "pyperf", "psutil"}  # what the cell worker itself needs: there whenever it runs


def _module_file(name: str) -> Path | None:
    """The source file of module `name` (None for a name in a module, not a module of its own)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, AttributeError):
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def top_level_imports(module: str, seen: set[str] | None = None) -> set[str]:
    """The packages outside the standard library that importing `module` needs: its top-level
    imports, and those of the concbench modules it imports, transitively (not inside functions)."""
    seen = set() if seen is None else seen
    if module in seen or not (path := _module_file(module)):
        return set()
    seen.add(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    needs: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            names = [base] + [f"{base}.{a.name}" for a in node.names if node.level or base == "concbench"]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            if top == "concbench":
                needs |= top_level_imports(name, seen)
            elif top not in sys.stdlib_module_names:
                needs.add(top)
    return needs


MODEL_FILES = [
    (w, m)
    for w, wl in WORKLOADS.items()
    for m in wl.variants
    if (Path(SRC) / Path(*wl.package.split("."), f"{m}.py")).is_file()
]


@pytest.mark.parametrize("workload,model", MODEL_FILES)
def test_model_files_import_only_what_their_variants_declare(workload, model):
    wl = WORKLOADS[workload]
    needs = top_level_imports(f"{wl.package}.{model}") | top_level_imports(f"{wl.package}.workload")
    for v in wl.variants[model]:
        declared = {name.partition(".")[0] for name in MODELS[model].imports + v.imports} | ALWAYS
        assert needs <= declared, (
            f"{workload}/{model}.py imports {sorted(needs - declared)} at the top, but variant {v.name!r} "
            "does not declare them: without them the cell would fail instead of being n/a"
        )


def test_the_import_check_sees_a_missing_declaration(tmp_path, monkeypatch):
    """The check above is real: a module importing an undeclared package is caught, through a
    concbench helper module too."""
    pkg = tmp_path / "concbench_probe_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "direct.py").write_text("import aiofiles\nimport os\n")
    (pkg / "indirect.py").write_text("from concbench.kit.triorun import trio_runner\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert top_level_imports("concbench_probe_pkg.direct") == {"aiofiles"}
    assert top_level_imports("concbench_probe_pkg.indirect") == {"anyio"}


def test_workloads_are_found_and_know_their_package():
    builtin = {p.name for p in (SRC / "concbench" / "suites").iterdir() if (p / "workload.py").is_file()}
    assert builtin <= set(WORKLOADS)
    for name in builtin:
        assert WORKLOADS[name].package == f"concbench.suites.{name}"
    assert not WORKLOADS["job"].by_default, "the job workload runs only with --job"
