"""The report page of fabricated runs: rounds, impossible cells, CIs, the comparison section; and the
published reference run, made before rounds. (`concbench report` on a real run: tests/e2e.)"""

from pathlib import Path

from concbench.report import page
from concbench.report.claims import Outcome
from concbench.report.compare import Agreement, Comparison, Ratio, Related
from concbench.report.data import load
from concbench.results import COLUMNS, Row, write_csv, write_manifest
from concbench.results.files import parse_row


def _row(label: str, status: str = "ok", **kw) -> Row:
    model, _, variant = label.partition("/")
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "machine": "vm",
        "interpreter": "cpython-3.14.7",
        "gil_disabled_build": False,
        "gil_enabled_runtime": True,
        "workload": "cpu_bound",
        "model": model,
        "variant": variant or "default",
        "params": '{"workers":2}',
        "workers": 2,
        "cores": 2,
        "status": status,
        "wall_s": 0.35,
        "wall_stdev_s": 0.01,
        "cv": 0.03,
        "rounds": 4,
    }
    return parse_row({k: str(v) for k, v in (row | kw).items()})


def _rounds_run(path: Path) -> Path:
    rows = [
        _row("null/sync", workload="null", wall_s=2e-7, ci_halfwidth=0.3),
        _row("sync", wall_s=0.7, speedup_vs_sync=1.0, ci_halfwidth=0.01),
        _row(
            "multiprocessing",
            speedup_vs_sync=1.96,
            speedup_ci_low=1.89,
            speedup_ci_high=2.04,
            efficiency=0.98,
            ci_halfwidth=0.04,
        ),
        _row("subinterpreters", wall_s=0.38, speedup_vs_sync=1.8, ci_halfwidth=0.09),  # short of ±5 %
        _row(
            "threads",
            "impossible",
            reason="efficiency 1.40 [1.30–1.50], faster than 2 cores allow; noise or a bug",
            wall_s=0.25,
            speedup_vs_sync=2.8,
        ),
        _row("freethreading", "n/a", reason="needs a free-threaded build", wall_s="", rounds=""),
    ]
    path.mkdir()
    write_csv(path / "results.csv", rows)
    yard = {"loop_s": 0.112, "parallel": 1.93, "copies": 2}
    load = {"wall_s": 20.0, "others_cpu_s": 0.4, "others_share": 0.01, "steal_share": 0.0}
    write_manifest(
        path / "manifest.json",
        {
            "started": "2026-12-01T10:00:00+00:00",
            "finished": "2026-12-01T10:03:00+00:00",
            "elapsed_s": 175.2,
            "interpreters": [],
            "params": {
                "mode": "quick",
                "budget_s": 180.0,
                "ci_target": 0.05,
                "seed": 7,
                "values_per_round": 3,
            },
            "rounds": [
                {
                    "round": r,
                    "cells": 5,
                    "yardstick": yard,
                    "load": load | {"busy": r == 3, "others_share": s},
                }
                for r, s in ((1, 0.01), (2, 0.02), (3, 0.31), (4, 0.01))
            ],
            "scratch": {"dir": "/tmp", "fstype": "tmpfs", "settle": {"synced": True, "cache_dropped": False}},
        },
    )
    return path


def test_page_shows_rounds_impossible_cells_and_cis(tmp_path):
    html = page.render(load(_rounds_run(tmp_path / "run")))
    assert "cells: ok / impossible / n/a / failed / not run</td><td>4 / 1 / 1 / 0 / 0" in html
    assert "cells short of the ±5 % target</td><td>1 of 3 ok cells" in html
    assert "<td>seed</td><td>7</td>" in html and "<td>budget</td><td>180 s</td>" in html
    assert "yardstick loop (ms)" in html and "<td class=n>112</td>" in html and "<td>yes</td>" in html
    assert "1 cell flagged impossible" in html and "--budget 10m" in html
    assert "1.96× [1.89–2.04]" in html and "<th>rounds</th>" in html
    assert " rounds</td>" not in html, "an interval beside the rounds column does not say them again"
    not_run = html[html.index('<section id="not-run">') :]
    assert '<span class="impossible">impossible</span>: efficiency 1.40' in not_run
    assert "needs a free-threaded build" in not_run
    verdicts = html[html.index('<section id="verdicts">') : html.index('<section id="code">')]
    assert "no rounds recorded" in verdicts, "rows without their raw files: one figure a cell, no verdict"
    assert "Hsu" in verdicts and "<th>resolution</th>" in verdicts


def test_comparison_section_shows_the_machine_agreement_and_basis(tmp_path):
    res = load(_rounds_run(tmp_path / "run"))
    ratio = Ratio(
        "cpython-3.14.7",
        "cpu_bound",
        "multiprocessing",
        "cpu_bound[workers=2]",
        0.35,
        0.30,
        True,
        0.9,
        "sync",
    )
    cmp = Comparison(
        "A",
        "B",
        [ratio],
        0,
        0,
        machine="machine speed: B's yardstick loop took 1.05× A's",
        jobs=[Related(res.verdicts[0], res.verdicts[0], Agreement.CONTRADICT, "decided in opposite orders")],
        claims=[("Threads don't speed up CPU work", Outcome.SUPPORTED, Outcome.SUPPORTED)],
    )
    html = page.render(res, cmp)
    section = html[html.index('<section id="comparison">') :]
    assert "B&#x27;s yardstick loop took 1.05× A&#x27;s" in section
    assert "1 of 1 cells have one round in a run" in section
    assert "<th>relative to</th>" in section and "<td>sync</td>" in section
    assert "0 of 1 agree, 1 contradict" in section and "decided in opposite orders" in section
    assert "1 of the 1 measured in both runs agree" in section


def test_reference_run_made_before_rounds_still_renders():
    """The reference published on 2026-11-23 (format 1, one block of values a cell), its results.csv and
    manifest kept in tests/data: every directory concbench ever wrote still opens."""
    html = page.render(load(Path(__file__).resolve().parents[1] / "data" / "before-rounds"))
    assert "run made before rounds" in html and "<th>speedup</th>" in html and "<th>rounds</th>" not in html
