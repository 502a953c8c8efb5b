"""Damaged results directories and runaway --param values: one line naming the problem, exit code 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def good(tmp_path_factory, concbench) -> Path:
    """A real run of the null workload: two cells, each with its raw file."""
    out = tmp_path_factory.mktemp("hostile") / "good"
    proc = concbench("run", "--workload", "null", "--model", "sync", "--model", "threads", "--out", str(out))
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


def one_line_refusal(proc, says: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert says in proc.stderr, proc.stderr


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("command", ["report", "compare", "merge", "plot"])
def test_a_damaged_directory_is_refused_in_one_line(good, tmp_path, concbench, damage, command):
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    edit, says = DAMAGE[damage]
    edit(bad)
    args = {
        "report": ("report", str(bad), "-o", str(tmp_path / "r.html")),
        "compare": ("compare", str(good), str(bad)),
        "merge": ("merge", str(good), str(bad), "--out", str(tmp_path / "m")),
        "plot": ("plot", str(bad)),
    }[command]
    one_line_refusal(concbench(*args, timeout=120), says)
    assert not (tmp_path / "m").exists() and not (tmp_path / "r.html").exists(), "nothing written"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("--workload", "http_fanout", "--param", "latency_ms=100000000"),
            "latency_ms=100000000: over its limit",
        ),
        (
            ("--workload", "http_fanout", "--param", f"requests={10**9}"),
            "requests=1000000000: over its limit",
        ),
        (("--workload", "cpu_bound", "--sweep", "tasks=1,99999999"), "tasks=99999999: over its limit"),
        (("--workload", "cpu_bound", "--workers", "100000"), "workers=100000: over its limit of 1024"),
    ],
)
def test_a_runaway_param_is_refused_with_its_limit(concbench, tmp_path, args, says):
    proc = concbench("run", *args, "--out", str(tmp_path / "out"), timeout=60)
    one_line_refusal(proc, says)
    assert not (tmp_path / "out").exists(), "refused before anything is written"


def test_the_limits_leave_every_built_in_case_alone():
    from concbench.registry import WORKLOADS, check_limits

    for wl in WORKLOADS.values():
        for case in [*wl.quick, *wl.full]:
            check_limits({k: [v] for k, v in case.items()})
