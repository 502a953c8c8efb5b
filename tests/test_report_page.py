"""`concbench report` and `concbench compare` on a real run, pyperf interop, and the page in a browser."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


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
