"""`concbench report` and `concbench compare` on a real run, pyperf interop, and the page in a browser."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from concbench.report import page
from concbench.report.compare import Comparison, Ratio
from concbench.report.data import load
from concbench.results import COLUMNS, Row, write_csv, write_manifest
from concbench.results.files import parse_row


@pytest.fixture(scope="module")
def report(quick_run, concbench, tmp_path_factory) -> str:
    out, _ = quick_run
    html = tmp_path_factory.mktemp("report") / "report.html"
    proc = concbench("report", str(out), "-o", str(html), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return html.read_text()


def test_report_is_self_contained(report):
    assert report.startswith("<!DOCTYPE html>") and 'name="viewport"' in report
    assert "<script" not in report and "<link" not in report and "@import" not in report
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", report), "the page must make no request"
    assert not re.search(r"url\([^#]", report), "only references to the page itself"


def test_report_has_every_section_with_evidence(report):
    for anchor in (
        "overview",
        "recommendations",
        "claims",
        "heatmap",
        "cpu_bound",
        "code",
        "not-run",
        "provenance",
    ):
        assert f'<section id="{anchor}">' in report
    assert report.count("<svg") >= 4  # heatmap, wall, efficiency, lag
    assert "Threads, as many as cores, don&#x27;t speed up CPU work under the GIL" in report
    assert "multiprocessing" in report and "ProcessPoolExecutor" in report  # code side by side
    assert "pyperf" in report and "lines of code" in report
    assert "cells short of the ±5 % target" in report and "yardstick loop (ms)" in report  # rounds
    assert "speedup [95% CI]" in report and "<th>rounds</th>" in report and "<th>settled</th>" in report


def test_report_rejects_a_directory_without_results(concbench, tmp_path):
    proc = concbench("report", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "not a results directory" in proc.stderr


def test_compare_a_run_with_itself(quick_run, concbench, tmp_path):
    out, _ = quick_run
    copy = tmp_path / "b"
    shutil.copytree(out, copy)
    proc = concbench("compare", str(out), str(copy))
    assert proc.returncode == 0, proc.stderr
    assert "1.000" in proc.stdout and "not significant" in proc.stdout
    assert "geometric mean of B/A per model" in proc.stdout
    both = concbench("report", str(out), str(copy), "-o", str(tmp_path / "r.html"))
    assert both.returncode == 0 and '<section id="comparison">' in (tmp_path / "r.html").read_text()


def test_raw_files_open_with_pyperf_show_and_compare_to(quick_run, tmp_path):
    """pyperf names a benchmark by its cell (no interpreter), so compare_to pairs the same cell of two
    runs or two interpreters."""
    out, _ = quick_run
    raw = sorted((out / "raw").glob("*.json"))
    for f in raw:
        show = subprocess.run(
            [sys.executable, "-m", "pyperf", "show", str(f)], capture_output=True, text=True
        )
        assert show.returncode == 0 and "Mean +- std dev" in show.stdout, show.stderr
    other = shutil.copy(raw[1], tmp_path / "other-run.json")
    cmp = subprocess.run(
        [sys.executable, "-m", "pyperf", "compare_to", str(raw[1]), other], capture_output=True, text=True
    )
    assert cmp.returncode == 0 and "cpu_bound." in cmp.stdout, cmp.stderr


def _browser() -> tuple[str, str] | None:
    chromium, driver = (
        shutil.which("chromium") or shutil.which("chromium-browser"),
        shutil.which("chromedriver"),
    )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None
    return (chromium, driver) if chromium and driver else None


def test_report_renders_in_a_browser(quick_run, concbench, tmp_path):
    found = _browser()
    if found is None:
        if os.environ.get("CONCBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail("CONCBENCH_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        pytest.skip("no chromium + chromedriver + selenium here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    out, _ = quick_run
    html = tmp_path / "report.html"
    assert concbench("report", str(out), "-o", str(html)).returncode == 0
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for arg in ("--headless", "--no-sandbox", "--window-size=1280,2000", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(found[1]))
    try:
        driver.get(html.as_uri())
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
        assert len(driver.find_elements(By.CSS_SELECTOR, ".chart svg")) >= 4
        assert "Recommendations" in driver.find_element(By.TAG_NAME, "body").text
        chart = driver.find_element(By.CSS_SELECTOR, "#cpu_bound .chart svg")
        assert chart.size["width"] > 300 and chart.size["height"] > 150, "charts must be drawn, not collapsed"
        shot = Path(os.environ.get("CONCBENCH_SCREENSHOT", tmp_path / "report.png"))
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    finally:
        driver.quit()


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
    not_run = html[html.index('<section id="not-run">') :]
    assert '<span class="impossible">impossible</span>: efficiency 1.40' in not_run
    assert "needs a free-threaded build" in not_run
    recs = html[html.index('<section id="recommendations">') : html.index('<section id="claims">')]
    assert "threads" not in recs and "multiprocessing" in recs  # impossible cells recommend nothing
    assert "paired by round" in recs and "<th>settled</th>" in recs


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
        picks=[
            (
                "cpython-3.14.7 cpu_bound[workers=2]",
                "multiprocessing (settled)",
                "sync (unsettled)",
                False,
                False,
            )
        ],
        verdicts=[("Threads don't speed up CPU work", "supported", "supported")],
    )
    html = page.render(res, cmp)
    section = html[html.index('<section id="comparison">') :]
    assert "B&#x27;s yardstick loop took 1.05× A&#x27;s" in section
    assert "called significantly different: 1 of 1 (100%)" in section
    assert "<th>relative to</th>" in section and "<td>sync</td>" in section
    assert "0 of 1 name the same best model" in section and "disagree" in section
    assert "1 of the 1 measured in both runs agree" in section


def test_reference_run_made_before_rounds_still_renders():
    html = page.render(load(Path(__file__).resolve().parent.parent / "results" / "reference"))
    assert "run made before rounds" in html and "<th>speedup</th>" in html and "<th>rounds</th>" not in html
