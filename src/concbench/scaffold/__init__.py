"""`concbench new NAME`: a workload package of your own (a plug-in), ready to `pip install`.

The package's modules are the files in `template/` (valid Python: the built-in workloads' shape, with
absolute imports of concbench's building blocks), copied with PLACEHOLDER replaced by the package
name; its pyproject.toml, README.md and test are the texts below. The pyproject declares the
workload in the `concbench.workloads` entry-point group, where the registry finds it once installed.
"""

from __future__ import annotations

import keyword
import shlex
import sys
from importlib import resources, util
from pathlib import Path

from concbench.workloads import MODEL_NAMES

PLACEHOLDER = "__workload_name__"
MODULES = ("__init__", "workload", *MODEL_NAMES)  # the files of template/, in the package

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "__workload_name__"
version = "0.1.0"
description = "The __workload_name__ workload for concbench, in all eight concurrency models"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["concbench"]

[project.entry-points."concbench.workloads"]
__workload_name__ = "__workload_name__.workload:WORKLOAD"

[tool.setuptools]
packages = ["__workload_name__"]
"""

README = """\
# __workload_name__

A workload of your own for concbench: the same work run in each of its eight concurrency models
(sync, threads, asyncio, trio, gevent, free-threading, subinterpreters, multiprocessing), every cell
timed and checked against a reference, like the built-in workloads.

## What to edit

- `__workload_name__/workload.py`: the work of one task (`work`), what each task works on
  (`Params.inputs`), the expected results computed another way (`reference`), the sizes (`QUICK`,
  `FULL`), and the summary `concbench list` shows (`WORKLOAD`). As it comes, it sums squares.
- `__workload_name__/<model>.py`: how each model runs the tasks. `setup(p)` prepares what the model
  needs (pools, loops, interpreters: not timed) and yields `run()`, which does every task once and
  returns the results in task order. A model that cannot run your work: take it out of
  `WORKLOAD.variants` and delete its file.
- `tests/test___workload_name__.py`: its tiny case, if you change the dimensions of `Params`.

## Install and run

Install it into the environment concbench is installed in (which also meets its dependency on
concbench), then check each model against the reference, see it in the matrix, and run it:

```sh
pip install -e .        # or `pip install .`, reinstalled after each edit
python -m pytest tests  # sync, threads and asyncio against the reference, without concbench's runner
concbench list          # __workload_name__ in all eight models, and which of them are n/a here and why
concbench run --workload __workload_name__
```

Add `--python PATH` to `concbench list` and `concbench run` for the interpreters that have this
package installed too (a free-threaded 3.14t, say, for the free-threading model).
"""

TEST = '''\
"""The models that run everywhere (sync, threads, asyncio) against the reference on a tiny case,
without concbench's runner, and the models the workload declares."""

import importlib

import pytest
from concbench.workloads import MODEL_NAMES

from __workload_name__.workload import WORKLOAD, Params, reference

TINY = Params(tasks=5, span=1_000, workers=2)  # change it with the dimensions of Params


@pytest.mark.parametrize("model", ["sync", "threads", "asyncio"])
def test_model_gives_the_reference(model):
    module = importlib.import_module(f"__workload_name__.{model}")
    with module.setup(TINY) as run:
        assert run() == reference(TINY)
        assert run() == reference(TINY)  # concbench calls run() many times after one setup


def test_every_model_has_a_variant():
    assert set(WORKLOAD.variants) == set(MODEL_NAMES)
'''


class ScaffoldError(ValueError):
    """The package cannot be made there or with that name; the message says why, in one line."""


def package_name(name: str) -> str:
    """NAME lower-cased, if it can be the name of a new top-level package and a workload."""
    from concbench.registry import WORKLOADS

    package = name.lower()
    if not (package.isascii() and package.isidentifier()) or keyword.iskeyword(package):
        raise ScaffoldError(
            f"{name!r} cannot be a package name: letters, digits and _, not a digit first, not a keyword"
        )
    if package in WORKLOADS:
        raise ScaffoldError(f"a workload named {package} exists already (in {WORKLOADS[package].package})")
    try:
        spec = util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:  # a namespace package (a bare directory) does not count
        raise ScaffoldError(f"a module named {package} is already importable ({spec.origin}): choose another")
    return package


def create(name: str, parent: Path) -> Path:
    """Write the package for workload `name` into parent/name (lower-cased); returns that directory,
    which must not exist or be empty."""
    package = package_name(name)
    target = parent / package
    template = resources.files(__name__) / "template"
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"tests/test_{package}.py": TEST,
        **{f"{package}/{m}.py": (template / f"{m}.py").read_text(encoding="utf-8") for m in MODULES},
    }
    try:
        if target.exists() and not (target.is_dir() and not any(target.iterdir())):
            raise ScaffoldError(f"{target}: already exists and is not an empty directory")
        for relative, text in files.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace(PLACEHOLDER, package), encoding="utf-8")
    except OSError as e:
        raise ScaffoldError(f"{target}: cannot write there ({e.strerror or e})") from e
    return target


def next_steps(target: Path) -> list[str]:
    """What to do with a new package: install it where concbench is (this interpreter), test, run."""
    python, where, package = shlex.quote(sys.executable), shlex.quote(str(target)), target.name
    return [
        "next: edit its workload.py, then install it where concbench is, test it, see it, run it:",
        f"  {python} -m pip install -e {where}",
        f"  {python} -m pytest {shlex.quote(str(target / 'tests'))}",
        "  concbench list",
        f"  concbench run --workload {package}",
    ]
