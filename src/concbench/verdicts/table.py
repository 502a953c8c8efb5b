"""verdicts.csv: one row per (job, model), beside results.csv; the report, `compare` and the notebook
read it, and compute it from the cells when a directory has none (runs made before verdicts)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from concbench.results.files import write_atomic
from concbench.verdicts.decide import MARGIN, Place, Standing, State, Verdict, verdicts

FILE = "verdicts.csv"
JOB = ["interpreter", "workload", "params", "state", "rounds", "resolution", "margin", "more_rounds", "why"]
PLACE = ["model", "variant", "standing", "ratio", "low", "high", "reason"]
RELATIONS = ["slower_than", "beyond_margin", "tied_with"]  # models, space-separated
COLUMNS = [*JOB[:3], "job", *JOB[3:], *PLACE, *RELATIONS]


def frame(found: list[Verdict]) -> pd.DataFrame:
    """The verdicts as rows of COLUMNS (a job without a timed model keeps one row, its places blank)."""
    records = []
    for v in found:
        job = {k: getattr(v, k) for k in JOB} | {"job": v.describe()}
        records += [
            job | {k: getattr(p, k) for k in PLACE} | {k: " ".join(getattr(p, k)) for k in RELATIONS}
            for p in v.places
        ] or [job]
    return pd.DataFrame(records, columns=COLUMNS)


def write(directory: Path, found: list[Verdict]) -> Path:
    path = directory / FILE
    write_atomic(path, frame(found).to_csv(index=False))
    return path


def read(path: Path) -> list[Verdict]:
    """verdicts.csv back into Verdicts."""
    df = pd.read_csv(path, dtype={"params": str}, keep_default_na=False)
    out = []
    for _, rows in df.groupby(["interpreter", "workload", "params"], sort=False):
        first = rows.iloc[0]
        places = tuple(
            Place(
                r.model,
                r.variant,
                Standing(r.standing),
                *map(_num, (r.ratio, r.low, r.high)),
                r.reason,
                *(tuple(getattr(r, k).split()) for k in RELATIONS),
            )
            for r in rows.itertuples()
            if r.model
        )
        more = _num(first.more_rounds)
        out.append(
            Verdict(
                first.interpreter,
                first.workload,
                first.params,
                State(first.state),
                places,
                int(first.rounds),
                _num(first.resolution),
                _num(first.margin) or MARGIN,
                None if more is None else int(more),
                first.why,
            )
        )
    return out


def load(directory: Path, df: pd.DataFrame) -> list[Verdict]:
    """The directory's verdicts.csv, or the verdicts of its cells (`df`) when it has none."""
    path = directory / FILE
    return read(path) if path.is_file() else verdicts(df)


def _num(text: object) -> float | None:
    return None if text in ("", None) or pd.isna(text) else float(text)  # type: ignore[arg-type]
