"""`concbench plot`: a chart file per workload, beside results.csv: wall time per model and
interpreter with error bars and the speedup over sync on each bar (spawn: µs per unit), a panel
per params case. The report draws the same bars (report/charts.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from concbench.report.charts import draw_bars
from concbench.report.data import dims, load


def plot(results_dir: Path) -> list[Path]:
    """chart-<workload>.svg and .png in the results directory; the SVG is byte-reproducible."""
    df = load(results_dir).df
    written = []
    for workload, wdf in df.groupby("workload", sort=False):
        cases = list(wdf.groupby("params", sort=False))
        width = max(6.0, 0.9 * wdf.label.nunique())
        fig, axes = plt.subplots(
            len(cases), 1, figsize=(width, 3.6 * len(cases)), layout="constrained", squeeze=False
        )
        for ax, (params, case) in zip(axes[:, 0], cases, strict=True):
            if case.us_per_unit.notna().any():  # a price: the cost of one unit, not a wall time
                draw_bars(ax, case, "us_per_unit", f"{workload} [{dims(params)}]", "µs per unit", log=True)
            else:
                title = f"{workload} [{dims(params)}]: speedup vs sync on each bar"
                draw_bars(
                    ax,
                    case,
                    "wall_s",
                    title,
                    "wall time (s), mean ± stdev",
                    err="wall_stdev_s",
                    note="speedup_vs_sync",
                )
        for ext in ("svg", "png"):
            path = results_dir / f"chart-{workload}.{ext}"
            fig.savefig(path, metadata={"Date": None} if ext == "svg" else None, dpi=110)
            written.append(path)
        plt.close(fig)
    return written
