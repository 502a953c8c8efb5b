"""One cached virtual environment per interpreter, with this checkout of concbench installed.

The environment is keyed by the interpreter and by the project's `pyproject.toml`, so it is rebuilt
when the dependencies change; the install is editable, so the suites' code is always the checkout's.
uv builds it when installed (fast), else `venv` + pip. Environments live in
$CONCBENCH_ENVS (default ~/.cache/concbench/envs).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import concbench


class EnvError(Exception):
    """The environment could not be built; the message says why, in one line."""


def cache_dir() -> Path:
    return Path(os.environ.get("CONCBENCH_ENVS") or Path.home() / ".cache" / "concbench" / "envs")


def project_root() -> Path | None:
    """The concbench checkout: the current directory or one above it, else the one this package was
    installed from in editable mode; None for a plain install (nothing to install elsewhere)."""
    for start in (Path.cwd(), Path(concbench.__file__).resolve().parent):
        for d in (start, *start.parents):
            toml = d / "pyproject.toml"
            if toml.is_file() and 'name = "concbench"' in toml.read_text():
                return d
    return None


def env_dir(python: str, root: Path, label: str, skip: tuple[str, ...] = ()) -> Path:
    text = f"{Path(python).resolve()}\n{(root / 'pyproject.toml').read_text()}\n{','.join(skip)}"
    return cache_dir() / f"{label}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def dependencies(root: Path, skip: tuple[str, ...]) -> list[str]:
    """The project's dependencies less the packages in `skip` (by distribution name)."""
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    return [d for d in deps if re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0].lower() not in skip]


def ensure(python: str, root: Path, label: str, skip: tuple[str, ...] = (), timeout_s: float = 900) -> str:
    """The environment's interpreter for `python`, built now unless a good one is cached.

    `skip`: dependencies not to install (gevent on a free-threaded build, where importing it would
    switch the GIL back on, so its cells are n/a anyway, and there is no wheel to install it from)."""
    target = env_dir(python, root, label, skip)
    exe = target / "bin" / "python"
    if (target / ".concbench-ok").is_file() and exe.exists():
        return str(exe)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if uv := shutil.which("uv"):
        steps = [[uv, "venv", "--python", python, str(target)], [uv, "pip", "install", "--python", str(exe)]]
    else:
        steps = [[python, "-m", "venv", str(target)], [str(exe), "-m", "pip", "install", "--quiet"]]
    if skip:  # the dependencies but those, then the project alone
        deps = dependencies(root, skip)
        install = [steps[1] + deps] if deps else []
        steps = [steps[0], *install, [*steps[1], "--no-deps", "-e", str(root)]]
    else:
        steps[1] += ["-e", str(root)]
    for step in steps:
        try:
            proc = subprocess.run(step, capture_output=True, text=True, timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise EnvError(f"{step[0]}: {e}") from e
        if proc.returncode != 0:
            errors = [
                ln for ln in proc.stderr.splitlines() if "error" in ln.lower()
            ] or proc.stderr.splitlines()
            raise EnvError(f"building the environment for {python} failed: {(errors or ['?'])[-1][:200]}")
    (target / ".concbench-ok").write_text(concbench.__version__)
    return str(exe)
