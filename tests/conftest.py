import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from concbench.host.pythons import Facts, probe
from concbench.host.target import Target, serve
from concbench.registry import probe_modules

UNIT = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`unit`: logic checked in this process, in seconds (tests/unit/, and files marked so); `e2e`:
    everything that starts workers, servers or the CLI. `pytest -m unit` runs the first alone."""
    for item in items:
        if item.path.is_relative_to(UNIT) and not item.get_closest_marker("unit"):
            item.add_marker(pytest.mark.unit)
        elif not item.get_closest_marker("unit"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def http_server() -> Iterator[Target]:
    """concbench's mock server, for the whole session."""
    with serve() as target:
        yield target


@pytest.fixture(scope="session")
def facts() -> Facts:
    """The real facts of the interpreter running the tests."""
    return probe(sys.executable, probe_modules())


def _concbench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    if args[:1] == ("run",) and "--python" not in args:  # the interpreter under test, not every one found
        args = (*args, "--python", sys.executable)
    return subprocess.run(
        [sys.executable, "-m", "concbench", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def concbench():
    """Run the installed CLI on this interpreter, as a user would: concbench(*args, timeout=...)."""
    return _concbench


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One end-to-end `concbench run --workload cpu_bound --quick`, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("run") / "results"
    args = ("run", "--workload", "cpu_bound", "--quick", "--budget", "40s", "--seed", "7", "--out", str(out))
    return out, _concbench(*args)
