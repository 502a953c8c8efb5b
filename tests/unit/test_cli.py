"""Bad input, in one process (the CLI's `main`): one line on stderr, exit code 2, no traceback, nothing
written. Every input here is refused before an interpreter is probed or a server started; those that
need a probe first are in tests/e2e/test_cli.py."""

import pytest

from concbench.registry import WORKLOADS, check_limits


@pytest.mark.parametrize(
    "args,message",
    [
        (["run", "--model", "nosuchmodel"], "invalid choice: 'nosuchmodel'"),
        (["run", "--workers", "0"], "must be a whole number >= 1"),
        (["run", "--workers", "two"], "must be a whole number >= 1"),
        (["run", "--timeout", "-1"], "must be a number > 0"),
        (["run", "--workload", "nope"], "invalid choice: 'nope'"),
        (["run", "--python", "/no/such/python"], "no such interpreter"),
        (["run", "--workload", "cpu_bound", "--param", "requests=5"], "--param requests"),
        (["run", "--server-cpus", "x"], "--server-cpus"),
        (["run", "--budget", "soon"], "--budget"),
        (["run", "--margin", "150%"], "must be a percentage between 0 and 100"),
        (["run", "--margin", "tight"], "--margin"),
        (["run", "--items", "3"], "--items needs --job"),
        (["run", "--job-setup", "userjob:setup"], "--job-setup needs --job"),
        (["run", "--job", "userjob"], "--job 'userjob': expected MODULE:FUNCTION"),
        (["plot", "/no/such/dir"], "no results.csv there"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, cli, refused):
    refused(cli(*args), message)


@pytest.mark.parametrize(
    "url,message",
    [
        ("http://127.0.0.1:1", "does not answer"),
        ("ftp://127.0.0.1:21", "expected http://HOST:PORT"),
        ("http://192.0.2.1:80", "only loopback targets"),
        ("not a url", "expected http://HOST:PORT"),
    ],
)
def test_bad_target_is_one_line_and_exit_2(url, message, cli, refused, tmp_path):
    refused(cli("run", "--workload", "http_fanout", "--target", url, "--out", tmp_path / "r"), message)
    assert not (tmp_path / "r").exists(), "nothing written on bad input"


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
def test_a_runaway_param_is_refused_with_its_limit(cli, refused, tmp_path, args, says):
    refused(cli("run", *args, "--out", tmp_path / "out"), says)
    assert not (tmp_path / "out").exists(), "refused before anything is written"


def test_the_limits_leave_every_built_in_case_alone():
    for wl in WORKLOADS.values():
        for case in [*wl.quick, *wl.full]:
            check_limits({k: [v] for k, v in case.items()})


def test_a_scratch_that_is_not_a_directory_is_refused(cli, refused, tmp_path):
    refused(cli("run", "--scratch", tmp_path / "nope", "--out", tmp_path / "o2"), "--scratch")
    assert not (tmp_path / "o2").exists()


def test_server_cpus_must_leave_some_for_the_cells(cli, refused, tmp_path):
    import os

    every = ",".join(map(str, sorted(os.sched_getaffinity(0))))
    refused(cli("run", "--server-cpus", every, "--out", tmp_path / "x"), "must leave some")
    refused(cli("run", "--server-cpus", "0", "--target", "http://127.0.0.1:1"), "a --target server is not")


def test_resume_of_what_is_not_a_run_is_refused(cli, refused, tmp_path):
    refused(cli("run", "--resume", tmp_path), "no manifest.json")
    refused(cli("run", "--resume", tmp_path, "--seed", "1"), "no other option")


def test_report_merge_and_compare_refuse_what_is_not_a_results_directory(cli, refused, tmp_path):
    refused(cli("report", tmp_path), "not a results directory")
    refused(cli("merge", tmp_path, "--out", tmp_path / "m"), "not a results directory")
    refused(cli("compare", tmp_path, tmp_path), "not a results directory")
    assert not (tmp_path / "m").exists()
