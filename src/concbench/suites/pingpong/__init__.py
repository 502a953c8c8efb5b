"""Ping-pong: two units pass a token back and forth; the price of one hop between two workers."""
