"""`concbench new`: the package it writes installs into a fresh environment, where `concbench list`
shows it in all eight models and `concbench run` runs and verifies it in each (one round), as it would
a built-in workload."""

import csv
import json
import site
import subprocess
import sys
import sysconfig
from importlib import util
from pathlib import Path

from concbench.cli import main
from concbench.workloads import MODEL_NAMES

NAME = "plugdemo"
# Run in the venv: what its own registry makes of the installed plug-in, and which of its cells are
# n/a on this interpreter (and why), by the same rule `concbench list` and `run` use.
REGISTRY = """
import json, sys
from concbench.host.pythons import probe
from concbench.registry import WORKLOADS, Cell, probe_modules, unavailable
wl = WORKLOADS[sys.argv[1]]
facts = probe(sys.executable, probe_modules())
print(json.dumps({
    "package": wl.package,
    "variants": {m: [v.name for v in vs] for m, vs in wl.variants.items()},
    "n/a": {m: unavailable(Cell(wl.name, m, "default", {}), facts) for m in wl.variants},
}))
"""


def ok(*cmd: object, timeout: float = 120, cwd: Path | None = None) -> str:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, cwd=cwd)
    assert proc.returncode == 0, f"{cmd}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def venv_with_this_environment(where: Path) -> Path:
    """A new venv that also sees this environment's packages (concbench, its dependencies, pip)."""
    # without pip: this environment's (via the .pth below) installs into it; and before 3.12 a venv's
    # own pip comes with an old setuptools that would shadow this environment's (no bdist_wheel)
    ok(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", where)
    python = where / "bin" / "python"
    # --system-site-packages gives the base interpreter's site-packages; when this one is a venv
    # (tox, CI, a dev venv) its packages are not there. A .pth adds them, their own .pth files (an
    # editable concbench) included, after the venv's own site-packages.
    purelib = Path(ok(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    lines = [f"import site; site.addsitedir({d!r})\n" for d in site.getsitepackages() if Path(d).is_dir()]
    (purelib / "_concbench_test_env.pth").write_text("".join(lines))
    return python


def test_scaffold_installs_lists_and_runs_in_every_model(tmp_path, capsys):
    assert main(["new", NAME, "--dir", str(tmp_path / "src")]) == 0
    capsys.readouterr()
    project = tmp_path / "src" / NAME
    python = venv_with_this_environment(tmp_path / "venv")
    # a plain install, as concbench's own environments are; no index needed when setuptools is here
    offline = ["--no-build-isolation"] if util.find_spec("setuptools") else []
    ok(python, "-m", "pip", "install", "--quiet", "--no-deps", *offline, project, timeout=300)

    # its own tests: sync, threads and asyncio against the reference, on the installed package
    ok(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", project / "tests", cwd=tmp_path)

    found = json.loads(ok(python, "-c", REGISTRY, NAME, cwd=tmp_path))
    assert found["package"] == NAME  # found through its entry point, modules in the installed package
    assert found["variants"] == {m: ["default"] for m in MODEL_NAMES}
    na = found["n/a"]
    runs_everywhere = {"sync", "threads", "asyncio", "multiprocessing"}
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        runs_everywhere.add("freethreading")
    if sys.version_info >= (3, 14):
        runs_everywhere.add("subinterpreters")
    assert not {m for m in runs_everywhere if na[m]}, na

    listing = ok(python, "-m", "concbench", "list", "--python", python, cwd=tmp_path)
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in listing.splitlines() if "│" in line]
    ours = {r[1]: r[4] for r in rows if r[0] == NAME}
    assert list(ours) == list(MODEL_NAMES), listing
    for model, here in ours.items():
        assert (here == "ok") if na[model] is None else here.startswith("n/a: "), (model, here)

    out = tmp_path / "out"
    run = ["run", "--workload", NAME, "--python", python, "--rounds", "1", "--seed", "1", "--out", out]
    ok(python, "-m", "concbench", *run, timeout=240, cwd=tmp_path)
    with (out / "results.csv").open(newline="") as f:
        cells = {r["model"]: r for r in csv.DictReader(f) if r["workload"] == NAME}
    assert set(cells) == set(MODEL_NAMES), cells.keys()
    for model, row in cells.items():
        if na[model] is None:
            assert (row["status"], row["digest_ok"]) == ("ok", "True"), row
        else:
            assert (row["status"], row["reason"]) == ("n/a", na[model]), row
