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
        ok = zip(df.status == "ok", df.raw_file, strict=True)
        df["samples"] = [samples(path, f) if path and is_ok else [] for is_ok, f in ok]
    return df


def label(model: str, variant: str) -> str:
    return model if variant == DEFAULT else f"{model}/{variant}"


def dims(params: str) -> str:
    """Params JSON as a label: `concurrency=50, requests=100, …`."""
    return ", ".join(f"{k}={v}" for k, v in json.loads(params).items())


def case(workload: str, params: str) -> str:
    """A workload's params as a label: `http_fanout[concurrency=50, requests=100, …]`."""
    return f"{workload}[{dims(params)}]"


def samples(path: Path, raw_file: str) -> list[float]:
    try:
        return pyperf.Benchmark.load(str(path / raw_file)).get_values()
    except (OSError, ValueError, TypeError):
        return []
