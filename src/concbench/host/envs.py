"""One cached virtual environment per interpreter, with this checkout of concbench installed.

The environment is keyed by the interpreter and by the project's `pyproject.toml`, so it is rebuilt
when the dependencies change; the project is reinstalled (not editable) when its code changes, so
the suites' code is always the checkout's.
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
    """What a cell's worker needs: the project's dependencies less its `runner-only` ones (the
    report's, in `[tool.concbench]`) and the packages in `skip` (by distribution name)."""
    toml = tomllib.loads((root / "pyproject.toml").read_text())
    left_out = {*skip, *toml.get("tool", {}).get("concbench", {}).get("runner-only", [])}
    deps = toml["project"]["dependencies"]
    return [d for d in deps if re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0].lower() not in left_out]


def source_digest(root: Path) -> str:
    """A digest of the project's code (every .py at the top and under src/), so an
    environment is reinstalled when the code it measures changes."""
    h = hashlib.sha256()
    files = [
        *root.glob("*.py"),
        *(root / "src").rglob("*.py"),
    ]
    for f in sorted(files):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _run(step: list[str], python: str, timeout_s: float) -> None:
    try:
        proc = subprocess.run(step, capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise EnvError(f"{step[0]}: {e}") from e
    if proc.returncode != 0:
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln.lower()] or proc.stderr.splitlines()
        raise EnvError(f"building the environment for {python} failed: {(errors or ['?'])[-1][:200]}")


def ensure(python: str, root: Path, label: str, skip: tuple[str, ...] = (), timeout_s: float = 900) -> str:
    """The environment's interpreter for `python`, built now unless a good one is cached.

    The dependencies are installed once per `pyproject.toml`; the project itself is installed as a
    plain (not editable) package and reinstalled whenever its code changes: an editable install's
    import hook runs in every new interpreter and process (it made a subinterpreter's start 2×
    dearer). `skip`: dependencies not to install (gevent on a free-threaded build, where importing
    it would switch the GIL back on, so its cells are n/a anyway, and there is no wheel for it)."""
    target = env_dir(python, root, label, skip)
    exe, marker = target / "bin" / "python", target / ".concbench-ok"
    if uv := shutil.which("uv"):
        install = [uv, "pip", "install", "--python", str(exe)]
        create = [uv, "venv", "--python", python, str(target)]
    else:
        install = [str(exe), "-m", "pip", "install", "--quiet"]
        create = [python, "-m", "venv", str(target)]
    if not (marker.is_file() and exe.exists()):
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        _run(create, python, timeout_s)
        if deps := dependencies(root, skip):
            _run(install + deps, python, timeout_s)
        marker.write_text("")
    code = source_digest(root)
    if marker.read_text() != code:
        _run([*install, "--no-deps", "--force-reinstall", str(root)], python, timeout_s)
        marker.write_text(code)
    return str(exe)
