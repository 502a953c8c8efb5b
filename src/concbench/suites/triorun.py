"""Moved to `concbench.kit.triorun`; this path re-exports it for plug-ins made before the move."""

from concbench.kit.triorun import *  # noqa: F403
