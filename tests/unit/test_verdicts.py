"""Verdicts: the statistics against textbook numbers, and synthetic jobs whose truth is known, through
the real analysis (stats.blocks, stats.mcb, verdicts.decide), verdicts.csv and compare's relation."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from concbench.report.compare import Agreement, relate
from concbench.results import Status
from concbench.stats import blocks, mcb, paired
from concbench.verdicts import decide, table
from concbench.verdicts.decide import Standing, State

# Montgomery, Design and Analysis of Experiments (8th ed.), Example 4.1: a vascular graft's yield at
# four extrusion pressures (treatments) in six batches of resin (blocks). Published: SS_E 109.89 on
# 15 degrees of freedom, MS_E 7.33, F 8.11.
MONTGOMERY = {
    "8500": [90.3, 89.2, 98.2, 93.9, 87.4, 97.9],
    "8700": [92.5, 89.5, 90.6, 94.7, 87.0, 95.8],
    "8900": [85.5, 90.8, 89.6, 86.2, 88.0, 93.4],
    "9100": [82.5, 89.5, 85.6, 87.4, 78.9, 90.7],
}


def montgomery(sign: float = 1.0) -> blocks.Fit:
    return blocks.fit({(t, b): sign * y for t, ys in MONTGOMERY.items() for b, y in enumerate(ys)})


def test_the_block_design_reproduces_a_textbook_anova():
    fit = montgomery()
    assert fit.df == 15
    assert fit.mse == pytest.approx(109.89 / 15, abs=0.005)  # MS_E 7.33
    assert set(fit.var.values()) == {fit.mse}, "four equally noisy treatments share the pool"
    d = fit.diff("8500", "9100")
    assert d.estimate == pytest.approx((556.9 - 514.6) / 6) and d.se == pytest.approx(
        math.sqrt(2 * fit.mse / 6)
    )


@pytest.mark.parametrize(
    ("cells", "df", "q"),  # the studentized range's 5 % points, as printed in every table of it
    [(2, 10, 3.151), (3, 10, 3.877), (4, 10, 4.327), (3, 20, 3.578), (5, 20, 4.232), (3, 1e4, 3.314)],
)
def test_critical_values_match_the_studentized_range_table(cells, df, q):
    assert mcb.critical(cells, df) * math.sqrt(2) == pytest.approx(q, abs=0.002)


def test_could_be_best_on_the_textbook_example():
    """Larger yield is better there; concbench's times are better smaller, so the yields are negated.
    Tukey's q(4, 15) = 4.08 gives a simultaneous half-width of 4.08 · √(7.33 / 6) = 4.51: 8500 (mean
    92.82), 8700 (91.68) and 8900 (88.92) could be best; 9100 (85.77) is shown lower than 8500."""
    family = mcb.Family(montgomery(sign=-1))
    assert sorted(family.could_be_best) == ["8500", "8700", "8900"]
    assert family.pair("9100", "8500").slower and not family.pair("8900", "8500").slower
    assert family.pair("9100", "8500").half == pytest.approx(4.08 * math.sqrt(7.33 / 6), abs=0.02)


def job(
    truth: dict[str, float], rounds: int, sd: float = 0.05, seed: int = 1, skip=(), **noisy
) -> pd.DataFrame:
    """Cells of one job (label -> true wall time), each round shifted by a common drift (the block),
    each cell with its own log-normal noise `sd` (or noisy[label])."""
    rng = np.random.default_rng(seed)
    drift = rng.normal(0, 0.2, rounds)
    rows = []
    for label, t in truth.items():
        model, _, variant = label.partition("/")
        s = noisy.get(model, sd)
        rv = {
            r + 1: math.exp(math.log(t) + drift[r] + rng.normal(0, s))
            for r in range(rounds)
            if (label, r + 1) not in skip
        }
        rows.append(
            {
                "machine": "m",
                "interpreter": "3.14t",
                "workload": "cpu_bound",
                "params": json.dumps({"tasks": 8, "span": 5000, "workers": 2}),
                "model": model,
                "variant": variant or "default",
                "label": label,
                "status": Status.OK,
                "reason": "",
                "rounds_values": rv,
                "wall_s": t,
            }
        )
    return pd.DataFrame(rows)


THREE_EQUAL = {"sync": 2.0, "threads": 1.0, "freethreading": 1.0, "multiprocessing": 1.0, "trio": 1.3}


def verdict(df: pd.DataFrame, **kw) -> decide.Verdict:
    (v,) = decide.verdicts(df, **kw)
    return v


def test_three_equal_models_could_be_best_and_a_slower_one_is_slower():
    calls = [verdict(job(THREE_EQUAL, rounds=5, seed=s)) for s in range(20)]
    three = sum({p.model for p in v.best} == {"threads", "freethreading", "multiprocessing"} for v in calls)
    assert three >= 19, "the family's error rate is 5 %: an equal model is rarely called slower"
    for v in calls:
        assert {p.model for p in v.slower} >= {"sync", "trio"}
        trio = next(p for p in v.places if p.model == "trio")
        assert trio.low < 1.3 < trio.high or abs(trio.ratio - 1.3) < 0.1


def test_enough_rounds_tie_the_equal_models_and_settle_the_verdict():
    few, many = verdict(job(THREE_EQUAL, rounds=3)), verdict(job(THREE_EQUAL, rounds=60))
    assert few.state == State.UNSETTLED and few.more_rounds and "not yet told apart" in few.why
    assert many.state == State.SETTLED and len(many.best) == 3
    assert many.resolution < few.resolution


def test_one_model_clearly_faster_settles_alone():
    v = verdict(job({"sync": 1.3, "threads": 1.3, "freethreading": 1.0, "multiprocessing": 1.3}, rounds=4))
    assert v.state == State.SETTLED and [p.model for p in v.best] == ["freethreading"]
    assert all(p.low > 1.2 for p in v.slower)


def test_one_round_gives_no_verdict():
    v = verdict(job(THREE_EQUAL, rounds=1))
    assert v.state == State.NO_SPREAD and v.why == "one round: no spread measured"
    assert not v.best and {p.standing for p in v.places} == {Standing.MEASURED}
    assert all(p.low is None for p in v.places)


def test_pooling_over_cells_narrows_the_interval_of_a_pair():
    df = job(THREE_EQUAL, rounds=4, seed=3)
    fam = mcb.Family(
        blocks.fit({(r.label, k): math.log(v) for r in df.itertuples() for k, v in r.rounds_values.items()})
    )
    pooled = fam.pair("threads", "freethreading")
    own = paired.ratio(*(df.set_index("label").rounds_values[x] for x in ("threads", "freethreading")))
    assert pooled.diff.df > own.n - 1 == 3, "up to (5 − 1)(4 − 1) = 12 degrees of freedom"
    assert pooled.high / pooled.low < own.high / own.low, (
        "12 degrees of freedom beat 3, even with 5 cells' multiplicity"
    )


def test_moderation_keeps_a_noisy_cells_own_spread():
    truth = {f"m{i}": 1.0 for i in range(7)} | {"multiprocessing": 1.0}
    df = job(truth, rounds=10, sd=0.05, multiprocessing=0.2)
    fit = blocks.fit({(r.label, k): math.log(v) for r in df.itertuples() for k, v in r.rounds_values.items()})
    assert math.isfinite(fit.prior_df), "the cells' variances scatter more than sampling explains"
    quiet = [fit.var[c] for c in fit.cells if c != "multiprocessing"]
    assert fit.mse <= min(quiet) and max(quiet) < 1.5 * fit.mse, "none below the pool"
    assert fit.var["multiprocessing"] > 3 * fit.mse, "the noisy cell is not given the quiet ones' spread"


def test_a_cell_missing_from_a_round_still_gives_a_verdict():
    v = verdict(job(THREE_EQUAL, rounds=6, skip={("trio", 2), ("threads", 5)}))
    assert v.state in (State.SETTLED, State.UNSETTLED) and v.rounds == 6
    assert {p.model for p in v.slower} >= {"sync"}


def test_models_are_judged_not_variants_and_the_fastest_variant_is_named():
    truth = {"sync": 2.0, "asyncio/naive": 2.0, "asyncio/offloaded": 1.0, "threads": 1.0}
    v = verdict(job(truth, rounds=8))
    assert [p.model for p in v.places].count("asyncio") == 1
    assert next(p for p in v.places if p.model == "asyncio").variant == "offloaded"


def test_a_flagged_cell_leaves_the_verdict_unsettled_and_stays_in_it():
    df = job({"sync": 2.0, "threads": 1.0, "multiprocessing": 1.5}, rounds=6)
    df.loc[df.label == "threads", ["status", "reason"]] = [Status.IMPOSSIBLE, "efficiency 1.40 (CI 1.2–1.6)"]
    v = verdict(df)
    assert v.state == State.UNSETTLED and "flagged impossible: threads: efficiency 1.40" in v.why
    assert [p.model for p in v.best] == ["threads"], "the flag never silently changes the verdict"


def test_untimed_models_keep_their_reason():
    df = job({"sync": 2.0, "threads": 1.0}, rounds=3)
    na = df.iloc[[1]].assign(
        model="gevent", label="gevent", status=Status.NA, reason="no wheel", rounds_values=[{}]
    )
    v = verdict(pd.concat([df, na]))
    assert next(p for p in v.places if p.model == "gevent").reason == "n/a: no wheel"


def test_verdicts_csv_round_trips(tmp_path):
    found = [
        verdict(job(THREE_EQUAL, rounds=5)),
        verdict(job(THREE_EQUAL, rounds=1).assign(interpreter="3.14")),
    ]
    table.write(tmp_path, found)
    back = table.read(tmp_path / table.FILE)
    assert [(v.state, v.places, v.rounds, v.more_rounds) for v in back] == [
        (v.state, v.places, v.rounds, v.more_rounds) for v in found
    ]
    assert list(pd.read_csv(tmp_path / table.FILE).columns) == table.COLUMNS


def test_compare_relates_verdicts_agree_overlap_contradict():
    a = verdict(job({"sync": 2.0, "asyncio": 1.0, "threads": 1.5}, rounds=6))
    uvloop = verdict(job({"sync": 2.0, "asyncio/uvloop": 1.0, "threads": 1.5}, rounds=6, seed=2))
    flipped = verdict(job({"sync": 2.0, "asyncio": 1.5, "threads": 1.0}, rounds=6))
    unsure = verdict(job({"sync": 2.0, "asyncio": 1.0, "threads": 1.5}, rounds=2, sd=0.4))
    assert relate(a, uvloop).agreement == Agreement.AGREE, "asyncio on uvloop is asyncio"
    assert relate(a, flipped).agreement == Agreement.CONTRADICT
    assert relate(a, unsure).agreement == Agreement.OVERLAP
    assert relate(a, verdict(job({"sync": 2.0, "asyncio": 1.0}, rounds=1))).agreement == Agreement.NO_VERDICT
    tied = verdict(job({"sync": 2.0, "asyncio": 1.0, "threads": 1.0}, rounds=40, sd=0.02))
    apart = verdict(job({"sync": 2.0, "asyncio": 1.0, "threads": 1.2}, rounds=40, sd=0.02))
    assert "threads" in next(p for p in tied.places if p.model == "asyncio").tied_with
    r = relate(tied, apart)
    assert r.agreement == Agreement.CONTRADICT and "tied in A, apart by more than ±5% in B" in r.why


def test_two_runs_of_equal_models_rarely_contradict():
    """sync and threads equal, both 7 % slower than trio: "slower" is pair by pair, so two runs that
    put different models outside the set do not contradict each other."""
    truth = {"sync": 1.07, "threads": 1.07, "trio": 1.0}
    runs = [verdict(job(truth, rounds=5, seed=s)) for s in range(40)]
    contradictions = sum(relate(a, b).agreement == Agreement.CONTRADICT for a, b in itertools.pairwise(runs))
    assert contradictions <= 1
