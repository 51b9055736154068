"""Benchmarks: each vendor's backfill against a competent dlt `rest_api` baseline and a fetch + insert ceiling
(Featurebase also against dlt's defaults), request economy of incremental runs, rate limits, one big FeedbackKit
array, four vendors and 50 accounts in one run, hourly runs end to end, scaling and peak memory. Run with
`make bench` (`python -m benchmarks --help`); not part of `make test`. See benchmarks/README.md.
"""
