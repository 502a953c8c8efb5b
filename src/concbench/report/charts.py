"""The report's charts, as inline SVG strings (matplotlib, text kept as text, reproducible bytes)."""

from __future__ import annotations

import io
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from concbench.report.groups import best_per_model, groups
from concbench.results import Status

matplotlib.rcParams["svg.hashsalt"] = "concbench"
matplotlib.rcParams["svg.fonttype"] = "none"


def svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def bars(df: pd.DataFrame, value: str, title: str, ylabel: str, **kw) -> str:
    """`draw_bars` in a figure of its own, as SVG."""
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * df.label.nunique()), 3.6), layout="constrained")
    draw_bars(ax, df, value, title, ylabel, **kw)
    return svg(fig)


def draw_bars(
    ax,
    df: pd.DataFrame,
    value: str,
    title: str,
    ylabel: str,
    *,
    err: str = "",
    note: str = "",
    log: bool | None = None,
) -> None:
    """One bar per model/variant and interpreter; n/a and failed cells are labelled, not dropped.
    `err`: the column of the error bars; `note`: a ratio written on each bar; `log`: a log scale,
    by default when the bars span more than 30×."""
    labels = list(dict.fromkeys(df.label))
    interps = list(dict.fromkeys(df.interpreter))
    width = 0.8 / max(1, len(interps))
    for k, interp in enumerate(interps):
        for _, r in df[df.interpreter == interp].iterrows():
            x = labels.index(r.label) + (k - (len(interps) - 1) / 2) * width
            y = r[value]
            if r.status != Status.OK or pd.isna(y):
                text = r.status if r.status != Status.OK else "–"
                ax.text(
                    x,
                    0.02,
                    text,
                    ha="center",
                    va="bottom",
                    rotation=90,
                    fontsize=7,
                    color="gray",
                    transform=ax.get_xaxis_transform(),
                )  # y in axes units: shown on log scales too
                continue
            ax.bar(x, y, width, yerr=(r[err] if err and pd.notna(r[err]) else None), capsize=2, color=f"C{k}")
            if note and pd.notna(r[note]):
                ax.text(x, y, f"{r[note]:.2f}×", ha="center", va="bottom", fontsize=6)
        ax.bar(0, 0, 0, color=f"C{k}", label=interp)  # a legend entry even when every cell is n/a
    ax.set_xticks(range(len(labels)), [lbl.replace("/", "\n") for lbl in labels], fontsize=7)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=9)
    values = df[value][df.status == Status.OK].dropna()
    if log or (log is None and len(values) and values.min() > 0 and values.max() > 30 * values.min()):
        ax.set_yscale("log")
        ax.set_ylabel(f"{ylabel} (log scale)", fontsize=8)
    ax.legend(fontsize=7)


def latency(df: pd.DataFrame, title: str) -> str:
    """Client-side p50 / p90 / p99 per model, one panel per interpreter."""
    interps = list(dict.fromkeys(df.interpreter))
    fig, axes = plt.subplots(
        1, len(interps), figsize=(6.5 * len(interps), 3.4), layout="constrained", squeeze=False
    )
    for ax, interp in zip(axes[0], interps, strict=True):
        d = df[(df.interpreter == interp) & df.lat_p50_ms.notna()]
        x = np.arange(len(d))
        for k, col in enumerate(("lat_p50_ms", "lat_p90_ms", "lat_p99_ms")):
            ax.bar(x + (k - 1) * 0.27, d[col], 0.27, label=col[4:7], color=f"C{k}")
        ax.set_xticks(x, [lbl.replace("/", "\n") for lbl in d.label], fontsize=7)
        ax.set_yscale("log")
        ax.set_ylabel("latency per request (ms)", fontsize=8)
        ax.set_title(f"{title} on {interp}", fontsize=9)
        ax.legend(fontsize=7)
    return svg(fig)


def scaling(cells: pd.DataFrame, dim: str, title: str) -> str:
    """Wall time against a swept dimension, a panel per interpreter: a line per model/variant
    (httpx and other variants dotted); sync, which ignores the dimension, as a dashed level."""
    ok = cells[cells.status == Status.OK]
    xs = ok.params.map(lambda p: json.loads(p)[dim])
    interps = list(dict.fromkeys(ok.interpreter))
    fig, axes = plt.subplots(
        len(interps), 1, figsize=(8, 3.6 * len(interps)), layout="constrained", squeeze=False
    )
    colours = plt.get_cmap("tab20").colors
    for ax, interp in zip(axes[:, 0], interps, strict=True):
        mine = ok[ok.interpreter == interp]
        for k, (label, line) in enumerate(mine.groupby("label", sort=False)):
            if line.model.iloc[0] == "sync":
                ax.axhline(line.wall_s.iloc[0], color="gray", linestyle="--", linewidth=0.8)
                ax.text(xs.min(), line.wall_s.iloc[0], label, fontsize=6, va="bottom", color="gray")
                continue
            order = np.argsort(xs[line.index].to_numpy())
            style = "-" if line.variant.iloc[0] == "default" else ":"
            ax.plot(
                xs[line.index].to_numpy()[order],
                line.wall_s.to_numpy()[order],
                marker="o",
                linestyle=style,
                color=colours[k % len(colours)],
                label=label,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(dim, fontsize=8)
        ax.set_ylabel("wall time (s), log", fontsize=8)
        ax.set_title(f"{title} on {interp}", fontsize=9)
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return svg(fig)


def heatmap(df: pd.DataFrame) -> str:
    """Model × workload case per interpreter: the best wall time over this model's (1 = the best)."""
    cols: dict[tuple[str, str], dict[str, float]] = {}
    for interp, _, _, group in groups(df):
        ranked = best_per_model(group)
        best = ranked.wall_s.min()
        cols[(interp, ranked.case.iloc[0])] = {
            m: best / w for m, w in zip(ranked.model, ranked.wall_s, strict=True)
        }
    if not cols:
        return ""
    interps = list(dict.fromkeys(i for i, _ in cols))
    models = list(dict.fromkeys(df.model))
    fig, axes = plt.subplots(
        len(interps),
        1,
        figsize=(9, 2.2 + 0.35 * len(models) * len(interps)),
        layout="constrained",
        squeeze=False,
    )
    for ax, interp in zip(axes[:, 0], interps, strict=True):
        cases = [c for i, c in cols if i == interp]
        grid = np.array([[cols[(interp, c)].get(m, np.nan) for c in cases] for m in models])
        ax.imshow(grid, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for (y, x), v in np.ndenumerate(grid):
            ax.text(
                x,
                y,
                "n/a" if np.isnan(v) else f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=6,
                color="white" if not np.isnan(v) and v < 0.6 else "black",
            )
        ax.set_yticks(range(len(models)), models, fontsize=7)
        ax.set_xticks(range(len(cases)), [_short(c) for c in cases], fontsize=6)
        ax.set_title(f"{interp}: speed relative to the best model per case (1.00 = best)", fontsize=9)
    return svg(fig)


def _short(case: str) -> str:
    """`disk_io[files=512, fsync=0, size=4096, workers=2]` -> `disk_io` and its dims, a line each."""
    name, _, dims = case.partition("[")
    return "\n".join([name, *dims.rstrip("]").split(", ")])
