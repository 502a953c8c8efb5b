"""`concbench report` and `concbench compare` on the session's real run, pyperf interop, and the page in
a browser."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from concbench.verdicts.decide import Standing


@pytest.fixture(scope="module")
def report_file(quick_run, concbench, tmp_path_factory) -> Path:
    """`concbench report` of the session's run, as a process, once for the tests that read it."""
    out, _ = quick_run
    html = tmp_path_factory.mktemp("report") / "report.html"
    proc = concbench("report", str(out), "-o", str(html), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return html


@pytest.fixture(scope="module")
def report(report_file) -> str:
    return report_file.read_text()


def test_report_and_its_code_page_are_self_contained(report, report_file):
    code = report_file.with_name("report-code.html").read_text()
    for page in (report, code):
        assert page.startswith("<!DOCTYPE html>") and 'name="viewport"' in page
        assert "<script" not in page and "<link" not in page and "@import" not in page
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must make no request"
        assert not re.search(r"url\([^#]", page), "only references to the page itself"
    assert 'href="report-code.html"' in report and 'href="report.html"' in code, "each links the other"
    assert "ProcessPoolExecutor" in code and "ProcessPoolExecutor" not in report  # code side by side


def test_report_has_every_section_with_evidence(report):
    for anchor in (
        "answer",
        "overview",
        "verdicts",
        "claims",
        "cpu_bound",
        "code",
        "not-run",
        "provenance",
    ):
        assert f'<section id="{anchor}">' in report
    assert report.count("<svg") >= 1  # cpu_bound's lag (its wall times: the grid's tiles)
    assert "Threads, as many as cores, don&#x27;t speed up CPU work under the GIL" in report
    assert "pyperf" in report and "lines of code" in report
    assert "cells short of the ±5 % target" in report and "yardstick loop (ms)" in report  # rounds
    assert "speedup [95% CI]" in report and "<th>rounds</th>" in report and "<th>resolution</th>" in report


def test_the_grid_shows_the_runs_verdicts_and_the_page_is_light(quick_run, report, parse_grid):
    """The grid's tiles, parsed back from the page, equal verdicts.csv: the could-be-best set, every
    timed model's ratio, the settled mark; and the page stays under its weight."""
    from concbench.report.data import load

    out, _ = quick_run
    verdicts = load(out).verdicts
    grid = report[report.index('<section id="answer">') : report.index('<section id="claims">')]
    found = parse_grid(grid)
    tiles = {(job, t["it"]): t for job, t in zip(found.jobs_of_tiles, found.tiles, strict=True)}
    assert len(tiles) == len(verdicts) >= 1
    for v in verdicts:
        t = tiles[(v.describe(), v.interpreter)]
        assert t["chips"] == [p.label for p in v.best]
        timed = [p for p in v.places if p.standing in (Standing.BEST, Standing.SLOWER, Standing.MEASURED)]
        assert t["bars"] == [[p.label, f"{p.ratio:.2f}×"] for p in timed if p.ratio is not None]
        assert ("settled" in t["css"].split()) == v.settled
    assert len(report.encode()) < 600_000


def test_compare_a_run_with_itself(quick_run, cli, tmp_path):
    out, _ = quick_run
    copy = tmp_path / "b"
    shutil.copytree(out, copy)
    said = cli("compare", out, copy)
    assert said.returncode == 0, said.stderr
    assert "1.000" in said.stdout and "not significant" in said.stdout
    assert "geometric mean of B/A per model" in said.stdout
    both = cli("report", out, copy, "-o", tmp_path / "r.html")
    assert both.returncode == 0 and '<section id="comparison">' in (tmp_path / "r.html").read_text()


def test_raw_files_open_with_pyperf_show_and_compare_to(quick_run, tmp_path):
    """pyperf names a benchmark by its cell (no interpreter), so compare_to pairs the same cell of two
    runs or two interpreters."""
    out, _ = quick_run
    raw = sorted((out / "raw").glob("*.json"))
    show = subprocess.run(
        [sys.executable, "-m", "pyperf", "show", *map(str, raw)], capture_output=True, text=True
    )
    assert show.returncode == 0, show.stderr
    assert all(f"{p.stem}\n===" in show.stdout for p in raw), "every file shown"
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


def test_report_renders_in_a_browser(report_file, tmp_path):
    """At 1280 and 412 px (a phone): no console error, charts drawn, no page-level horizontal scroll;
    a screenshot of each (CONCBENCH_SCREENSHOT: the directory to keep them in)."""
    found = _browser()
    if found is None:
        if os.environ.get("CONCBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail("CONCBENCH_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        pytest.skip("no chromium + chromedriver + selenium here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    shots = Path(os.environ.get("CONCBENCH_SCREENSHOT") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 412):
        options = webdriver.ChromeOptions()
        options.binary_location = found[0]
        for arg in ("--headless", "--no-sandbox", f"--window-size={width},1600", "--disable-dev-shm-usage"):
            options.add_argument(arg)
        if width < 500:  # a window is never narrower than 500 px: a phone is emulated
            metrics = {"width": width, "height": 915, "pixelRatio": 1}
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(found[1]))
        try:
            driver.get(report_file.as_uri())
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert not errors, errors
            assert len(driver.find_elements(By.CSS_SELECTOR, ".grid .tile")) >= 1
            assert "Which model, for which job" in driver.find_element(By.TAG_NAME, "body").text
            chart = driver.find_element(By.CSS_SELECTOR, "#cpu_bound .chart svg")
            assert chart.size["width"] > 300 and chart.size["height"] > 100, "charts drawn, not collapsed"
            page, view, grid = driver.execute_script(
                "const g = document.querySelector('.grid'), page = document.documentElement;"
                "return [page.scrollWidth, window.innerWidth, g.scrollWidth - g.clientWidth]"
            )
            assert view == width
            assert page <= view, f"horizontal scroll at {width} px: the page is {page} px wide"
            assert grid <= 0, f"the grid scrolls sideways at {width} px: it must reflow"
            shot = shots / f"report-{width}.png"
            assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
        finally:
            driver.quit()
