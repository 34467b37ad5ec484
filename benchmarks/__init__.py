"""Benchmarks for plex-source-client: run ``python -m benchmarks`` (see README, "Performance")."""
