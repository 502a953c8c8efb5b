"""`concbench new`, in this process: bad input is one line and exit code 2, and what it writes. (That
the package installs, lists and runs in every model: tests/e2e/test_scaffold.py.)"""

import tomllib

import pytest

from concbench.cli import main
from concbench.scaffold import PLACEHOLDER
from concbench.workloads import MODEL_NAMES


def new(capsys, *args: str) -> tuple[int, str, list[str]]:
    code = main(["new", *args])
    out = capsys.readouterr()
    return code, out.out, out.err.strip().splitlines()


@pytest.mark.parametrize(
    "name,message",
    [
        ("9lives", "cannot be a package name"),
        ("my-work", "cannot be a package name"),
        ("class", "cannot be a package name"),
        ("os", "a module named os is already importable"),  # it would shadow the stdlib, or be shadowed
        ("cpu_bound", "a workload named cpu_bound exists already"),
    ],
)
def test_bad_name_is_one_line_and_exit_2(name, message, tmp_path, capsys):
    code, out, err = new(capsys, name, "--dir", str(tmp_path))
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("concbench: error: ") and message in err[0]
    assert not out and not any(tmp_path.iterdir())


def test_existing_non_empty_dir_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "mywork").mkdir()
    (tmp_path / "mywork" / "notes.txt").write_text("mine")
    code, _, err = new(capsys, "mywork", "--dir", str(tmp_path))
    assert code == 2 and len(err) == 1, err
    assert "already exists and is not an empty directory" in err[0]
    assert [p.name for p in (tmp_path / "mywork").iterdir()] == ["notes.txt"]


def test_unwritable_dir_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    code, _, err = new(capsys, "mywork", "--dir", str(tmp_path / "file"))
    assert code == 2 and len(err) == 1 and "cannot write there" in err[0], err


def test_writes_the_package_lower_cased_into_an_empty_dir(tmp_path, capsys):
    (tmp_path / "mywork").mkdir()
    code, out, err = new(capsys, "MyWork", "--dir", str(tmp_path))
    assert code == 0 and not err, err
    root = tmp_path / "mywork"
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    modules = {f"mywork/{m}.py" for m in ("__init__", "workload", *MODEL_NAMES)}
    assert files == {"pyproject.toml", "README.md", "tests/test_mywork.py", *modules}
    for f in files:
        text = (root / f).read_text()
        assert PLACEHOLDER not in text, f
        if f.endswith(".py"):
            compile(text, f, "exec")
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "mywork" and project["project"]["dependencies"] == ["concbench"]
    assert project["project"]["entry-points"]["concbench.workloads"] == {"mywork": "mywork.workload:WORKLOAD"}
    assert project["tool"]["setuptools"]["packages"] == ["mywork"]
    assert out.splitlines()[0] == f"created {root.resolve()}"
    for step in (f"pip install -e {root.resolve()}", "concbench list", "concbench run --workload mywork"):
        assert step in out
