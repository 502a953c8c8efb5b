"""Shared fixtures. Tests live in two folders, marked by folder: tests/unit (`-m unit`: no run, worker,
server or CLI process of concbench; seconds in all) and tests/e2e (`-m e2e`: real runs, cell workers,
servers, the CLI). An e2e run that several tests can read is a session fixture here, run once."""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from concbench.host.pythons import Facts, probe
from concbench.host.target import Target, serve
from concbench.registry import probe_modules

TESTS = Path(__file__).resolve().parent
KINDS = ("unit", "e2e")


def pytest_configure(config: pytest.Config) -> None:
    """Runs plan their first round from this machine's records of earlier runs (run/costs.py): the
    tests' runs keep their own, fresh each session, so that what a test sees does not depend on
    what ran here before."""
    os.environ["CONCBENCH_COSTS"] = str(Path(tempfile.mkdtemp(prefix="concbench-costs-")) / "costs.json")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by its folder: tests/unit/... is `unit`, tests/e2e/... is `e2e`."""
    for item in items:
        kind = item.path.resolve().relative_to(TESTS).parts[0]
        if kind not in KINDS:
            raise pytest.UsageError(f"{item.nodeid}: a test belongs in tests/unit or tests/e2e")
        item.add_marker(kind)


@pytest.fixture(scope="session")
def http_server() -> Iterator[Target]:
    """concbench's mock server, for the whole session."""
    with serve() as target:
        yield target


@pytest.fixture(scope="session")
def facts() -> Facts:
    """The real facts of the interpreter running the tests."""
    return probe(sys.executable, probe_modules())


def _concbench(*args: str, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
    if args[:1] == ("run",) and "--python" not in args and "--resume" not in args:
        args = (*args, "--python", sys.executable)  # the interpreter under test, not every one found
    return subprocess.run(
        [sys.executable, "-m", "concbench", *args], capture_output=True, text=True, timeout=timeout, **kw
    )


@pytest.fixture(scope="session")
def concbench():
    """Run the installed CLI on this interpreter, as a user would: concbench(*args, timeout=...)."""
    return _concbench


class Said:
    """What an in-process `concbench` command returned and printed."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.returncode, self.stdout, self.stderr = code, out, err


@pytest.fixture
def cli(capsys, monkeypatch):
    """The CLI's own `main`, in this process: cli(*args) -> .returncode, .stdout, .stderr, like a
    process's. For the many inputs that are refused, or that read a directory, it saves a Python
    start-up each; a run on this interpreter gets `--python` as in `concbench`."""
    from concbench.cli import main

    monkeypatch.chdir(Path.cwd())  # `--resume` changes to the run's directory: put it back after

    def run(*args: str) -> Said:
        args = tuple(map(str, args))
        if args[:1] == ("run",) and "--python" not in args and "--resume" not in args:
            args = (*args, "--python", sys.executable)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Said(code, out.out, out.err)

    return run


def one_line_refusal(said, says: str) -> None:
    """Refused as bad input: exit code 2, one line on stderr saying `says`, nothing else printed."""
    assert said.returncode == 2, said.stdout + said.stderr
    assert "Traceback" not in said.stdout + said.stderr
    assert said.stdout == "" and said.stderr.count("\n") == 1, said.stdout + said.stderr
    assert said.stderr.startswith("concbench: error: "), said.stderr
    assert says in said.stderr, said.stderr


@pytest.fixture(scope="session")
def refused():
    """refused(said, says): the check every refusal of bad input passes (exit 2, one line)."""
    return one_line_refusal


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One end-to-end `concbench run --workload cpu_bound --quick`, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("run") / "results"
    args = ("run", "--workload", "cpu_bound", "--quick", "--budget", "40s", "--seed", "7", "--out", str(out))
    return out, _concbench(*args)


class Tiles(HTMLParser):
    """Each tile of the grid: its chips, its bars (label, ratio) and its status line; `jobs_of_tiles`:
    the job (its words) each tile is under."""

    def __init__(self):
        super().__init__()
        self.tiles: list[dict] = []
        self.jobs: list[str] = []
        self.jobs_of_tiles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        css = dict(attrs).get("class", "") or ""
        if "tile" in css.split():
            self.tiles.append({"chips": [], "bars": [], "meta": "", "it": "", "css": css})
            self.jobs_of_tiles.append(self.jobs[-1] if self.jobs else "")
        elif css in ("job", "it", "meta", "r", "l") or css.startswith("chip "):
            self._in = css.split()[0]

    def handle_data(self, data):
        if self._in is None:
            return
        if self._in == "job":
            self.jobs.append(data)
        elif self._in == "chip":
            self.tiles[-1]["chips"].append(data)
        elif self._in == "l":
            self.tiles[-1]["bars"].append([data])
        elif self._in == "r":
            self.tiles[-1]["bars"][-1].append(data)
        else:
            self.tiles[-1][self._in] += data
        self._in = None


@pytest.fixture
def parse_grid():
    """The report's verdict grid parsed back from its HTML: `.tiles` and `.jobs`."""

    def parse(html: str) -> Tiles:
        found = Tiles()
        found.feed(html)
        return found

    return parse
