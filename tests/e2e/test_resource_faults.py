"""A cell that runs out of disk space or file descriptors fails with that reason; the run goes on and
its scratch directory is removed."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def run(out: Path, scratch: Path, *args: str, nofile: int | None = None) -> subprocess.CompletedProcess:
    """`concbench run --workload disk_io` writing into `scratch`, under an RLIMIT_NOFILE if given; one
    round (a first round always runs), every cell in it."""

    def limit() -> None:
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    argv = [sys.executable, "-m", "concbench", "run", "--workload", "disk_io", "--model", "sync"]
    argv += [*args, "--rounds", "1", "--scratch", str(scratch), "--python", sys.executable]
    return subprocess.run(
        [*argv, "--out", str(out)], capture_output=True, text=True, timeout=300, preexec_fn=limit
    )


def rows(out: Path) -> list[dict]:
    with (out / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def tiny_tmpfs(tmp_path) -> Iterator[Path]:
    """A 256 KiB tmpfs: a 1 MiB file does not fit (root only)."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_full_disk_fails_the_cell_with_enospc_and_the_run_goes_on(tmp_path, tiny_tmpfs):
    proc = run(tmp_path / "out", tiny_tmpfs)
    assert proc.returncode == 1, proc.stderr[-2000:]  # some cells failed; not a crash
    got = rows(tmp_path / "out")
    big = [r for r in got if r["workload"] == "disk_io" and '"size":1048576' in r["params"]]
    assert big and all(r["status"] == "failed" for r in big)
    assert all("No space left on device" in r["reason"] for r in big), [r["reason"] for r in big]
    assert {r["status"] for r in got if r["workload"] == "null"} == {"ok"}, "the other cells ran"
    assert not list(tiny_tmpfs.iterdir()), "every cell's scratch directory is removed"


def test_too_many_open_files_fails_the_cell_with_emfile(tmp_path):
    """40 pool processes need more than 32 descriptors in the cell; sync's cells need far fewer. On
    3.14 the pool raises EMFILE; an older ProcessPoolExecutor hangs instead (its manager thread
    dies), and the cell's own timeout ends it."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    args = ("--model", "multiprocessing", "--workers", "40", "--timeout", "10")
    proc = run(tmp_path / "out", scratch, *args, nofile=32)
    assert proc.returncode == 1, proc.stderr[-2000:]
    got = rows(tmp_path / "out")
    failed = [r for r in got if r["status"] == "failed"]
    reasons = ["Too many open files"] + (["timed out"] if sys.version_info < (3, 14) else [])
    assert failed and all(r["model"] == "multiprocessing" for r in failed)
    assert all(any(why in r["reason"] for why in reasons) for r in failed), [r["reason"] for r in failed]
    assert any(r["status"] == "ok" and r["workload"] == "disk_io" for r in got), "the run went on"
    assert not list(scratch.iterdir()), "every cell's scratch directory is removed"
