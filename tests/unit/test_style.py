"""The code is the showcase: ruff-clean, model files included."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    cmd = [sys.executable, "-m", "ruff", *args, str(ROOT)]  # ruff comes with the test extra
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
