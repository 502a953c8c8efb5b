"""One cached virtual environment per interpreter, with this checkout of concbench installed.

The environment is keyed by the interpreter and by the project's `pyproject.toml`, so it is rebuilt
when the dependencies change; the install is editable, so the suites' code is always the checkout's.
uv builds it when installed (fast), else `venv` + pip. Environments live in
$CONCBENCH_ENVS (default ~/.cache/concbench/envs).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
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


def env_dir(python: str, root: Path, label: str) -> Path:
    key = hashlib.sha256(f"{Path(python).resolve()}\n{(root / 'pyproject.toml').read_text()}".encode())
    return cache_dir() / f"{label}-{key.hexdigest()[:12]}"


def ensure(python: str, root: Path, label: str, timeout_s: float = 900) -> str:
    """The environment's interpreter for `python`, built now unless a good one is cached."""
    target = env_dir(python, root, label)
    exe = target / "bin" / "python"
    if (target / ".concbench-ok").is_file() and exe.exists():
        return str(exe)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if uv := shutil.which("uv"):
        steps = [[uv, "venv", "--python", python, str(target)], [uv, "pip", "install", "--python", str(exe)]]
    else:
        steps = [[python, "-m", "venv", str(target)], [str(exe), "-m", "pip", "install", "--quiet"]]
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
