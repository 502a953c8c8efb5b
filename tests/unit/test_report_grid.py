"""The report's answer first: the verdict grid shows exactly the verdicts' sets, slower models, ratios and
settled marks; the sentence follows its rule; every chart and tile colours a model alike; charts are
light."""

import json
import re

import pandas as pd
import pytest

from concbench.report import charts, grid, palette
from concbench.results import Status
from concbench.verdicts.decide import Place, Standing, State, Verdict

B, S, N = Standing.BEST, Standing.SLOWER, Standing.NOT_TIMED
GIL, FT = "cpython-3.14.7", "cpython-3.14.7t"
CPU = '{"span":5000,"tasks":8,"workers":2}'
HTTP = '{"concurrency":10,"latency_ms":35,"requests":40,"size":1024,"workers":2}'


def _v(interp, params, state, places, workload="cpu_bound", **kw) -> Verdict:
    return Verdict(interp, workload, params, state, tuple(places), rounds=5, **kw)


VERDICTS = [
    _v(
        GIL,
        CPU,
        State.SETTLED,
        [
            Place("multiprocessing", "default", B, 1.0),
            Place("threads", "default", S, 2.1, 1.9, 2.3),
            Place("sync", "default", S, 2.0, 1.8, 2.2),
            Place("freethreading", "default", N, reason="n/a: needs a free-threaded build"),
        ],
        resolution=0.04,
    ),
    _v(
        FT,
        CPU,
        State.UNSETTLED,
        [
            Place("freethreading", "default", B, 1.0),
            Place("threads", "default", B, 1.02, 0.9, 1.2),
            Place("multiprocessing", "default", B, 1.05, 0.9, 1.3),
            Place("sync", "default", S, 1.9, 1.6, 2.3),
        ],
        resolution=0.2,
        more_rounds=98,
    ),
    _v(
        GIL,
        HTTP,
        State.NO_SPREAD,
        [
            Place("asyncio", "uvloop", Standing.MEASURED, 1.0),
            Place("sync", "default", Standing.MEASURED, 9.9),
        ],
        workload="http_fanout",
        why="one round: no spread measured",
    ),
]


def test_grid_shows_each_verdicts_sets_ratios_and_settled_mark(parse_grid):
    found = parse_grid(grid.html(VERDICTS, [GIL, FT]))
    assert found.jobs == [
        "CPU work: 8 tasks of ~20 ms, 2 workers",
        "HTTP: 40 requests, 10 at once, 35 ms each, 2 workers",
    ]
    tiles = [t for t in found.tiles if t["it"]]  # the HTTP job has no 3.14t verdict: a "not run" tile
    by = {(t["it"], i): t for i, t in enumerate(tiles)}
    assert len(tiles) == 4 and [it for it, _ in by] == [GIL, FT, GIL, FT]
    for v, t in zip(VERDICTS[:2], tiles[:2], strict=True):
        assert t["chips"] == [p.label for p in v.best]
        timed = [p for p in v.places if p.standing != N]
        assert t["bars"] == [[p.label, f"{p.ratio:.2f}×"] for p in timed]
        assert ("settled" in t["css"].split()) == v.settled
    assert tiles[0]["meta"] == "±4% · settled" and tiles[1]["meta"] == "±20% · unsettled: ~98 more rounds"
    assert tiles[2]["chips"] == [] and tiles[2]["meta"] == "no verdict: one round: no spread measured"
    assert "not run" in grid.html(VERDICTS, [GIL, FT]).split("HTTP: 40")[1]


def test_a_job_tile_says_what_was_not_timed():
    html = grid.tile(VERDICTS[0])
    assert "not timed: freethreading" in html


def test_the_sentence_follows_its_rule():
    found = grid.jobs(VERDICTS)
    cpu, http = (grid.sentence(j) for j in found)
    # multiprocessing could be best everywhere; freethreading wherever it ran (3.14t only); threads only
    # on 3.14t; sync slower everywhere, by 1.9–2.0×; 3.14t unsettled
    assert cpu == (
        "CPU work: 8 tasks of ~20 ms, 2 workers: use freethreading or multiprocessing on every interpreter "
        f"that has them; also threads on {FT}; sync 1.9–2.0× slower [1.6–2.3]. "
        f"Not settled on {FT} (~98 more rounds)."
    )
    assert "no verdict yet" in http
    settled = grid.Job("cpu_bound", CPU, "CPU work", {GIL: VERDICTS[0]})
    assert (
        grid.sentence(settled)
        == "CPU work: use multiprocessing; sync 2.0× slower [1.8–2.2], threads 2.1× slower [1.9–2.3]. "
        "Settled."
    )
    half = grid.Job("cpu_bound", CPU, "CPU work", {GIL: VERDICTS[0], FT: VERDICTS[2]})
    assert grid.sentence(half).endswith(f". No verdict on {FT}."), "settled only where every tile is"
    assert "Settled" not in grid.sentence(half) and "on every interpreter that has them" in grid.sentence(
        half
    )


def test_rows_follow_the_registry_and_columns_the_manifest():
    found = grid.jobs(reversed(VERDICTS))
    assert [j.workload for j in found] == ["cpu_bound", "http_fanout"]
    assert grid.interpreters(found, [FT, GIL]) == [FT, GIL]


def _cells(labels: list[str], interps=(GIL, FT)) -> pd.DataFrame:
    rows = [
        {
            "interpreter": i,
            "label": lbl,
            "model": lbl.partition("/")[0],
            "variant": lbl.partition("/")[2] or "default",
            "status": Status.OK,
            "wall_s": 0.1 * (k + 1),
            "wall_stdev_s": 0.01,
            "speedup_vs_sync": 1.0,
            "lat_p50_ms": 10.0 + k,
            "lat_p90_ms": 20.0 + k,
            "lat_p99_ms": 30.0 + k,
            "params": json.dumps({"concurrency": 10}),
        }
        for i in interps
        for k, lbl in enumerate(labels)
    ]
    return pd.DataFrame(rows)


def _fills(svg: str) -> list[str]:
    """The bars' fill colours in drawing order (the white backgrounds left out), read through the
    SVG's classes."""
    rules = dict(re.findall(r"\.([\w-]+)\{([^}]*)\}", svg))
    fills = [
        re.match(r"fill:(#[0-9a-f]{6})", rules[c])
        for c in re.findall(r'<path d="[^"]*" class="([^"]+)"', svg)
    ]
    return [f[1] for f in fills if f and f[1] != "#ffffff"]


LABELS = ["multiprocessing", "sync", "asyncio/uvloop", "threads", "gevent"]


@pytest.mark.parametrize(
    "draw",
    [
        lambda df: charts.bars(df, "wall_s", "wall", "s", err="wall_stdev_s"),
        lambda df: charts.latency(df, "http"),
    ],
    ids=["bars", "latency"],
)
def test_a_models_colour_is_the_same_in_every_chart_and_the_grid(draw):
    svg = draw(_cells(LABELS))
    ordered = palette.order(LABELS)
    assert ordered == ["sync", "threads", "asyncio/uvloop", "gevent", "multiprocessing"]
    expected = [palette.colour(lbl).lower() for lbl in ordered] * 2  # one panel per interpreter
    assert _fills(svg) == expected
    css = palette.css()
    for lbl in ordered:  # the grid's chips and bars read the same colour from the model's class
        assert f".{palette.css_class(lbl)}{{--c:{palette.colour(lbl)};" in css
    assert palette.colour("asyncio/uvloop") == palette.colour("asyncio"), "a variant takes its model's colour"


def test_every_model_has_its_own_colour():
    from concbench.registry import MODELS

    assert list(palette.COLOURS) == list(MODELS)
    assert len(set(palette.COLOURS.values())) == len(MODELS)


def test_charts_are_light_and_keep_their_text():
    svg = charts.bars(_cells([*LABELS, "trio", "freethreading", "subinterpreters"]), "wall_s", "w", "s")
    assert len(svg) < 14_000, len(svg)
    assert "<metadata" not in svg and not re.search(r'="[^"]*\d\.\d\d', svg), "coordinates to a tenth"
    assert f">{GIL}</text>" in svg and f">{FT}</text>" in svg, "text between tags is not rounded"


def test_a_sweep_gets_a_sentence_that_follows_the_best_set_along_it():
    at = {w: CPU.replace('"workers":2', f'"workers":{w}') for w in (1, 2, 4)}
    best = {1: ["sync"], 2: ["threads", "multiprocessing"], 4: ["multiprocessing", "threads"]}
    swept = [_v(FT, at[w], State.SETTLED, [Place(m, "default", B, 1.0) for m in best[w]]) for w in (4, 1, 2)]
    found = grid.jobs(swept)
    assert grid.sweeps(found) == [
        f"CPU work: 8 tasks of ~20 ms, N workers, along workers (N) on {FT}: "
        "1: sync; 2: threads or multiprocessing; 4: the same."
    ]
    assert grid.sweeps(found[:1]) == [], "one point is no sweep"
    big = {w: p.replace('"tasks":8', '"tasks":32') for w, p in at.items()}
    more = [_v(FT, big[w], State.SETTLED, [Place("threads", "default", B, 1.0)]) for w in (1, 2)]
    two = [line for line in grid.sweeps(grid.jobs([*swept, *more])) if "along workers" in line]
    assert [line.split(", along")[0] for line in two] == [
        "CPU work: 8 tasks of ~20 ms, N workers",
        "CPU work: 32 tasks of ~20 ms, N workers",
    ]
    along_tasks = [line for line in grid.sweeps(grid.jobs([*swept, *more])) if "along tasks" in line]
    assert along_tasks[0].startswith("CPU work: N tasks of ~20 ms, 1 worker, along tasks (N) on"), along_tasks


@pytest.mark.parametrize(
    "flags, said",
    [
        ("'--prefix=/opt' '--enable-optimizations' '--with-lto' '--with-ensurepip=install'", "PGO+LTO"),
        ("'--prefix=/opt' '--disable-gil' '--enable-optimizations'", "PGO"),
        ("'--prefix=/root/.pyenv/versions/3.12.1' '--enable-shared'", "no PGO or LTO"),
        ("'--with-lto' '--with-pydebug'", "LTO, debug"),
        ("'--with-lto=no' '--enable-optimizations'", "PGO"),
        ("", ""),
    ],
)
def test_the_provenance_line_names_each_interpreters_build(flags, said):
    from concbench.host.pythons import optimizations
    from concbench.report.page import _build

    assert optimizations(flags) == said
    it = {"id": FT, "gil_disabled_build": True, "gil_enabled": False, "config_args": flags}
    assert _build(it) == f"{FT} (free-threaded, GIL off{', ' + said if said else ''})"


def test_a_job_nothing_timed_says_why_once():
    v = _v(GIL, CPU, State.ONE_MODEL, [Place(m, "default", N, reason="not run") for m in ("sync", "threads")])
    assert f'<div class="na">{grid.NOT_RUN} (sync, threads)</div>' in grid.tile(v)
    na = [Place("gevent", "default", N, reason="n/a: gevent re-enables the GIL")]
    assert "n/a: gevent re-enables the GIL" in grid.tile(_v(FT, CPU, State.ONE_MODEL, na))


def test_every_svg_on_a_page_has_ids_of_its_own_and_each_reference_resolves():
    """Browsers resolve `url(#id)` across the whole page: two charts sharing a clip path's id would clip
    one by the other's rectangle."""
    one, two = (charts.bars(_cells(labels), "wall_s", "w", "s") for labels in (LABELS, LABELS[:3]))
    found, classes = [], []
    for svg in (one, two):
        ids = set(re.findall(r' id="([^"]+)"', svg))
        refs = {a or b for a, b in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg)}
        assert refs and refs <= ids, "every reference resolves inside its own SVG"
        found.append(ids)
        defined = re.findall(r"\.([\w-]+)\{", svg)
        assert set(re.findall(r' class="([^"]+)"', svg)) <= set(defined) and "style=" not in svg
        classes.append(set(defined))
    assert not found[0] & found[1]
    assert not classes[0] & classes[1], "a class's rule (the page's one style sheet) is its own SVG's"


@pytest.mark.parametrize(
    "workload, rest, key, said",
    [
        (
            "http_fanout",
            {"requests": 200, "latency_ms": 20, "size": 1024},
            "concurrency",
            "200 requests, N at once",
        ),
        ("disk_io", {"files": 512, "size": 4096}, "fsync", "Files: 512 of 4 KiB"),  # a flag: no N to say
        ("serve", {"connections": 32, "latency_ms": 10, "work": 0}, "requests", "a web app: 10 ms"),  # unsaid
    ],
)
def test_a_sweep_names_its_job_in_words_with_n_only_where_the_words_say_the_value(workload, rest, key, said):
    name, along = grid._named(workload, json.dumps({**rest, "workers": 2}), key)
    assert said in name and ("N" in name) == (along == f"{key} (N)")
