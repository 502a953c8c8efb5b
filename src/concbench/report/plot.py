"""`concbench plot`: a chart file per workload, beside results.csv: wall time per model with error
bars and the speedup over sync on each bar (a price: µs per unit), a row per params case and a panel
per interpreter. The report draws the same bars (report/charts.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from concbench.report import palette
from concbench.report.charts import draw_bars
from concbench.report.data import load
from concbench.verdicts.decide import describe


def plot(results_dir: Path) -> list[Path]:
    """chart-<workload>.svg and .png in the results directory; the SVG is byte-reproducible."""
    df = load(results_dir).df
    written = []
    for workload, wdf in df.groupby("workload", sort=False):
        cases = list(wdf.groupby("params", sort=False))
        interps = list(dict.fromkeys(wdf.interpreter))
        labels = palette.order(list(dict.fromkeys(wdf.label)))
        fig = plt.figure(
            figsize=(4 * len(interps), (0.9 + 0.2 * len(labels)) * len(cases)), layout="constrained"
        )
        for sub, (params, case) in zip(np.atleast_1d(fig.subfigures(len(cases), 1)), cases, strict=True):
            price = case.us_per_unit.notna().any()  # the cost of one unit, not a wall time
            sub.suptitle(describe(workload, params), fontsize=8)
            for ax, interp in zip(
                sub.subplots(1, len(interps), sharey=True, squeeze=False)[0], interps, strict=True
            ):
                cells = case[case.interpreter == interp]
                if price:
                    draw_bars(ax, cells, "us_per_unit", interp, labels=labels, log=True)
                    ax.set_xlabel("µs per unit (log)")
                else:
                    draw_bars(
                        ax, cells, "wall_s", interp, labels=labels, err="wall_stdev_s", note="speedup_vs_sync"
                    )
                    ax.set_xlabel("wall time (s), mean ± stdev; speedup vs sync after each bar")
        for ext in ("svg", "png"):
            path = results_dir / f"chart-{workload}.{ext}"
            fig.savefig(path, metadata={"Date": None} if ext == "svg" else None, dpi=110)
            written.append(path)
        plt.close(fig)
    return written
