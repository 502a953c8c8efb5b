"""Moved to `concbench.kit.pools`; this path re-exports it for plug-ins made before the move."""

from concbench.kit.pools import *  # noqa: F403
