"""Jumin benchmarks (``make bench`` = ``python -m bench``). Never part of ``make test``.

Runs on PostgreSQL (``DATABASE_URL``, default ``postgresql://postgres@127.0.0.1:5432/jumin_bench``;
the database is dropped and created by the benchmark itself) with 1,000,000 synthetic residents
(``BENCH_RESIDENTS`` to override for a quick run) and prints, then writes to BENCHMARKS.md:

* bulk load time, and its ratio to a raw COPY of the identical rows into unindexed tables;
* カナ検索 and 4情報検索 latency (p50/p95) through ``registry.selectors.search``, with EXPLAIN;
* 異動 commit latency (p50/p95) through ``POST /api/v1/transactions`` with token authentication;
* sustained 異動 throughput with 2 clients, and its ratio to pgbench TPS measured in the same run.

Environment: ``BENCH_RESIDENTS`` (1000000), ``BENCH_SEED`` (1), ``BENCH_QUERIES`` (500, at least
500 in the reference run), ``BENCH_SECONDS`` (30), ``BENCH_CLIENTS`` (2), ``BENCH_OUTPUT``
(BENCHMARKS.md for the reference size, else var/bench/BENCHMARKS-<N>.md), ``BENCH_KEEP=1`` keeps
the database afterwards.
"""
