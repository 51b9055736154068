"""Benchmarks: backfill throughput against the machine's ceiling and a naive dlt baseline, request economy of
incremental runs, a remote-like (latency + rate limit) run, scaling and peak memory. Run with `make bench`
(`python -m benchmarks --help`); not part of `make test`. See benchmarks/README.md.
"""
