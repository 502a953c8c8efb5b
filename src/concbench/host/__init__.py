"""The host: the interpreters on this machine (pythons) and their cached environments (envs), the
machine itself (machine: cores, yardstick, load), fio, and the HTTP target (target)."""
