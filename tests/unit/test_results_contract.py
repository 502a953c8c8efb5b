"""The results contract has one owner: one writer and one reader, versioned, migrating older
directories on read; the report's column types come from Row itself."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from concbench.report.data import load
from concbench.results import FORMAT, BadResults, Row, Status, column_types, read, write_csv, write_manifest
from concbench.results.files import LEGACY_NOT_RUN, parse_row

REFERENCE = Path(__file__).resolve().parents[2] / "results" / "reference"


def _record(**kw: str) -> dict[str, str]:
    base = {f.name: "" for f in fields(Row)}
    base |= {"machine": "vm", "interpreter": "cpython-3.14.7", "workload": "cpu_bound", "model": "threads"}
    base |= {"variant": "default", "params": '{"workers":2}', "workers": "2", "cores": "2", "status": "ok"}
    base |= {"gil_disabled_build": "False", "wall_s": "0.5", "rounds": "3", "digest_ok": "True"}
    return base | kw


def test_column_types_come_from_row():
    kinds = column_types()
    assert kinds["status"] is Status and kinds["wall_s"] is float and kinds["workers"] is int
    assert kinds["gil_disabled_build"] is bool and kinds["interpreter"] is str
    assert list(kinds) == [f.name for f in fields(Row)]


def test_a_row_reads_back_as_written(tmp_path):
    row = parse_row(_record(wall_s="0.25", digest_ok="", note="client-bound"))
    assert row.status is Status.OK and row.wall_s == 0.25 and row.digest_ok is None and row.workers == 2
    write_csv(tmp_path / "results.csv", [row])
    write_manifest(tmp_path / "manifest.json", {"started": "x"})
    back = read(tmp_path)
    assert back.rows == [row] and back.manifest["format"] == FORMAT


@pytest.mark.parametrize("fmt", [0, 1])
def test_older_formats_are_migrated_on_read(tmp_path, fmt):
    old = [
        _record(status="failed", reason=f"{LEGACY_NOT_RUN} (concbench run --resume DIR runs it)", wall_s=""),
        _record(status="failed", reason="digest mismatch: got 1234, reference 5678", wall_s=""),
        _record(status="impossible", reason="impossible: efficiency 1.40, faster than the cores × sync"),
    ]
    with (tmp_path / "results.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(old[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(old)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": fmt} if fmt else {}))
    not_run, failed, impossible = read(tmp_path).rows
    assert (not_run.status, not_run.reason) == (Status.NOT_RUN, "")
    assert failed.status is Status.FAILED and failed.reason.startswith("digest mismatch")
    assert impossible.status is Status.IMPOSSIBLE and impossible.reason.startswith("efficiency 1.40")


def test_the_current_format_is_not_migrated(tmp_path):
    row = parse_row(_record(status="failed", reason=f"{LEGACY_NOT_RUN} by a test"), FORMAT)
    assert row.status is Status.FAILED


def test_a_newer_format_is_refused(tmp_path):
    write_csv(tmp_path / "results.csv", [parse_row(_record())])
    (tmp_path / "manifest.json").write_text(json.dumps({"format": FORMAT + 1}))
    with pytest.raises(BadResults, match="newer than this concbench reads"):
        read(tmp_path)


def test_a_column_an_old_file_lacks_takes_its_default(tmp_path):
    record = _record()
    del record["rounds"], record["metrics"]
    row = parse_row(record, 0)
    assert row.rounds is None and row.metrics == ""


def test_a_value_of_the_wrong_type_is_one_line(tmp_path):
    write_csv(tmp_path / "results.csv", [parse_row(_record())])
    write_manifest(tmp_path / "manifest.json", {})
    text = (tmp_path / "results.csv").read_text().replace(",0.5,", ",fast,")
    (tmp_path / "results.csv").write_text(text)
    with pytest.raises(BadResults, match="line 2: column wall_s: 'fast' is not a float"):
        read(tmp_path)


def test_the_published_reference_still_opens(tmp_path):
    shutil.copytree(REFERENCE, tmp_path / "ref")
    res = load(tmp_path / "ref")
    assert len(res.df) and set(res.df.status) <= set(Status)
    assert res.df.wall_s.dtype == float and res.df.label.notna().all()
