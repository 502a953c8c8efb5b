"""One colour and one order per model, for every chart and tile of the report (a variant takes its
model's colour). The colours are Okabe and Ito's, which colour-blind readers can tell apart; sync,
the baseline, is grey."""

from __future__ import annotations

from concbench.workloads import MODEL_NAMES

COLOURS = dict(
    zip(
        MODEL_NAMES,  # the registry's order: the order of every legend, tile and chart
        ("#777777", "#0072B2", "#009E73", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#F0E442"),
        strict=True,
    )
)
LIGHT = {"#56B4E9", "#E69F00", "#F0E442", "#777777", "#999999"}  # dark text reads better on these


def colour(model: str) -> str:
    """The model's colour (`threads` or `threads/…`); grey for anything else (a user's own label)."""
    return COLOURS.get(model.partition("/")[0], "#999999")


def order(models: list[str]) -> list[str]:
    """Models (or model/variant labels) in the registry's order, variants after their default."""
    rank = {m: i for i, m in enumerate(COLOURS)}
    return sorted(models, key=lambda m: (rank.get(m.partition("/")[0], len(rank)), "/" in m, m))


def css() -> str:
    """`.m-threads{--c:#0072B2;--ink:#fff}`: a class per model that chips, bars and dots read."""
    return "".join(
        f".m-{m}{{--c:{c};--ink:{'#111' if c in LIGHT else '#fff'}}}"
        for m, c in (*COLOURS.items(), ("other", colour("")))
    )


def css_class(label: str) -> str:
    """`m-threads` for `threads` and `threads/…`; `m-other` for a label of no model."""
    model = label.partition("/")[0]
    return f"m-{model if model in COLOURS else 'other'}"
