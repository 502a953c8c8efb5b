"""Moved to `concbench.kit.partition`; this path re-exports it for plug-ins made before the move."""

from concbench.kit.partition import *  # noqa: F403
