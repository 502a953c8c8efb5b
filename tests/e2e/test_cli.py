"""The CLI as a process (`python -m concbench`), and the refusals that come after an interpreter is
probed: one line on stderr, exit code 2. And `concbench list` and `concbench pythons`."""

import sys

import pytest

from concbench.host.pythons import discover


@pytest.mark.parametrize(
    "args,message",
    [([], "required: command"), (["run", "--model", "nosuchmodel"], "invalid choice: 'nosuchmodel'")],
)
def test_bad_input_to_the_process_is_one_line_and_exit_2(args, message, concbench, refused):
    """What `main` returns is what the process exits with, and nothing else is printed (the rest of
    the bad input is checked in one process: tests/unit/test_cli.py)."""
    refused(concbench(*args, timeout=120), message)


def test_an_unwritable_out_is_refused_after_the_probe(tmp_path, cli, refused):
    blocker = tmp_path / "file"
    blocker.write_text("")
    refused(cli("run", "--out", blocker / "sub"), "cannot write there")
    refused(cli("run", "--out", "/proc/concbench-out"), "cannot write there")


def test_list_shows_every_cell_and_reasons(facts, cli):
    said = cli("list")
    assert said.returncode == 0, said.stderr
    for model in ("sync", "threads", "asyncio", "trio", "gevent", "freethreading", "subinterpreters"):
        assert model in said.stdout
    assert facts.id in said.stdout
    if sys.version_info < (3, 14):
        assert "needs Python >= 3.14" in said.stdout
    if not facts.gil_disabled_build:
        assert "needs a free-threaded build" in said.stdout


def test_pythons_command(cli, facts):
    said = cli("pythons")
    assert said.returncode == 0, said.stderr
    assert facts.version in said.stdout and "current" in said.stdout
    for family in ("3.14", "3.14t"):
        listed = any(f.family == family and not f.problem for f in discover())
        assert listed or f"{family}: not found; get it with uv python install {family}" in said.stdout
