"""Bar charts of a results directory: wall time per model with error bars, speedup on each bar."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

matplotlib.rcParams["svg.hashsalt"] = "concbench"  # byte-identical SVG for the same data
matplotlib.rcParams["svg.fonttype"] = "none"


def label(model: str, variant: str) -> str:
    return model if variant == "default" else f"{model}\n{variant}"


def plot(results_dir: Path) -> list[Path]:
    """One chart per workload (interpreters side by side), as SVG and PNG in the results directory."""
    df = pd.read_csv(results_dir / "results.csv", keep_default_na=False, na_values={"wall_s": ""})
    written = []
    for workload, wdf in df.groupby("workload", sort=False):
        fig = _chart(str(workload), wdf)
        for ext in ("svg", "png"):
            path = results_dir / f"chart-{workload}.{ext}"
            fig.savefig(path, metadata={"Date": None} if ext == "svg" else None, dpi=110)
            written.append(path)
        plt.close(fig)
    return written


def _chart(workload: str, df: pd.DataFrame):
    labels = list(dict.fromkeys(label(m, v) for m, v in zip(df.model, df.variant, strict=True)))
    interps = list(dict.fromkeys(df.interpreter))
    width = 0.8 / len(interps)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(labels)), 4.5), layout="constrained")
    for k, interp in enumerate(interps):
        idf = df[df.interpreter == interp]
        for _, r in idf.iterrows():
            x = labels.index(label(r.model, r.variant)) + (k - (len(interps) - 1) / 2) * width
            if r.status != "ok":
                ax.text(x, 0, r.status, ha="center", va="bottom", rotation=90, fontsize=8, color="gray")
                continue
            ax.bar(x, r.wall_s, width, yerr=float(r.wall_stdev_s or 0), capsize=3, color=f"C{k}")
            speedup = f"{float(r.speedup_vs_sync):.2f}×" if r.speedup_vs_sync != "" else ""
            ax.text(x, r.wall_s, speedup, ha="center", va="bottom", fontsize=8)
        ax.bar(0, 0, 0, color=f"C{k}", label=interp)  # legend entry even when every cell is n/a
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylabel("wall time (s), mean ± stdev")
    ax.set_title(f"{workload}: wall time per model (speedup vs sync on each bar)")
    ax.legend(fontsize=8)
    return fig
