"""Disk I/O: M files of S bytes written, read back and deleted in a fresh directory."""
