"""Interpreter discovery (it runs each interpreter found) and the per-interpreter environments it
builds (venvs, pip). `concbench pythons` itself: tests/e2e/test_cli.py."""

import subprocess
import sys
from pathlib import Path

import pytest

from concbench.host import envs
from concbench.host.pythons import discover, missing_families


def test_discovery_finds_this_interpreter(facts):
    found = discover()
    (me,) = [f for f in found if f.source == "current"]
    assert me.version == facts.version and me.free_threaded == facts.gil_disabled_build and not me.problem
    assert len({(f.prefix, f.free_threaded) for f in found if f.prefix}) == len(
        [f for f in found if f.prefix]
    )


def test_missing_314_builds_say_how_to_get_them():
    found = [f for f in discover() if not f.family.startswith("3.14")]
    assert set(missing_families(found)) == {"3.14", "3.14t"}
    assert "uv python install 3.14t" in missing_families(found)["3.14t"]


def fake_project(root, dependencies="[]"):
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "fakebench"\nversion = "0.1"\ndependencies = {dependencies}\n'
        '[tool.setuptools]\npy-modules = ["fakebench"]\n'
    )
    (root / "fakebench.py").write_text("HELLO = 1\n")
    return root


@pytest.fixture
def env_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONCBENCH_ENVS", str(tmp_path / "envs"))
    return tmp_path / "envs"


def test_environment_is_built_cached_and_rebuilt_when_deps_change(tmp_path, env_cache):
    root = fake_project(tmp_path / "proj")
    exe = envs.ensure(sys.executable, root, "me")
    assert subprocess.run([exe, "-c", "import fakebench"], timeout=60).returncode == 0
    marker = envs.env_dir(sys.executable, root, "me") / ".concbench-ok"
    stamp = marker.stat().st_mtime_ns
    assert envs.ensure(sys.executable, root, "me") == exe and marker.stat().st_mtime_ns == stamp, "cached"
    where = [exe, "-c", "import fakebench; print(fakebench.HELLO, fakebench.__file__)"]
    hello, path = subprocess.run(where, capture_output=True, text=True, timeout=60).stdout.split()
    assert hello == "1" and Path(path).is_relative_to(env_cache), "installed, not editable"
    (root / "fakebench.py").write_text("HELLO = 2\n")
    assert envs.ensure(sys.executable, root, "me") == exe
    assert subprocess.run(where, capture_output=True, text=True, timeout=60).stdout.split()[0] == "2", (
        "reinstalled when the code changed"
    )
    fake_project(root, dependencies='["fakebench-dependency-that-does-not-exist-here==0"]')
    with pytest.raises(envs.EnvError, match="failed"):
        envs.ensure(sys.executable, root, "me")  # a new key: rebuilt, and this one cannot be
    assert len(list(env_cache.iterdir())) == 2


def test_a_cells_environment_has_what_the_servers_extras_need():
    """A cell's environment has only the project's dependencies less the runner's (matplotlib brought
    `packaging` to the runner's venv, not to theirs): gunicorn's gevent worker needs its extra's."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    names = {Requirement(d).name for d in envs.dependencies(envs.project_root(), ())}
    extra = [Requirement(r) for r in requires("gunicorn") or []]
    needed = {r.name for r in extra if r.marker and r.marker.evaluate({"extra": "gevent"})}
    assert needed and needed <= names, needed - names


def test_a_free_threaded_environment_leaves_out_what_would_switch_the_gil_on(tmp_path, env_cache):
    """gevent's import re-enables the GIL on 3.14t, so its cells are n/a there and it is not built."""
    from concbench.registry import gil_only_packages

    assert gil_only_packages() == ("gevent",)
    deps = envs.dependencies(envs.project_root(), gil_only_packages())
    assert not [d for d in deps if d.startswith("gevent")] and any(d.startswith("pyperf") for d in deps)
    root = fake_project(
        tmp_path / "proj", dependencies='["fakebench-dependency-that-does-not-exist-here==0"]'
    )
    exe = envs.ensure(sys.executable, root, "ft", skip=("fakebench-dependency-that-does-not-exist-here",))
    assert subprocess.run([exe, "-c", "import fakebench"], timeout=60).returncode == 0
