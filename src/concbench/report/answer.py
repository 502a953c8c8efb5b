"""The answer in words: one line per job's verdict, and one on what is left undecided."""

from __future__ import annotations

from collections.abc import Iterable

from concbench.verdicts.decide import Place, Standing, State, Verdict


def _ratio(p: Place) -> str:
    if p.ratio is None:
        return f"{p.label} (not compared: no common round)"
    ci = f" [{p.low:.2f}–{p.high:.2f}]" if p.low is not None and p.high is not None else ""
    return f"{p.label} {p.ratio:.2f}×{ci}"


def line(v: Verdict) -> str:
    """`CPU work: 8 tasks of ~20 ms, 2 workers on 3.14t: freethreading · threads could be best (±4 %);
    sync 1.34× [1.29–1.38] slower — unsettled: ~4 more rounds`"""
    head = f"{v.describe()} on {v.interpreter}: "
    untimed = [p.label for p in v.places if p.standing == Standing.NOT_TIMED]
    tail = f"; not timed: {', '.join(untimed)}" if untimed else ""
    if v.state == State.ONE_MODEL:
        timed = " · ".join(p.label for p in v.best)
        return head + (f"only {timed} timed{tail}" if timed else f"no model timed{tail}")
    if v.state == State.NO_SPREAD:
        measured = [p for p in v.places if p.standing == Standing.MEASURED]
        order = ", ".join(f"{p.label} {p.ratio:.2f}×" for p in measured)
        return head + f"no verdict ({v.why}); measured once, relative to the fastest: {order}{tail}"
    best = " · ".join(p.label for p in v.best)
    res = f" (±{v.resolution:.0%})" if v.resolution is not None else ""
    slower = f"; {', '.join(_ratio(p) for p in v.slower)} slower" if v.slower else ""
    if v.settled:
        how = "settled" if len(v.best) == 1 else f"settled: tied within ±{v.margin:.0%}"
    else:
        more = f": ~{v.more_rounds} more rounds" if v.more_rounds else ""
        how = f"unsettled{more}" + (f" ({v.why})" if v.flagged or not v.more_rounds else "")
    verb = "is best" if len(v.best) == 1 else "could be best"
    return head + f"{best} {verb}{res}{slower} — {how}{tail}"


def undecided(verdicts: Iterable[Verdict]) -> str:
    """`verdicts: 5 of 12 jobs settled; 4 unsettled (…); 3 one round: no spread measured`"""
    found = list(verdicts)
    by = {s: [v for v in found if v.state == s] for s in State}
    parts = [f"{len(by[State.SETTLED])} of {len(found)} jobs settled"]
    if unsettled := by[State.UNSETTLED]:
        more = [v.more_rounds for v in unsettled if v.more_rounds]
        most = f"; the furthest needs ~{max(more)} more rounds" if more else ""
        parts.append(f"{len(unsettled)} unsettled (more rounds decide them: --budget 10m{most})")
    if none := by[State.NO_SPREAD]:
        parts.append(f"{len(none)} with no verdict (one round: no spread measured; give it --budget)")
    if alone := [v for v in by[State.ONE_MODEL] if v.best]:
        parts.append(f"{len(alone)} with one model timed")
    if none := [v for v in by[State.ONE_MODEL] if not v.best]:
        parts.append(f"{len(none)} with no model timed")
    return "verdicts: " + "; ".join(parts)
