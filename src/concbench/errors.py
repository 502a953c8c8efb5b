"""The one error a person gets for bad input: one line on stderr and exit code 2."""

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input: reported as one line, exit code 2."""
