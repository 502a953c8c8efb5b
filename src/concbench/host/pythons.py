"""Interpreters: which ones are on this machine, and what each one is, learned by running it."""

from __future__ import annotations

import contextlib
import json
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

PROBE = Path(__file__).parent.parent / "worker" / "probe.py"  # run as a script in the probed interpreter


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
    config_args: str = ""  # sysconfig's CONFIG_ARGS: ./configure's flags

    @property
    def id(self) -> str:
        """Tells 3.14 from 3.14t: `cpython-3.14.7t`."""
        return f"{self.implementation}-{self.version}{'t' if self.gil_disabled_build else ''}"

    def to_dict(self) -> dict:
        return {"id": self.id, **asdict(self)}


def optimizations(config_args: str) -> str:
    """`PGO+LTO`, `PGO`, `LTO` or `no PGO or LTO` (+ `debug`), from ./configure's flags; "" unknown.
    Interpreters built differently differ by their flags as well as their version: say which."""
    if not config_args:
        return ""
    flags = {f.split("=")[0] for f in shlex.split(config_args) if not f.endswith(("=no", "=false"))}
    found = [
        name for flag, name in (("--enable-optimizations", "PGO"), ("--with-lto", "LTO")) if flag in flags
    ]
    return ("+".join(found) or "no PGO or LTO") + (", debug" if "--with-pydebug" in flags else "")


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


LOOK = """import json, sys, sysconfig
print(json.dumps({"version": sys.version.split()[0], "prefix": sys.prefix,
                  "usable": sys.version_info >= (3, 11),
                  "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED"))}))"""
HOW_TO_GET = {
    "3.14": "uv python install 3.14 (or your distro's python3.14)",
    "3.14t": "uv python install 3.14t (free-threaded; Debian/Ubuntu have no package for it)",
}


@dataclass(frozen=True)
class Found:
    """An interpreter found on this machine, and what a quick look at it said."""

    path: str
    source: str  # --python | current | PATH | uv | pyenv
    version: str = ""
    free_threaded: bool = False
    prefix: str = ""
    problem: str = ""  # why it is not usable

    @property
    def family(self) -> str:
        """`3.14` or `3.14t`: the minor version and the build."""
        return ".".join(self.version.split(".")[:2]) + ("t" if self.free_threaded else "")


def _candidates(explicit: list[str]) -> list[tuple[str, str]]:
    found = [(p, "--python") for p in explicit] + [(sys.executable, "current")]
    for minor in range(11, 16):
        for suffix in ("", "t"):
            if path := shutil.which(f"python3.{minor}{suffix}"):
                found.append((path, "PATH"))
    if uv := shutil.which("uv"):
        out = subprocess.run(
            [uv, "python", "list", "--only-installed", "--output-format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        with contextlib.suppress(ValueError):
            found += [(e["path"], "uv") for e in json.loads(out.stdout or "[]") if e.get("path")]
    if pyenv := shutil.which("pyenv"):
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=60).stdout.strip()
        found += [(str(p), "pyenv") for p in sorted(Path(root).glob("versions/*/bin/python3"))]
    return found


def _look(path: str, source: str) -> Found:
    try:
        proc = subprocess.run([path, "-c", LOOK], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return Found(path, source, problem=f"does not run ({e})")
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[0]
        return Found(path, source, problem=f"does not run: {first[:120]}")
    info = json.loads(proc.stdout)
    problem = "" if info["usable"] else "older than 3.11"
    return Found(path, source, info["version"], info["free_threaded"], info["prefix"], problem)


def discover(explicit: list[str] | None = None) -> list[Found]:
    """Interpreters given, on PATH, known to uv and to pyenv, one per installation (by sys.prefix)."""
    with ThreadPoolExecutor(8) as pool:
        looked = list(pool.map(lambda c: _look(*c), _candidates(explicit or [])))
    unique: dict[tuple[str, bool], Found] = {}
    for f in looked:
        unique.setdefault((f.prefix or f.path, f.free_threaded), f)

    def order(f: Found) -> tuple:
        return f.problem != "", tuple(int(x) for x in f.version.split(".") if x.isdigit()), f.free_threaded

    return sorted(unique.values(), key=order)


def missing_families(found: list[Found]) -> dict[str, str]:
    """The 3.14 builds concbench is about that were not found, with how to get them."""
    have = {f.family for f in found if not f.problem}
    return {family: how for family, how in HOW_TO_GET.items() if family not in have}
