"""Where the per-interpreter environments come from (building them: tests/e2e/test_pythons.py)."""

from concbench.host import envs


def test_project_root_is_this_checkout():
    root = envs.project_root()
    assert root is not None and (root / "src" / "concbench" / "suites").is_dir()
