"""Spawn cost: starting and joining one unit of each model's concurrency, and memory per live unit."""
