"""The jobs of a run: cells of one interpreter, workload and params, with their sync baseline."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from concbench.registry import WORKLOADS, baseline_params
from concbench.results import Status
from concbench.workloads import Kind

NOT_COMPARED = tuple(w for w, wl in WORKLOADS.items() if wl.kind != Kind.COMPARISON)  # no verdict


def ok(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df.status == Status.OK) & df.wall_s.notna()]


def _baseline_key(params: str) -> str:
    return json.dumps(baseline_params(json.loads(params)), sort_keys=True)


def syncs(cells: pd.DataFrame, interp: str, workload: str, params: str) -> pd.DataFrame:
    """The sync cells (every variant) that cells of these params are compared with: sync ignores
    concurrency and workers, so one sync run serves every point of a sweep over them."""
    sync = cells[(cells.interpreter == interp) & (cells.workload == workload) & (cells.model == "sync")]
    return sync[sync.params.map(_baseline_key) == _baseline_key(params)]  # a mask, even when empty


def groups(cells: pd.DataFrame) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """(interpreter, workload, params, cells) per job in `cells`, sync included in every job of a
    sweep over a dimension it ignores; prices, behaviours and yardsticks are not jobs."""
    cells = cells[~cells.workload.isin(NOT_COMPARED)]
    others = cells[cells.model != "sync"]
    for (interp, workload, params), group in cells.groupby(["interpreter", "workload", "params"], sort=False):
        concurrent = group[group.model != "sync"]
        if concurrent.empty and ((others.interpreter == interp) & (others.workload == workload)).any():
            continue  # sync alone: its cells join the groups of the sweep it is the baseline of
        yield interp, workload, params, pd.concat([syncs(cells, interp, workload, params), concurrent])
