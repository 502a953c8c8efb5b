"""Moved to `concbench.kit.crew`; this path re-exports it for plug-ins made before the move."""

from concbench.kit.crew import *  # noqa: F403
