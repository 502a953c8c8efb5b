"""The one reader and writer of a results directory: manifest.json, results.csv and raw/.

Versioned like pyperf's `_bench.py` (`_JSON_VERSION`) and asv's `results.py` (`api_version`):
manifest.json's `format` says which contract wrote the directory. A reader refuses a newer format and
migrates an older one on read, so every directory concbench ever wrote still opens:

- format 0: no `format` key (merged directories and runs before rounds); read as format 1.
- format 1: four statuses; a cell a stopped run never reached was `failed` with the reason
  LEGACY_NOT_RUN.
- format 2: `not run` is a status of its own (Status.NOT_RUN), with no reason; an impossible cell's
  reason no longer repeats "impossible:" (the status says it).

Everything is written to a temporary name and then `os.replace`d, so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import MISSING, asdict, dataclass, fields, replace
from pathlib import Path

from concbench.results.row import COLUMNS, Row, Status, column_types

FORMAT = 2
LEGACY_NOT_RUN = "not run: the run was stopped first"  # how format 1 said Status.NOT_RUN


@dataclass
class Results:
    """A results directory as read: its manifest and its rows, migrated to the current format."""

    path: Path
    manifest: dict
    rows: list[Row]


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def write_csv(path: Path, rows: list[Row]) -> None:
    """results.csv in the contract's column order."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in asdict(r).items()})
    write_atomic(path, buf.getvalue())


def write_manifest(path: Path, manifest: dict) -> None:
    """manifest.json, stamped with the current format."""
    write_atomic(path, json.dumps({**manifest, "format": FORMAT}, indent=2, sort_keys=True) + "\n")


def _value(text: str, kind: type, optional: bool) -> object:
    if text == "" and optional:
        return None
    if kind is bool:
        return text == "True"
    if kind in (int, float):
        return kind(float(text)) if kind is int else float(text)
    return kind(text)  # str, Status


def parse_row(record: dict[str, str], fmt: int = FORMAT) -> Row:
    """One results.csv record as a Row, migrated from format `fmt`: a column the file lacks takes
    its default (blank when it has none)."""
    kinds, out = column_types(), {}
    for f in fields(Row):
        optional = f.default is None or "None" in str(f.type)
        if f.name in record:
            try:
                out[f.name] = _value(record[f.name], kinds[f.name], optional)
            except ValueError as e:
                raise BadResults(
                    f"column {f.name}: {record[f.name]!r} is not a {kinds[f.name].__name__}"
                ) from e
        else:
            out[f.name] = f.default if f.default is not MISSING else _value("", kinds[f.name], optional)
    row = Row(**out)
    if fmt < 2 and row.status == Status.FAILED and row.reason.startswith(LEGACY_NOT_RUN):
        row = replace(row, status=Status.NOT_RUN, reason="")
    if fmt < 2 and row.status == Status.IMPOSSIBLE:  # the status says it: no "impossible:" prefix
        row = replace(row, reason=row.reason.removeprefix("impossible:").strip())
    return row


def read(directory: Path) -> Results:
    """A results directory, checked whole and migrated; BadResults naming the first problem."""
    if not (directory / "results.csv").is_file():
        raise BadResults(f"{directory}: no results.csv there (not a results directory)")
    manifest = read_manifest(directory)
    fmt = manifest.get("format", 0)
    rows = []
    for n, record in enumerate(read_records(directory), start=2):
        try:
            rows.append(parse_row(record, fmt))
        except BadResults as e:
            raise BadResults(f"{directory / 'results.csv'}: line {n}: {e}") from e
    return Results(directory, manifest, rows)


class BadResults(ValueError):
    """A results directory that cannot be read as one: the reason in one line."""


def read_text(path: Path) -> str:
    """A file of a results directory as UTF-8 text, or BadResults saying why not."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as e:
        raise BadResults(f"{path.parent}: no {path.name} there (not a results directory)") from e
    except UnicodeDecodeError as e:
        raise BadResults(f"{path}: not UTF-8 text (byte {e.start} is not); the file is damaged") from e
    except OSError as e:
        raise BadResults(f"{path}: cannot read it ({e.strerror or e})") from e


def read_manifest(directory: Path) -> dict:
    """manifest.json, checked: JSON, an object, a format this concbench reads."""
    if not directory.is_dir():
        raise BadResults(f"{directory}: not a directory")
    path = directory / "manifest.json"
    try:
        manifest = json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise BadResults(f"{path}: not valid JSON ({e.msg} at line {e.lineno}); truncated or damaged") from e
    if not isinstance(manifest, dict):
        raise BadResults(f"{path}: not a concbench manifest (a JSON object)")
    fmt = manifest.get("format", 0)
    if not isinstance(fmt, int) or fmt > FORMAT:
        raise BadResults(
            f"{path}: format {fmt!r} is newer than this concbench reads (format {FORMAT}); upgrade concbench"
        )
    return manifest


def read_records(directory: Path) -> list[dict[str, str]]:
    """results.csv's rows, checked whole: UTF-8, not cut short, every field there, every raw file too."""
    path = directory / "results.csv"
    text = read_text(path)
    if not text.strip():
        raise BadResults(f"{path}: empty (the run wrote nothing, or the file was truncated)")
    if not text.endswith("\n"):
        raise BadResults(f"{path}: ends in the middle of a line (truncated)")
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise BadResults(f"{path}: not CSV ({e})") from e
    header, body = table[0], table[1:]
    if missing := [c for c in ("interpreter", "workload", "model", "status", "raw_file") if c not in header]:
        raise BadResults(f"{path}: no {missing[0]} column (not a concbench results.csv)")
    for n, fields_ in enumerate(body, start=2):
        if len(fields_) != len(header):
            raise BadResults(
                f"{path}: line {n} has {len(fields_)} fields, the header {len(header)} (truncated or damaged)"
            )
    rows = [dict(zip(header, r, strict=True)) for r in body]
    for n, r in enumerate(rows, start=2):
        if r["raw_file"] and not (directory / r["raw_file"]).is_file():
            raise BadResults(f"{directory}: {r['raw_file']} is missing (results.csv line {n})")
    return rows
