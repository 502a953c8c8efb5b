"""Damaged results directories: one line naming the problem, exit code 2, nothing written. The damage is
done to copies of the session's real run (`quick_run`); the commands run in this process. Runaway
--param values, refused before anything runs: tests/unit/test_cli.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def good(quick_run) -> Path:
    """A real run: null and cpu_bound cells, each with its raw file."""
    out, proc = quick_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def truncate_csv(d: Path) -> None:
    text = (d / "results.csv").read_text()
    (d / "results.csv").write_text(text[: len(text) * 2 // 3])


def drop_raw(d: Path) -> None:
    next((d / "raw").glob("*.json")).unlink()


def newer(d: Path) -> None:
    m = json.loads((d / "manifest.json").read_text())
    (d / "manifest.json").write_text(json.dumps({**m, "format": 7}))


DAMAGE = {
    "truncated": (truncate_csv, "results.csv: ends in the middle of a line"),
    "empty": (lambda d: (d / "results.csv").write_text(""), "results.csv: empty"),
    "missing raw": (drop_raw, "is missing (results.csv line"),
    "newer format": (newer, "format 7 is newer than this concbench reads"),
    "binary csv": (lambda d: (d / "results.csv").write_bytes(b"\xff\xd8\xff\xe0JFIF\n"), "not UTF-8"),
    "binary manifest": (lambda d: (d / "manifest.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff"), "not UTF-8"),
    "truncated manifest": (
        lambda d: (d / "manifest.json").write_text((d / "manifest.json").read_text()[:100]),
        "manifest.json: not valid JSON",
    ),
    "no manifest": (lambda d: (d / "manifest.json").unlink(), "no manifest.json there"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_directory_is_refused_in_one_line(good, tmp_path, cli, refused, damage):
    """By each command that reads a results directory: report, compare, merge and plot."""
    bad = tmp_path / "bad"
    shutil.copytree(good, bad, ignore=shutil.ignore_patterns("*.png", "*.svg", "*.html"))
    edit, says = DAMAGE[damage]
    edit(bad)
    for args in (
        ("report", bad, "-o", tmp_path / "r.html"),
        ("compare", good, bad),
        ("merge", good, bad, "--out", tmp_path / "m"),
        ("plot", bad),
    ):
        refused(cli(*args), says)
    assert not (tmp_path / "m").exists() and not (tmp_path / "r.html").exists(), "nothing written"
    assert not list(bad.glob("chart-*")), "plot drew nothing"
