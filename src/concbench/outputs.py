"""Output paths checked before anything is written: one line (a UsageError) and exit 2 when one
cannot be used, the same for every command that writes."""

from pathlib import Path

from concbench.errors import UsageError


def writable_out(path: Path) -> Path:
    """Create the output directory, or explain in one line why it can't be used."""
    if (path / "results.csv").exists():
        raise UsageError(f"--out {path}: already holds results; choose a new directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / ".write-test").write_text("")
        (path / ".write-test").unlink()
    except OSError as e:
        raise UsageError(f"--out {path}: cannot write there ({e.strerror or e})") from e
    return path
