"""The comparisons a report makes: cells of one interpreter, workload and params, with their sync
baseline, and a model's best variant in such a group."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from concbench.registry import DEFAULT
from concbench.verdicts import jobs
from concbench.verdicts.jobs import NOT_COMPARED, ok, syncs

SWEEPABLE = ("concurrency", "workers", "size")  # what `concbench run --sweep` varies
__all__ = ["NOT_COMPARED", "baseline", "best_per_model", "groups", "ok", "series"]


def baseline(df: pd.DataFrame, row: pd.Series) -> pd.Series | None:
    """The ok sync (default variant) cell that `row` is compared with."""
    sync = syncs(ok(df), row.interpreter, row.workload, row.params)
    sync = sync[sync.variant == DEFAULT]
    return None if sync.empty else sync.iloc[0]


def groups(df: pd.DataFrame) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """(interpreter, workload, params, ok cells) per job."""
    return jobs.groups(ok(df))


def best_per_model(group: pd.DataFrame) -> pd.DataFrame:
    """Each model's fastest variant in a group, fastest model first."""
    return group.sort_values("wall_s").drop_duplicates("model")


def series(df: pd.DataFrame) -> tuple[list[tuple[str, pd.DataFrame]], pd.DataFrame]:
    """The sweeps in one workload's cells, as (dimension, cells) with at least 3 values of the
    dimension and every other dimension equal, and the cells that belong to no sweep."""
    params = pd.DataFrame([json.loads(p) for p in df.params], index=df.index)
    found, rest = [], df
    for dim in SWEEPABLE:
        if dim not in params:
            continue
        others = [c for c in params.columns if c != dim]
        left = params.loc[rest.index]
        for same in [g for _, g in left.groupby(others, dropna=False, sort=False)] if others else [left]:
            if same[dim].nunique() >= 3:
                found.append((dim, rest.loc[same.index]))
                rest = rest.drop(same.index)
    return found, rest
