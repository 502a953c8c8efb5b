"""The comparisons a report makes: cells of one interpreter, workload and params, with their sync
baseline, and a model's best variant in such a group."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from concbench.registry import DEFAULT, WORKLOADS, baseline_params
from concbench.results import Status
from concbench.workloads import Kind

SWEEPABLE = ("concurrency", "workers", "size")  # what `concbench run --sweep` varies
NOT_COMPARED = tuple(w for w, wl in WORKLOADS.items() if wl.kind != Kind.COMPARISON)  # no pick


def ok(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df.status == Status.OK) & df.wall_s.notna()]


def _baseline_key(params: str) -> str:
    return json.dumps(baseline_params(json.loads(params)), sort_keys=True)


def _syncs(cells: pd.DataFrame, interp: str, workload: str, params: str) -> pd.DataFrame:
    """The sync cells (every variant) that cells of these params are compared with: sync ignores
    concurrency and workers, so one sync run serves every point of a sweep over them."""
    sync = cells[(cells.interpreter == interp) & (cells.workload == workload) & (cells.model == "sync")]
    return sync[sync.params.map(_baseline_key) == _baseline_key(params)]  # a mask, even when empty


def baseline(df: pd.DataFrame, row: pd.Series) -> pd.Series | None:
    """The ok sync (default variant) cell that `row` is compared with."""
    sync = _syncs(ok(df), row.interpreter, row.workload, row.params)
    sync = sync[sync.variant == DEFAULT]
    return None if sync.empty else sync.iloc[0]


def groups(df: pd.DataFrame) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """(interpreter, workload, params, ok cells) per group of cells doing the same job, sync included
    in every group of a sweep over a dimension it ignores; null and spawn are not jobs."""
    cells = ok(df)
    cells = cells[~cells.workload.isin(NOT_COMPARED)]
    others = cells[cells.model != "sync"]
    for (interp, workload, params), group in cells.groupby(["interpreter", "workload", "params"], sort=False):
        concurrent = group[group.model != "sync"]
        if concurrent.empty and ((others.interpreter == interp) & (others.workload == workload)).any():
            continue  # sync alone: its cells join the groups of the sweep it is the baseline of
        yield interp, workload, params, pd.concat([_syncs(cells, interp, workload, params), concurrent])


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
