"""What a new plan says before round 1 about the interpreters it was given."""

import io
from dataclasses import replace

from rich.console import Console

from concbench import planning
from concbench.cli import parser


def test_an_interpreter_without_concbench_and_no_checkout_to_build_from_is_named(
    facts, monkeypatch, tmp_path
):
    """Run outside the checkout, a plain install cannot build an environment for another interpreter:
    its cells are n/a, and the plan says so at once rather than after a run of nothing."""
    bare = replace(facts, imports={**facts.imports, "concbench": {"ok": False, "error": "No module"}})
    monkeypatch.setattr(planning, "probe_and_build", lambda pythons: ([bare], 0.0))
    args = parser().parse_args(
        ["run", "--workload", "cpu_bound", "--rounds", "1", "--out", str(tmp_path / "o")]
    )
    said = io.StringIO()
    planning.new_plan(args, Console(file=said, width=300))
    assert f"{bare.id}: concbench is not installed there" in said.getvalue()
    assert f"install concbench into {bare.executable}" in said.getvalue()
