"""Moved to `concbench.kit.clients`; this path re-exports it for plug-ins made before the move."""

from concbench.kit.clients import *  # noqa: F403
