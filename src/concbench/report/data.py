"""A results directory as the report reads it: the manifest, and results.csv as a typed DataFrame
with each ok cell's pyperf values (`samples`, for significance tests) and display labels."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
import pyperf

from concbench.registry import DEFAULT
from concbench.results import Row

KINDS = {f.name: str(f.type).split(" ")[0] for f in fields(Row)}  # "float | None" -> float
BOOLS = [k for k, kind in KINDS.items() if kind == "bool"]
NUMBERS = [k for k, kind in KINDS.items() if kind in ("int", "float")]


class NotResults(ValueError):
    """The directory is not a concbench results directory."""


@dataclass
class Results:
    path: Path
    manifest: dict
    df: pd.DataFrame


def load(path: Path) -> Results:
    try:
        manifest = json.loads((path / "manifest.json").read_text())
        df = pd.read_csv(path / "results.csv", dtype=str, keep_default_na=False)
    except (OSError, ValueError) as e:
        raise NotResults(f"{path}: not a results directory ({e})") from e
    return Results(path, manifest, typed(df, path))


def typed(df: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Numbers as floats (NaN when blank), booleans as booleans, plus label, case and samples."""
    df = df.copy()
    for col in df.columns.intersection(BOOLS):
        df[col] = df[col].map({"True": True, "False": False, True: True, False: False})
    for col in df.columns.intersection(NUMBERS):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df["label"] = [label(m, v) for m, v in zip(df.model, df.variant, strict=True)]
    df["case"] = [case(w, p) for w, p in zip(df.workload, df.params, strict=True)]
    if "samples" not in df:
        ok = list(zip(df.status.isin(["ok", "impossible"]), df.raw_file, strict=True))
        benches = [bench(path, f) if path and is_ok else None for is_ok, f in ok]
        df["samples"] = [b.get_values() if b else [] for b in benches]
        df["rounds_values"] = [round_means(b) for b in benches]
    if "rounds_values" not in df:  # built in memory (tests) without raw files: nothing to pair
        df["rounds_values"] = [{} for _ in range(len(df))]
    return df


def label(model: str, variant: str) -> str:
    return model if variant == DEFAULT else f"{model}/{variant}"


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


def yardsticks(manifest: dict) -> dict[int, dict]:
    """Round -> the machine's yardstick in that round (empty for a run made before rounds)."""
    return {r["round"]: r["yardstick"] for r in manifest.get("rounds", []) if "yardstick" in r}
