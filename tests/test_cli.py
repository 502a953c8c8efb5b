"""Bad input: one line on stderr, exit code 2, no traceback. And `concbench list`."""

import sys

import pytest


@pytest.mark.parametrize(
    "args,message",
    [
        (["run", "--model", "nosuchmodel"], "invalid choice: 'nosuchmodel'"),
        (["run", "--workers", "0"], "must be a whole number >= 1"),
        (["run", "--workers", "two"], "must be a whole number >= 1"),
        (["run", "--timeout", "-1"], "must be a number > 0"),
        (["run", "--workload", "nope"], "invalid choice: 'nope'"),
        (["run", "--python", "/no/such/python"], "no such interpreter"),
        (["run", "--out", "/proc/concbench-out"], "cannot write there"),
        (["plot", "/no/such/dir"], "no results.csv there"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, concbench):
    proc = concbench(*args, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("concbench: error: ") and message in lines[0]


def test_out_under_a_file_is_unwritable(tmp_path, concbench):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = concbench("run", "--out", str(blocker / "sub"), timeout=120)
    assert proc.returncode == 2 and "cannot write there" in proc.stderr


def test_list_shows_every_cell_and_reasons(facts, concbench):
    proc = concbench("list")
    assert proc.returncode == 0, proc.stderr
    for model in ("sync", "threads", "asyncio", "trio", "gevent", "freethreading", "subinterpreters"):
        assert model in proc.stdout
    assert facts.id in proc.stdout
    if sys.version_info < (3, 14):
        assert "needs Python >= 3.14" in proc.stdout
    if not facts.gil_disabled_build:
        assert "needs a free-threaded build" in proc.stdout
