"""The report's charts, as inline SVG strings (matplotlib, text kept as text, reproducible bytes).

Every chart colours a model by `palette` and lists models in its order; interpreters are panels side
by side, not colours. `svg` trims matplotlib's output (metadata, six-decimal coordinates, ids) so
that a full run's page stays light."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from xml.etree import ElementTree as ET

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from concbench.report import palette
from concbench.results import Status

matplotlib.rcParams["svg.hashsalt"] = "concbench"
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]  # one family named in each <text>, not ten
matplotlib.rcParams["font.size"] = 7

PANELS_PER_ROW = 3
SVG, XLINK = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
DECIMALS = re.compile(r"(\d\.\d)\d+")  # a tenth of a point is finer than a screen pixel
URL = re.compile(r"url\(#([\w-]+)\)")  # a reference to an id (clip paths); `href="#id"`: markers
SPACE = re.compile(r"\s*([:;])\s*")  # around a declaration's colon and semicolon
FONT = re.compile(r"font-family: [^;]*(; |$)|; text-anchor: start")  # named once, in the SVG's style
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)


def svg(fig) -> str:
    """The figure as SVG, trimmed of what a browser does not need: metadata, comments, groups and
    backgrounds that carry nothing, ids nothing refers to, the font named once instead of in every
    text, null rotations, and coordinates past a tenth of a point."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, transparent=True)
    plt.close(fig)
    root = ET.fromstring(buf.getvalue().encode())
    for child in root.findall(f"{{{SVG}}}metadata"):
        root.remove(child)
    _flatten(root)
    prefix = "c" + hashlib.sha1(ET.tostring(root)).hexdigest()[:6]  # ids unique on a page of many SVGs
    used = {ref for e in root.iter() for k, v in e.attrib.items() for ref in _references(k, v)}
    short = {ref: f"{prefix}i{n}" for n, ref in enumerate(sorted(used))}
    for e in root.iter():
        if e.get("id") not in used:
            e.attrib.pop("id", None)
        elif e.get("id"):
            e.set("id", short[e.get("id")])
        if e.get("transform", "").startswith(("rotate(-0 ", "rotate(0 ")):
            del e.attrib["transform"]
        for k, v in e.attrib.items():
            v = _renamed(k, v, short)
            e.set(k, " ".join(DECIMALS.sub(r"\1", FONT.sub("", v)).split()))
        e.text = e.text if e.text and e.text.strip() else None  # indentation goes, words stay whole
        e.tail = None
    rules = _classes(root, prefix)
    style = root.find(f".//{{{SVG}}}style")
    if style is None:  # matplotlib writes one; should it not, the classes need their own
        style = ET.Element(f"{{{SVG}}}style")
        root.insert(0, style)
    style.text = f"{style.text or ''}text{{font-family:'DejaVu Sans',sans-serif}}{rules}"
    return ET.tostring(root, encoding="unicode")


def _classes(root: ET.Element, prefix: str) -> str:
    """Each element's style and clip path as a class of this SVG (`prefix`: inline SVGs share the
    page's style sheet), written once; most elements repeat one of a few: a third of the weight."""
    names: dict[str, str] = {}
    for e in root.iter():
        clip = e.attrib.pop("clip-path", "")
        style = e.attrib.pop("style", "")
        if rule := SPACE.sub(r"\1", ";".join(filter(None, (style, clip and f"clip-path:{clip}")))):
            e.set("class", names.setdefault(rule, f"{prefix}{len(names)}"))
    return "".join(f".{name}{{{rule}}}" for rule, name in names.items())


def _references(key: str, value: str) -> list[str]:
    """The ids an attribute refers to."""
    return [value[1:]] if key.endswith("href") and value.startswith("#") else URL.findall(value)


def _renamed(key: str, value: str, ids: dict[str, str]) -> str:
    """The attribute with the ids it refers to renamed by `ids`."""
    if key.endswith("href") and value.startswith("#"):
        return "#" + ids[value[1:]]
    return URL.sub(lambda m: f"url(#{ids[m[1]]})", value)


def _flatten(parent: ET.Element) -> None:
    """Lift the children of every <g> that carries nothing (no attribute but an id) into its place;
    drop the paths that draw nothing (the transparent backgrounds)."""
    for child in parent:
        _flatten(child)
    out: list[ET.Element] = []
    for child in parent:
        if child.tag == f"{{{SVG}}}g" and set(child.attrib) <= {"id"}:
            out += list(child)
        elif not (child.tag == f"{{{SVG}}}path" and child.get("style") == "fill: none"):
            out.append(child)
    parent[:] = out


def panels(interps: list[str], height: float, width: float = 7.5, sharex: bool = False):
    """A figure of one panel per interpreter, up to PANELS_PER_ROW a row, and its axes in order."""
    cols = min(len(interps), PANELS_PER_ROW)
    rows = math.ceil(len(interps) / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(width, height * rows),
        layout="constrained",
        squeeze=False,
        sharey=True,
        sharex=sharex,
    )
    flat = list(axes.flat)
    for ax in flat[len(interps) :]:
        ax.set_visible(False)
    return fig, flat[: len(interps)]


def bars(df: pd.DataFrame, value: str, title: str, xlabel: str, **kw) -> str:
    """`draw_bars` per interpreter, side by side, as one SVG."""
    interps = list(dict.fromkeys(df.interpreter))
    labels = palette.order(list(dict.fromkeys(df.label)))
    fig, axes = panels(interps, 0.55 + 0.17 * len(labels), sharex=True)
    values = df[value][df.status == Status.OK].dropna()
    log = kw.pop("log", None)
    log = log or (log is None and len(values) and values.min() > 0 and values.max() > 30 * values.min())
    for ax, interp in zip(axes, interps, strict=True):
        draw_bars(ax, df[df.interpreter == interp], value, interp, labels=labels, log=bool(log), **kw)
    for ax in axes:
        ax.set_xlabel(xlabel + (" (log)" if log else ""))
    fig.suptitle(title, fontsize=8)
    return svg(fig)


def draw_bars(
    ax,
    df: pd.DataFrame,
    value: str,
    title: str,
    *,
    labels: list[str] | None = None,
    err: str = "",
    note: str = "",
    log: bool = False,
) -> None:
    """One horizontal bar per model/variant of one interpreter, in the model's colour (a variant a
    shade lighter); n/a and failed cells are labelled, not dropped. `err`: the column of the error
    bars; `note`: a ratio written after each bar."""
    labels = labels or palette.order(list(dict.fromkeys(df.label)))
    rows = {r.label: r for _, r in df.iterrows()}
    for y, lbl in enumerate(labels):
        r = rows.get(lbl)
        v = None if r is None else r[value]
        if r is None or r.status != Status.OK or pd.isna(v):
            text = "–" if r is None or r.status == Status.OK else str(r.status)
            ax.text(0.01, y, text, va="center", color="gray", transform=ax.get_yaxis_transform())
            continue
        e = r[err] if err and pd.notna(r[err]) else None
        ax.barh(y, v, 0.7, xerr=e, color=palette.colour(lbl), alpha=0.6 if "/" in lbl else 1.0)
        if note and pd.notna(r[note]):
            ax.text(v + (e or 0), y, f" {r[note]:.2f}×", va="center", fontsize=6)
    ax.set_yticks(range(len(labels)), labels)
    ax.tick_params(axis="y", left=False)  # the label names the bar: no tick mark needed
    _top_down(ax)
    ax.set_title(title, fontsize=7)
    if log:
        log_axis(ax, "x")
    else:
        ax.xaxis.set_major_locator(MaxNLocator(4))  # four numbers read as well as eight
    ax.spines[["top", "right"]].set_visible(False)


def log_axis(ax, which: str) -> None:
    """A log scale on axis `which` ("x", "y") labelled in plain numbers (no mathtext), its minor ticks
    unlabelled."""
    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(NullLocator())  # a hundred tick marks a chart, and no reader needs them


def _top_down(ax) -> None:
    """The first label on top (once: panels share their y axis)."""
    if not ax.yaxis_inverted():
        ax.invert_yaxis()


def latency(df: pd.DataFrame, title: str) -> str:
    """Per model: a bar to the p50 latency, a line on to the p99, a tick at the p90; a panel per
    interpreter."""
    interps = list(dict.fromkeys(df.interpreter))
    labels = palette.order(list(dict.fromkeys(df.label)))
    fig, axes = panels(interps, 0.55 + 0.17 * len(labels), sharex=True)
    for ax, interp in zip(axes, interps, strict=True):
        d = df[(df.interpreter == interp) & df.lat_p50_ms.notna()].set_index("label")
        for y, lbl in enumerate(labels):
            if lbl not in d.index:
                continue
            r = d.loc[lbl]
            ax.barh(y, r.lat_p50_ms, 0.7, color=palette.colour(lbl), alpha=0.6 if "/" in lbl else 1.0)
            ax.plot([r.lat_p50_ms, r.lat_p99_ms], [y, y], color="#333", linewidth=0.8)
            ax.plot([r.lat_p90_ms], [y], marker="|", color="#333", markersize=5)
        ax.set_yticks(range(len(labels)), labels)
        ax.tick_params(axis="y", left=False)
        _top_down(ax)
        log_axis(ax, "x")
        ax.set_xlabel("ms per request (log)")
        ax.set_title(interp, fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"{title}: latency per request (bar p50, tick p90, line to p99)", fontsize=8)
    return svg(fig)


def scaling(cells: pd.DataFrame, dim: str, title: str, fits: dict | None = None) -> str:
    """Wall time against a swept dimension, a panel per interpreter: a line per model/variant in its
    model's colour (variants dotted); sync, which ignores the dimension, as a dashed level; and each
    scaling fit (`fits`: (interpreter, label) -> stats.scaling.Fit) drawn thin past the points, as
    sync's wall over the fitted speedup, labelled as a fit."""
    ok = cells[cells.status == Status.OK]
    xs = ok.params.map(lambda p: json.loads(p)[dim])
    interps = list(dict.fromkeys(ok.interpreter))
    fig, axes = panels(interps, 2.6, sharex=True)
    for ax, interp in zip(axes, interps, strict=True):
        mine = ok[ok.interpreter == interp]
        for label in palette.order(list(dict.fromkeys(mine.label))):
            line = mine[mine.label == label]
            if line.model.iloc[0] == "sync":
                ax.axhline(line.wall_s.iloc[0], color=palette.colour(label), linestyle="--", linewidth=0.8)
                continue
            order = np.argsort(xs[line.index].to_numpy())
            sync = mine[mine.model == "sync"].wall_s
            for fit in (fits or {}).get((interp, label), []) if len(sync) else []:
                grid = np.geomspace(1, 2 * xs[line.index].max(), 40)
                style = "--" if fit.law == "Amdahl" else "-."
                ax.plot(
                    grid,
                    sync.iloc[0] / fit.at(grid),
                    style,
                    linewidth=0.6,
                    color=palette.colour(label),
                    label=f"{label}: {fit.law} fit",
                )
            ax.plot(
                xs[line.index].to_numpy()[order],
                line.wall_s.to_numpy()[order],
                marker="o",
                markersize=3,
                linestyle="-" if line.variant.iloc[0] == "default" else ":",
                color=palette.colour(label),
                label=label,
            )
        log_axis(ax, "x")
        log_axis(ax, "y")
        ax.set_xlabel(dim)
        ax.set_title(interp, fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("wall time (s), log; sync dashed")
    axes[0].legend(fontsize=5, frameon=False)
    fig.suptitle(title, fontsize=8)
    return svg(fig)
