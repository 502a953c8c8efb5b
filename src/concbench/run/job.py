"""A user's own job (`concbench run --job MODULE:FUNCTION`), checked once per interpreter before the run.

`check()` runs `python -m concbench.run.job` in each interpreter the cells will use: it imports the job
there, runs its setup and the sync reference (FUNCTION(i) for every item: the digest every cell is
checked against, computed once, outside every clock), and finds what some models cannot do with it:
results that do not pickle (multiprocessing, subinterpreters), a module that does not import in a
subinterpreter, an import that switches the GIL back on (free-threading), an async form that does
not run under trio, no async form at all (the `native` variants), no blocking form (gevent). Each of
those makes its cells n/a, with the reason. What makes the job itself unusable (a module that does
not import, a name that is not a function, an item that raises) is `fatal`: on the first
interpreter the run stops there with that one line (exit code 2), on another its job cells are n/a.
"""

from __future__ import annotations

import inspect
import json
import pickle
import re
import subprocess
import sys
import sysconfig
import time
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any

from concbench.suites.job.workload import Unverifiable
from concbench.worker.verify import digest

MARK = "concbench-job: "  # the line of the check's stdout that carries its JSON (the job may print)
REF = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
NO_ASYNC = "no async form given (--async-job MODULE:AFUNCTION, or a --job that is an async def)"
NO_BLOCKING = "the job is only an async def, and gevent runs blocking code: give --job a plain function"


def parse_ref(text: str, flag: str) -> str:
    """`MODULE:FUNCTION` as typed, or a ValueError with one line saying what is wrong."""
    if not REF.fullmatch(text):
        raise ValueError(f"{flag} {text!r}: expected MODULE:FUNCTION, such as mymodule:resize")
    if text.partition(":")[0] == "__main__":
        raise ValueError(f"{flag} {text!r}: name the function's module, not __main__ (it is not importable)")
    return text


@dataclass(frozen=True)
class Job:
    """What the user asked for; `path` is the directory the job's module is found from."""

    function: str = ""  # MODULE:FUNCTION, blocking or async def
    async_function: str = ""  # MODULE:AFUNCTION, the native async form
    setup: str = ""  # MODULE:FUNCTION, once per process or interpreter, before the clock
    path: str = ""

    def options(self) -> dict[str, str]:
        """What the job workload's Params take (given to every cell's worker)."""
        return {
            "job": self.function,
            "async_job": self.async_function,
            "job_setup": self.setup,
            "job_path": self.path,
        }


@dataclass
class Checked:
    """What the check found on one interpreter."""

    fatal: str = ""
    fingerprints: list[str] = field(default_factory=list)  # per item, of the sync reference's result
    reasons: dict[str, str] = field(default_factory=dict)  # "model" or "model/variant" -> why n/a
    sources: dict[str, str] = field(default_factory=dict)  # MODULE:FUNCTION -> its source
    reference_s: float = 0.0

    def digest(self, items: int) -> str:
        return digest(self.fingerprints[:items])

    def reason(self, model: str, variant: str) -> str | None:
        return self.fatal or self.reasons.get(f"{model}/{variant}") or self.reasons.get(model)


def check(python: str, job: Job, items: int, timeout_s: float, env: dict[str, str]) -> Checked:
    """Run the check in `python` (from the job's directory); a crash or a hang is `fatal`."""
    argv = [python, "-m", "concbench.run.job", json.dumps({"job": job.options(), "items": items})]
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout_s, cwd=job.path or None, env=env
        )
    except subprocess.TimeoutExpired:
        return Checked(fatal=f"the sync reference ({items} items) took over {timeout_s:g} s (see --timeout)")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            return Checked(**json.loads(line[len(MARK) :]))
    last = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    return Checked(fatal=f"checking the job failed: {last[:300]}")


def plan(job: Job, checked: dict[str, Checked], cells: list, interpreters: list[str]) -> dict:
    """The run's Plan fields for `job`: its options, the cells each interpreter refuses (n/a, with the
    reason), the digest each job cell is checked against, and what the manifest records of it."""
    refusals, references = {}, {}
    for interp in interpreters:
        found = checked[interp]
        for c in (c for c in cells if c.workload == "job"):
            if reason := found.reason(c.model, c.variant):
                refusals[(interp, "job", c.model, c.variant)] = reason
            else:
                references[(interp, "job", c.params_json)] = found.digest(c.params["items"])
    record = {
        **asdict(job),
        "sources": checked[interpreters[0]].sources,
        "checked": {
            i: {"reference_s": round(c.reference_s, 4), "fatal": c.fatal} for i, c in checked.items()
        },
    }
    return {
        "options": job.options(),
        "refusals": refusals,
        "references": references,
        "manifest": {"job": record},
    }


# What follows runs inside the interpreter being checked.


def _line(e: BaseException) -> str:
    """`Type: message`, without the notes 3.14 adds below it."""
    return traceback.format_exception_only(e)[0].strip()[:300]


def _resolve(ref: str, flag: str) -> Any:
    from concbench.suites.job.workload import resolve

    module = ref.partition(":")[0]
    try:
        fn = resolve(ref)
    except ImportError as e:
        raise _Fatal(f"{flag} {ref}: cannot import {module}: {_line(e)}") from e
    except AttributeError as e:
        raise _Fatal(f"{flag} {ref}: {module} has no {ref.partition(':')[2]}") from e
    if not callable(fn):
        raise _Fatal(f"{flag} {ref}: not a function but {type(fn).__name__}")
    return fn


class _Fatal(Exception):
    pass


def _in_subinterpreter(p: Any) -> str:
    """Why the job's modules do not import in a fresh subinterpreter ("" when they do, or when this
    interpreter has none)."""
    try:
        from concurrent import interpreters
    except ImportError:
        return ""
    modules = sorted({ref.partition(":")[0] for ref in (p.job, p.async_job, p.job_setup) if ref})
    code = f"import sys; sys.path.insert(0, {p.job_path!r})\n" + "".join(f"import {m}\n" for m in modules)
    interp = interpreters.create()
    try:
        interp.exec(code)
    except interpreters.ExecutionFailed as e:
        return f"{', '.join(modules)} does not import in a subinterpreter: {str(e).strip().splitlines()[-1]}"
    finally:
        interp.close()
    return ""


def _under_trio(afn: Any) -> str:
    try:
        import trio
    except ImportError:
        return ""
    try:
        trio.run(afn, 0)
    except Exception as e:
        return f"the async form does not run under trio ({_line(e)}); written with anyio it runs on both"
    return ""


def inspect_job(options: dict[str, str], items: int) -> Checked:
    from concbench.suites.job.workload import Params, async_form, fingerprint, on_path, ready, unit

    p = Params(items=items, workers=1, **options)
    out = Checked()
    on_path(p)
    found: dict[str, Any] = {}  # flag -> the function it names
    for flag, ref in (("--job", p.job), ("--async-job", p.async_job), ("--job-setup", p.job_setup)):
        if ref:
            fn = found[flag] = _resolve(ref, flag)
            if flag == "--async-job" and not inspect.iscoroutinefunction(fn):
                raise _Fatal(f"--async-job {ref}: not an async def")
            try:
                out.sources[ref] = inspect.getsource(fn)
            except (OSError, TypeError):
                out.sources[ref] = ""
    try:
        ready(p)
    except Exception as e:
        raise _Fatal(f"--job-setup {p.job_setup} raised {_line(e)}") from e
    one, name = unit(p), p.job or p.async_job
    results = []
    t0 = time.perf_counter()
    for i in range(items):
        try:
            results.append(one(i))
        except Exception as e:
            raise _Fatal(f"{name}({i}) raised {_line(e)}") from e
    out.reference_s = time.perf_counter() - t0
    try:
        out.fingerprints = [fingerprint(r) for r in results]
    except Unverifiable as e:
        raise _Fatal(f"{name}: {e}") from e
    try:
        pickle.dumps(results)
    except Exception as e:
        why = f"the results do not pickle ({_line(e)}), and this model sends them back pickled"
        out.reasons["multiprocessing"] = out.reasons["subinterpreters"] = why
    if why := _in_subinterpreter(p):
        out.reasons.setdefault("subinterpreters", why)
    if sysconfig.get_config_var("Py_GIL_DISABLED") and sys._is_gil_enabled():
        out.reasons["freethreading"] = "importing the job re-enabled the GIL on this free-threaded build"
    afn = async_form(p)
    if afn is None:
        out.reasons["asyncio/native"] = out.reasons["trio/native"] = NO_ASYNC
    else:
        if why := _under_trio(afn):
            out.reasons["trio/native"] = why
        if p.job and p.async_job:
            import asyncio

            if fingerprint(asyncio.run(afn(0))) != out.fingerprints[0]:
                raise _Fatal(f"--async-job {p.async_job}: item 0's result differs from {p.job}'s")
    if not p.job or inspect.iscoroutinefunction(found["--job"]):
        out.reasons["gevent"] = NO_BLOCKING
    return out


def main() -> None:
    spec = json.loads(sys.argv[1])
    try:
        out = inspect_job(spec["job"], spec["items"])
    except _Fatal as e:
        out = Checked(fatal=str(e))
    print(MARK + json.dumps(asdict(out)), flush=True)


if __name__ == "__main__":
    main()
