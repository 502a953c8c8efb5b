"""Shared state: W workers update one counter, or one dict of word counts, the way each model allows."""
