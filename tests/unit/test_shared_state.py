"""The shared-state workload: its reference is independent of the models, a lost update fails the
check, local counts merge back to the reference, and every model gets the counter shape right too
(through the real worker: tests/e2e/test_shared_state.py, and tests/e2e/test_suites.py's tiny case)."""

import importlib
import sys
from dataclasses import replace
from itertools import pairwise

import pytest

from concbench.registry import WORKLOADS
from concbench.suites.shared_state import workload as wl
from concbench.worker.verify import VerificationFailed, check, digest

SS = WORKLOADS["shared_state"]
FREE_THREADED = not getattr(sys, "_is_gil_enabled", lambda: True)()


def params(shape: int, updates: int = 3_000, workers: int = 3, **kw) -> wl.Params:
    return wl.Params(updates=updates, proxy_updates=50, shape=shape, workers=workers, **kw)


def test_the_reference_is_a_closed_form_and_a_counter_not_the_models_loop():
    counter, words = params(wl.COUNTER), params(wl.WORDS, updates=5_001)
    assert wl.reference(counter) == [3_000]
    assert not wl._TEXTS.get(words.n), "the reference needs no prepared text"
    expected = wl.reference(words)
    wl.prepare(words)
    assert wl.verifiable(wl.tally(words, (0, words.n))) == expected  # the models' loop agrees
    assert sum(c for _, c in expected) == words.n
    assert {w for w, _ in expected} == set(wl.VOCAB), "every word of the vocabulary occurs"
    by_count = sorted(expected, key=lambda wc: -wc[1])
    assert by_count[0][0] == "the" and by_count[0][1] > 5 * by_count[-1][1], "skewed, like a text"


def test_the_text_is_built_before_the_clock_or_not_at_all():
    p = params(wl.WORDS, updates=1_234)
    with pytest.raises(KeyError):
        wl.text(p)  # a call never builds it: prepare does, in setup or a pool initializer
    wl.prepare(p)
    assert wl.text(p) == [wl.word(i) for i in range(1_234)]
    wl.prepare(params(wl.COUNTER, updates=4_321))
    assert 4_321 not in wl._TEXTS, "the counter needs no text"


@pytest.mark.skipif(not FREE_THREADED, reason="immortality matters only without the GIL")
def test_the_words_are_immortal_so_reading_the_text_is_not_sharing():
    """Every thread reads the same 40 word objects: mortal, their reference counts would be the
    most contended state of the cell, in the `local` variant too."""
    p = params(wl.WORDS, updates=2_000)
    wl.prepare(p)
    assert all(map(sys._is_immortal, wl.VOCAB))
    assert all(map(sys._is_immortal, wl.text(p)))


@pytest.mark.parametrize("shape", [wl.COUNTER, wl.WORDS])
def test_a_lost_or_misplaced_update_fails_the_check(shape):
    p = params(shape)
    wl.prepare(p)
    expected = digest(wl.reference(p))
    state = wl.tally(p, (0, p.n))
    check(wl.verifiable(state), expected)
    if shape == wl.COUNTER:
        tampered = [state - 1, state + 1]
    else:
        lost = {**state, "the": state["the"] - 1}
        moved = {**lost, "of": state["of"] + 1}  # the same total, one update on the wrong word
        tampered = [lost, moved, {w: c for w, c in state.items() if w != "all"}]
    for bad in tampered:
        with pytest.raises(VerificationFailed):
            check(wl.verifiable(bad), expected)


@pytest.mark.parametrize("shape", [wl.COUNTER, wl.WORDS])
@pytest.mark.parametrize("workers", [1, 2, 3, 7, 5_000])
def test_local_counts_merge_back_to_the_reference(shape, workers):
    p = params(shape, workers=workers)
    wl.prepare(p)
    blocks = p.blocks()
    assert blocks[0][0] == 0 and blocks[-1][1] == p.n
    assert all(a[1] == b[0] for a, b in pairwise(blocks)), "contiguous, disjoint"
    sizes = [hi - lo for lo, hi in blocks]
    assert len(blocks) == min(workers, p.n) and max(sizes) - min(sizes) <= 1, "the same work per worker"
    parts = [wl.tally(p, b) for b in blocks]
    assert wl.verifiable(wl.merge(p, parts)) == wl.reference(p)


def test_units_are_the_updates_each_model_makes():
    case = {"updates": 1_000, "proxy_updates": 40, "shape": wl.WORDS, "workers": 2}
    for model, variants in SS.variants.items():
        for v in variants:
            n = 40 if (model, v.name) == ("multiprocessing", "manager") else 1_000
            assert SS.units(case, model, v.name) == n == wl.Params(**case, model=model, variant=v.name).n
    assert SS.kind == "price" and SS.ideal_s(case, 1.0, 2, 0.0) is None


@pytest.mark.skipif(not FREE_THREADED, reason="needs a free-threaded build with the GIL off")
@pytest.mark.parametrize("model,variant", [("threads", "lock"), ("freethreading", "lock")])
@pytest.mark.parametrize("shape", [wl.COUNTER, wl.WORDS])
def test_the_lock_keeps_every_update_with_threads_really_at_once(model, variant, shape):
    """Enough updates that two GIL-free threads overlap for many of them: the lock variants still
    give the reference on every call (an unlocked version would not, most of the time)."""
    p = replace(params(shape, updates=200_000, workers=2), variant=variant, model=model)
    expected = digest(wl.reference(p))
    with importlib.import_module(f"{SS.package}.{model}").setup(p) as run:
        for _ in range(3):
            check(wl.verifiable(run()), expected)
