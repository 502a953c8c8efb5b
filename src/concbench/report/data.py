"""A results directory as the report reads it: `concbench.results.read` (the one reader), its rows as
a DataFrame typed from `Row` itself, with each timed cell's pyperf values (`samples`, for significance
tests), its per-round means (`rounds_values`) and figures (`rounds_figures`: loop lag, memory per unit),
and display labels."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyperf

from concbench.results import Row, Status, column_types, read
from concbench.verdicts import table
from concbench.verdicts.decide import Verdict
from concbench.workloads import label


@dataclass
class Results:
    path: Path
    manifest: dict
    df: pd.DataFrame

    @cached_property
    def verdicts(self) -> list[Verdict]:
        """Its verdicts.csv, or its cells' verdicts when it has none (a run made before verdicts)."""
        return table.load(Path(self.path), self.df)


def load(path: Path) -> Results:
    """The directory, read and migrated by the results package (BadResults when it can't be)."""
    results = read(path)
    return Results(path, results.manifest, frame(results.rows, path))


def frame(rows: list[Row], path: Path | None = None) -> pd.DataFrame:
    """Rows as a DataFrame: numbers as floats (NaN when blank), plus label, case and samples."""
    return typed(pd.DataFrame([asdict(r) for r in rows], columns=list(column_types())), path)


def typed(df: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Each column as Row types it (numbers as floats, NaN when blank; booleans; Status), plus label,
    case, and each timed cell's samples and round means from its raw file."""
    df = df.copy()
    for col, kind in column_types().items():
        if col not in df:
            continue
        if kind is bool:
            df[col] = df[col].map({"True": True, "False": False, True: True, False: False})
        elif kind in (int, float):
            df[col] = pd.to_numeric(df[col], errors="coerce")
        elif kind is Status:
            df[col] = df[col].map(Status)
    df["label"] = [label(m, v) for m, v in zip(df.model, df.variant, strict=True)]
    df["case"] = [case(w, p) for w, p in zip(df.workload, df.params, strict=True)]
    if "samples" not in df:
        timed = list(zip(df.status.map(lambda s: Status(s).timed), df.raw_file, strict=True))
        benches = [bench(path, f) if path and is_timed else None for is_timed, f in timed]
        df["samples"] = [b.get_values() if b else [] for b in benches]
        df["rounds_values"] = [round_means(b) for b in benches]
        df["rounds_figures"] = [round_figures(b) for b in benches]
    for col in ("rounds_values", "rounds_figures"):  # built in memory (tests) without raw files
        if col not in df:
            df[col] = [{} for _ in range(len(df))]
    return df


def dims(params: str) -> str:
    """Params JSON as a label: `concurrency=50, requests=100, …`."""
    return ", ".join(f"{k}={v}" for k, v in json.loads(params).items())


def case(workload: str, params: str) -> str:
    """A workload's params as a label: `http_fanout[concurrency=50, requests=100, …]`."""
    return f"{workload}[{dims(params)}]"


def bench(path: Path, raw_file: str) -> pyperf.Benchmark | None:
    try:
        return pyperf.Benchmark.load(str(path / raw_file))
    except (OSError, ValueError, TypeError):
        return None


def round_means(b: pyperf.Benchmark | None) -> dict[int, float]:
    """Round -> the mean of that round's values; {} for a run made before rounds (no pairing)."""
    if b is None:
        return {}
    out = {}
    for run in b.get_runs():
        r = run.get_metadata().get("concbench_round")
        if r is None or not run.values:
            return {}
        out[r] = sum(run.values) / len(run.values)
    return out


FIGURES = ("loop_lag_p99_ms", "mem_kb_per_unit", "pss_total_mb")  # a worker's own figures that claims
# pair by round (pss_total_mb: a serve cell's server)


def round_figures(b: pyperf.Benchmark | None) -> dict[str, dict[int, float]]:
    """FIGURES per round (figure -> round -> its value), from each round's run metadata."""
    out: dict[str, dict[int, float]] = {}
    for run in b.get_runs() if b is not None else ():
        meta = run.get_metadata()
        if (r := meta.get("concbench_round")) is not None and run.values:
            for key in FIGURES:
                if key in meta:
                    out.setdefault(key, {})[r] = meta[key]
    return out


def yardsticks(manifest: dict) -> dict[int, dict]:
    """Round -> the machine's yardstick in that round (empty for a run made before rounds)."""
    return {r["round"]: r["yardstick"] for r in manifest.get("rounds", []) if "yardstick" in r}
