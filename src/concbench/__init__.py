"""concbench: which Python concurrency model for which job, on which interpreter, with proof."""

__version__ = "0.1.0"
