"""The answer first: a verdict grid (a row per job, named in words by its workload; a column per
interpreter; a tile per verdict) and one sentence per job, from the verdicts alone. The report page
and the notebook show the same HTML."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from concbench.registry import WORKLOADS
from concbench.report import palette
from concbench.results import Status
from concbench.verdicts.decide import Place, Standing, State, Verdict, describe

JUDGED = (State.SETTLED, State.UNSETTLED)
NOT_RUN = "not run: no room in the budget, or the run stopped first (--budget, --resume)"
RULE = (
    "Each sentence names the models that could be best on every interpreter where they were timed, "
    "then those that could be best on only some of them (and where), then the models slower on every "
    "interpreter with the range of their ratios; it says <i>settled</i> only when every interpreter's "
    "verdict is, and otherwise what would settle it. Where jobs of one workload differ in one parameter "
    "only (a sweep), a last sentence per interpreter follows the could-be-best set along it."
)
CSS = """
.legend{display:flex;flex-wrap:wrap;gap:.3rem .8rem;margin:.4rem 0;font-size:.85rem}
.legend span::before,.bar i{content:"";display:inline-block;background:var(--c)}
.legend span::before{width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-.1rem;border-radius:2px}
.grid{display:grid;grid-template-columns:minmax(9rem,14rem) repeat(var(--n),minmax(0,1fr));gap:.4rem;
margin:.6rem 0}
.grid>.head{font-weight:bold;font-size:.85rem;align-self:end}
.grid>.job{font-weight:600;font-size:.9rem;padding-top:.3rem;border-top:1px solid #ddd}
.tile{border:1px solid #ccc;border-radius:6px;padding:.35rem .45rem;font-size:.8rem;min-width:0}
.tile.settled{border-color:#2a7a2a;box-shadow:inset 3px 0 #2a7a2a}
.tile .it{display:none;color:#666;font-size:.75rem}
.chip{display:inline-block;background:var(--c);color:var(--ink);border-radius:3px;padding:0 .3rem;
margin:0 .2rem .2rem 0;font-weight:600}
.bar{display:grid;grid-template-columns:minmax(0,7.5rem) minmax(2.5rem,1fr) auto;gap:.3rem;align-items:center;
line-height:1.2}
.bar .l{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar i{height:.55rem;border-radius:2px}
.bar .r{font-variant-numeric:tabular-nums;white-space:nowrap}
.tile .meta{color:#444;margin-top:.2rem}.tile .na{color:#8a6d00;font-size:.75rem}
@media (max-width:700px){.grid{grid-template-columns:minmax(0,1fr)}.grid>.head{display:none}
.tile .it{display:block}}
"""


@dataclass(frozen=True)
class Job:
    """A row of the grid: one workload and params, its verdict per interpreter."""

    workload: str
    params: str
    words: str  # the workload's own description of its params
    tiles: dict[str, Verdict]  # interpreter -> its verdict


def jobs(verdicts: Iterable[Verdict]) -> list[Job]:
    """The grid's rows: workloads in the registry's order, each one's jobs in the run's order."""
    rows: dict[tuple[str, str], Job] = {}
    for v in verdicts:
        key = (v.workload, v.params)
        rows.setdefault(key, Job(v.workload, v.params, v.describe(), {})).tiles[v.interpreter] = v
    rank = {w: i for i, w in enumerate(WORKLOADS)}
    return sorted(rows.values(), key=lambda j: rank.get(j.workload, len(rank)))


def interpreters(found: list[Job], first: Iterable[str] = ()) -> list[str]:
    """The grid's columns: `first` (the manifest's order), then any other interpreter a verdict has."""
    return list(dict.fromkeys([*first, *(i for j in found for i in j.tiles)]))


def legend() -> str:
    items = "".join(f'<span class="{palette.css_class(m)}">{escape(m)}</span>' for m in palette.COLOURS)
    return f'<div class="legend" aria-label="model colours">{items}</div>'


def html(verdicts: Iterable[Verdict], first: Iterable[str] = ()) -> str:
    """The legend, the grid and the sentences, as one block of HTML (styles in CSS)."""
    found = jobs(verdicts)
    cols = interpreters(found, first)
    cells = ['<div class="head">job</div>', *(f'<div class="head">{escape(i)}</div>' for i in cols)]
    for job in found:
        cells.append(f'<div class="job">{escape(job.words)}</div>')
        cells += [tile(job.tiles[i]) if i in job.tiles else _empty(i) for i in cols]
    sentences = "".join(f"<li>{escape(line)}</li>" for line in [*map(sentence, found), *sweeps(found)])
    return (
        legend()
        + f'<div class="grid" style="--n:{len(cols)}">{"".join(cells)}</div>'
        + f"<h3>In words</h3><ul class='answer'>{sentences}</ul><p><small>{RULE}</small></p>"
    )


def _empty(interp: str) -> str:
    return f'<div class="tile"><div class="it">{escape(interp)}</div><span class="na">not run</span></div>'


def tile(v: Verdict) -> str:
    """The could-be-best set as chips, a bar per timed model (its speed relative to the best: the
    bar's length is 1 / ratio), the resolution and whether it is settled, and what was not timed."""
    timed = [p for p in v.places if p.standing != Standing.NOT_TIMED]
    chips = "".join(
        f'<span class="chip {palette.css_class(p.label)}">{escape(p.label)}</span>' for p in v.best
    )
    rows = "".join(_bar(p) for p in timed)
    untimed = [p for p in v.places if p.standing == Standing.NOT_TIMED]
    said = "not timed: " + ", ".join(p.label for p in untimed)
    if not timed:  # nothing to draw: why, per reason
        by: dict[str, list[str]] = {}
        for p in untimed:
            by.setdefault(NOT_RUN if p.reason.rstrip(": ") == Status.NOT_RUN else p.reason, []).append(
                p.label
            )
        said = "; ".join(f"{reason} ({', '.join(labels)})" for reason, labels in by.items())
    na = f'<div class="na">{escape(said)}</div>' if untimed else ""
    return (
        f'<div class="tile {v.state.value.replace(" ", "-")}"><div class="it">{escape(v.interpreter)}</div>'
        f"{chips}{rows}<div class='meta'>{escape(status(v))}</div>{na}</div>"
    )


def _bar(p: Place) -> str:
    if p.ratio is None:
        return ""
    width = max(2.0, 100 / max(p.ratio, 1.0))
    return (
        f'<div class="bar {palette.css_class(p.label)}"><span class="l">{escape(p.label)}</span>'
        f'<i style="width:{width:.0f}%"></i><span class="r">{p.ratio:.2f}×</span></div>'
    )


def status(v: Verdict) -> str:
    """`±4 % · settled`, `±12 % · unsettled: ~8 more rounds`, `no verdict: one round`."""
    if v.state == State.NO_SPREAD:
        return f"no verdict: {v.why}"
    if v.state == State.ONE_MODEL:
        return v.why
    res = f"±{v.resolution:.0%} · " if v.resolution is not None else ""
    if v.settled:
        return res + ("settled" if len(v.best) == 1 else f"settled: tied within ±{v.margin:.0%}")
    more = f": ~{v.more_rounds} more rounds" if v.more_rounds else ""
    return res + f"unsettled{more}" + ("; a cell flagged impossible" if v.flagged else "")


def _models(places: Iterable[Place]) -> list[str]:
    return palette.order(list(dict.fromkeys(p.model for p in places)))


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def sentence(job: Job) -> str:
    """What to use for this job, by RULE."""
    judged = {i: v for i, v in job.tiles.items() if v.state in JUDGED}
    if not judged:
        v = next(iter(job.tiles.values()))
        if v.state == State.NO_SPREAD:
            return f"{job.words}: no verdict yet, one round measures no spread; run it with a --budget."
        return f"{job.words}: {v.why}, nothing to compare."
    best = {i: set(_models(v.best)) for i, v in judged.items()}
    timed = {i: {p.model for p in v.places if p.standing != Standing.NOT_TIMED} for i, v in judged.items()}
    models = _models([p for v in judged.values() for p in v.places if p.standing != Standing.NOT_TIMED])
    everywhere = [m for m in models if all(m in best[i] for i in judged if m in timed[i]) and _any(m, best)]
    where = "" if len(job.tiles) == 1 else " on every interpreter that has them"
    parts = [f"{job.words}: use {_or(everywhere)}{where}" if everywhere else f"{job.words}: "]
    some = [
        f"{_or([m for m in models if m in best[i] and m not in everywhere])} on {i}"
        for i in judged
        if any(m in best[i] and m not in everywhere for m in models)
    ]
    if some:
        parts.append(("; also " if everywhere else "use ") + "; ".join(some))
    slow = [m for m in models if all(m not in best[i] for i in judged if m in timed[i])]
    if slow:
        parts.append("; " + ", ".join(_slower(m, judged.values()) for m in slow))
    unsettled = [i for i, v in judged.items() if not v.settled]
    unjudged = [i for i in job.tiles if i not in judged]
    if unsettled:
        more = [judged[i].more_rounds for i in unsettled if judged[i].more_rounds]
        need = f" (~{max(more)} more rounds)" if more else ""
        parts.append(f". Not settled on {', '.join(unsettled)}{need}")
    elif not unjudged:
        parts.append(". Settled")
    if unjudged:
        parts.append(f". No verdict on {', '.join(unjudged)}")
    return "".join(parts) + "."


def _any(model: str, best: dict[str, set[str]]) -> bool:
    return any(model in s for s in best.values())


def _slower(model: str, judged: Iterable[Verdict]) -> str:
    """`sync 1.9–2.0× slower [1.8–2.2]`: its ratios to the best over the interpreters, and the span of
    their simultaneous 95 % intervals."""
    places = [p for v in judged for p in v.slower if p.model == model and p.ratio is not None]
    if not places:
        return f"{model} slower"
    low, high = min(p.ratio for p in places), max(p.ratio for p in places)
    span = f"{low:.1f}×" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}×"
    lows, highs = [p.low for p in places if p.low is not None], [p.high for p in places if p.high is not None]
    interval = f" [{min(lows):.1f}–{max(highs):.1f}]" if lows and highs else ""
    return f"{model} {span} slower{interval}"


def styled(verdicts: Iterable[Verdict], first: Iterable[str] = ()) -> str:
    """`html` with its styles, for a page that has none of the report's (the notebook)."""
    return f"<style>{CSS}{palette.css()}</style>{html(verdicts, first)}"


def sweeps(found: list[Job]) -> list[str]:
    """`CPU work: 8 tasks of ~20 ms, along workers on 3.14t: 1: sync; 2: freethreading or threads; 4:
    the same`: the fixed params in words, then per
    workload, parameter and interpreter, the could-be-best models at each value of a parameter that
    alone varies between at least two of its judged jobs."""
    out = []
    for workload in dict.fromkeys(j.workload for j in found):
        mine = [(json.loads(j.params), j) for j in found if j.workload == workload]
        for key in dict.fromkeys(k for p, _ in mine for k in p):
            for rest in dict.fromkeys(_without(p, key) for p, _ in mine):
                line = sorted(
                    ((p[key], j) for p, j in mine if key in p and _without(p, key) == rest), key=_first
                )
                if len({value for value, _ in line}) >= 2:
                    out += _along(*_named(workload, rest, key), line)
    return out


def _named(workload: str, rest: str, key: str) -> tuple[str, str]:
    """The job in words with N for the swept value (`HTTP: 200 requests, N at once`) and the sweep
    (`concurrency (N)`); the params as they are where the words need the value as a number, or do
    not say it (a flag, or a param the words leave out)."""
    n, m = (describe(workload, json.dumps({**json.loads(rest), key: x})) for x in ("N", "M"))
    if n.startswith(f"{workload} [") or n == m:
        return describe(workload, rest), key
    return n, f"{key} (N)"


def _first(pair: tuple) -> object:
    return pair[0]


def _without(params: dict, key: str) -> str:
    return json.dumps({k: v for k, v in params.items() if k != key}, sort_keys=True)


def _along(name: str, key: str, line: list[tuple[object, Job]]) -> list[str]:
    out = []
    for interp in dict.fromkeys(i for _, j in line for i in j.tiles):
        steps, last = [], None
        for value, job in line:
            v = job.tiles.get(interp)
            if v is None or v.state not in JUDGED:
                continue
            best = _or(_models(v.best))
            steps.append(f"{value}: {'the same' if best == last else best}")
            last = best
        if len(steps) >= 2:
            out.append(f"{name}, along {key} on {interp}: {'; '.join(steps)}.")
    return out
