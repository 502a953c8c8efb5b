"""Interpreters: what each one is, learned by running it (`concbench/probe.py`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

PROBE = Path(__file__).with_name("probe.py")


class BadInterpreter(Exception):
    """The path given is not a Python interpreter that can be probed."""


@dataclass(frozen=True)
class Facts:
    executable: str
    implementation: str
    version: str
    version_info: list[int]
    gil_disabled_build: bool
    gil_enabled: bool
    cpu_count: int
    mp_start_method: str
    platform: str
    packages: dict[str, str]
    imports: dict[str, dict]

    @property
    def id(self) -> str:
        """Tells 3.14 from 3.14t: `cpython-3.14.7t`."""
        return f"{self.implementation}-{self.version}{'t' if self.gil_disabled_build else ''}"

    def to_dict(self) -> dict:
        return {"id": self.id, **asdict(self)}


def probe(python: str, modules: list[str]) -> Facts:
    """Run the probe on `python`; raise BadInterpreter with a one-line reason if it can't run."""
    exe = shutil.which(python) or python
    if not Path(exe).is_file():
        raise BadInterpreter(f"--python {python}: no such interpreter")
    try:
        proc = subprocess.run([exe, "-P", str(PROBE), *modules], capture_output=True, text=True, timeout=300)
    except OSError as e:
        raise BadInterpreter(f"--python {python}: cannot run it ({e.strerror})") from e
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise BadInterpreter(f"--python {python}: probe failed (needs Python >= 3.11): {last}")
    return Facts(**json.loads(proc.stdout))
