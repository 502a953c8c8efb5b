"""`concbench merge`: union across machines, conflicts refused unless --prefer newest."""

import csv
import json

import pyperf
import pytest


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, concbench):
    """Two real runs of the null workload (one cell, one round each), as two CI jobs would make; b
    finishes seconds after a (a manifest's `finished` is to the second)."""
    base = tmp_path_factory.mktemp("merge")
    for name in ("a", "b"):
        args = ("run", "--workload", "null", "--model", "sync", "--rounds", "1", "--out", str(base / name))
        proc = concbench(*args)
        assert proc.returncode == 0, proc.stderr[-2000:]
    return base / "a", base / "b"


def rows(d):
    with (d / "results.csv").open() as f:
        return list(csv.DictReader(f))


def test_same_cell_twice_is_a_conflict(two_runs, cli, refused, tmp_path):
    a, b = two_runs
    refused(cli("merge", a, b, "--out", tmp_path / "m"), "--prefer newest")
    assert not (tmp_path / "m").exists(), "nothing written on a conflict"


def test_prefer_newest_keeps_the_later_run(two_runs, cli, tmp_path):
    a, b = two_runs
    proc = cli("merge", a, b, "--out", tmp_path / "m", "--prefer", "newest")
    assert proc.returncode == 0, proc.stderr
    (row,) = rows(tmp_path / "m")
    assert row["wall_s"] == rows(b)[0]["wall_s"], "b finished last"
    assert pyperf.Benchmark.load(str(tmp_path / "m" / row["raw_file"])).get_nvalue() >= 1


def test_two_machines_are_a_union(two_runs, cli, tmp_path):
    a, b = two_runs
    other = tmp_path / "other"  # b, as if it had run on another machine
    other.mkdir()
    (other / "raw").mkdir()
    manifest = json.loads((b / "manifest.json").read_text())
    manifest["machine"]["hostname"] = "ci-runner-2"
    (other / "manifest.json").write_text(json.dumps(manifest))
    moved = [{**r, "machine": "ci-runner-2"} for r in rows(b)]
    for r in moved:
        (other / r["raw_file"]).write_bytes((b / r["raw_file"]).read_bytes())
    with (other / "results.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(moved[0]))
        writer.writeheader()
        writer.writerows(moved)
    proc = cli("merge", a, other, "--out", tmp_path / "m")
    assert proc.returncode == 0, proc.stderr
    merged = rows(tmp_path / "m")
    assert sorted(r["machine"] for r in merged) == sorted([rows(a)[0]["machine"], "ci-runner-2"])
    assert all((tmp_path / "m" / r["raw_file"]).is_file() for r in merged)
    m = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert len(m["merged_from"]) == 2 and "ci-runner-2" in m["machines"]
