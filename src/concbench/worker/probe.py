"""Facts about the interpreter that runs this file, printed as JSON.

Run as a script (`python -P probe.py MODULE...`) by `concbench.host.pythons`, so it works on any
interpreter, even one without concbench installed; it therefore imports nothing from concbench.
Each module is imported in its own child process, so a module that re-enables the GIL (gevent on a
free-threaded build) is caught by name and cannot hide the others.
"""

import json
import multiprocessing
import os
import platform
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata

PACKAGES = (
    "concbench pyperf httpx aiohttp gevent greenlet trio anyio aiofiles uvloop urllib3 "
    "matplotlib pandas rich psutil"
).split()

IMPORT_CHECK = """
import importlib, json, sys, warnings
gil = getattr(sys, "_is_gil_enabled", lambda: True)
before = gil()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    importlib.import_module(sys.argv[1])
print(json.dumps({"ok": True, "enables_gil": gil() and not before}))
"""


def check_import(module: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-P", "-c", IMPORT_CHECK, module],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode == 0:
        return json.loads(proc.stdout)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    return {"ok": False, "error": lines[-1] if lines else f"exit code {proc.returncode}"}


def version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def facts(modules: list[str]) -> dict:
    with ThreadPoolExecutor(4) as pool:
        imports = dict(zip(modules, pool.map(check_import, modules), strict=True))
    # the CPUs this process may use (affinity: `taskset`, --server-cpus), on 3.11 too
    affinity = getattr(os, "sched_getaffinity", None)
    cpu_count = len(affinity(0)) if affinity else getattr(os, "process_cpu_count", os.cpu_count)()
    return {
        "executable": sys.executable,
        "implementation": sys.implementation.name,
        "version": platform.python_version(),
        "version_info": list(sys.version_info[:3]),
        "gil_disabled_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "cpu_count": cpu_count,
        "mp_start_method": multiprocessing.get_start_method(),
        "config_args": sysconfig.get_config_var("CONFIG_ARGS") or "",  # how it was built: PGO, LTO…
        "platform": platform.platform(),
        "packages": {p: v for p in PACKAGES if (v := version(p))},
        "imports": imports,
    }


if __name__ == "__main__":
    print(json.dumps(facts(sys.argv[1:])))
