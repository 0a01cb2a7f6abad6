"""``make bench``: see bench/__init__.py for what is measured and how to configure it."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import config, report
from bench.stats import summary_ms

TABLES = ("registry_household", "registry_transaction", "registry_person", "registry_personversion")


JST = dt.timezone(dt.timedelta(hours=9))


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now(JST):%H:%M:%S}] {message}", flush=True)


def machine_info(cfg: config.Config) -> dict:
    info = {"date": dt.datetime.now(JST).strftime("%Y-%m-%d %H:%M JST"),
            "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["ram_gib"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024, 1)
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = model.group(1).strip() if model else platform.processor()
    except OSError:
        info["ram_gib"], info["cpu"] = None, platform.processor()
    with config.admin_connect(cfg) as conn:
        info["postgresql"] = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        settings = {}
        for name in ("shared_buffers", "max_wal_size", "wal_level", "synchronous_commit", "work_mem", "maintenance_work_mem"):
            settings[name] = conn.execute(f"SHOW {name}").fetchone()[0]
        info["pg_settings"] = settings
    import django
    import psycopg

    info["django"], info["psycopg"] = django.get_version(), psycopg.__version__
    return info


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -------------------------------------------------------------------------------- load


def bench_load(cfg: config.Config) -> dict:
    from django.core.management import call_command

    from jumin.registry import seeding

    log(f"migrate {cfg.dbname}")
    call_command("migrate", verbosity=0)
    log(f"bulk load of {cfg.residents:,} residents (seed {cfg.seed})")
    started = time.perf_counter()
    result = seeding.load_bulk(cfg.residents, cfg.seed, progress=None)
    total = time.perf_counter() - started
    log(f"  loaded in {total:.1f} s: {result.persons:,} persons, {result.versions:,} versions, "
        f"{result.transactions:,} transactions, {result.households:,} households")
    return {"seconds": total, "result": result}


def bench_raw_copy(cfg: config.Config) -> dict:
    """The floor: the identical rows (exported from the loaded tables) copied by the server from
    files into unindexed, constraint-free copies of the tables (CREATE TABLE … (LIKE …))."""
    import psycopg

    out: dict = {"tables": {}}
    with psycopg.connect(cfg.url, autocommit=True) as conn:
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        local = (urlsplit(cfg.url).hostname or "localhost") in ("127.0.0.1", "localhost", "::1")
        superuser = superuser and local  # server-side files only when the server shares this disk
        out["server_side"] = bool(superuser)
        tmp = Path(tempfile.mkdtemp(prefix="jumin-bench-copy-"))
        tmp.chmod(0o777)  # the server (its own OS user) writes and reads the files
        try:
            for table in TABLES:
                path = tmp / f"{table}.copy"
                if superuser:
                    conn.execute(f"COPY {table} TO '{path}'")
                else:
                    with path.open("wb") as f, conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                        for chunk in copy:
                            f.write(chunk)
                out["tables"][table] = {"bytes": path.stat().st_size}
            for table in TABLES:  # committed first, as the real tables were: both are WAL-logged
                conn.execute(f"DROP TABLE IF EXISTS raw_{table}")
                conn.execute(f"CREATE TABLE raw_{table} (LIKE {table})")
            started = time.perf_counter()
            with conn.transaction():
                for table in TABLES:
                    path = tmp / f"{table}.copy"
                    t = time.perf_counter()
                    if superuser:
                        n = conn.execute(f"COPY raw_{table} FROM '{path}'").rowcount
                    else:
                        with conn.cursor().copy(f"COPY raw_{table} FROM STDIN") as copy, path.open("rb") as f:
                            while chunk := f.read(1 << 20):
                                copy.write(chunk)
                        n = -1
                    out["tables"][table].update(rows=n, seconds=time.perf_counter() - t)
                t = time.perf_counter()
            out["commit_seconds"] = time.perf_counter() - t  # the WAL flush belongs to the cost
            out["seconds"] = time.perf_counter() - started
        finally:
            for table in TABLES:
                conn.execute(f"DROP TABLE IF EXISTS raw_{table}")
            for f in tmp.glob("*"):
                f.unlink()
            tmp.rmdir()
    log(f"  raw COPY of the same rows: {out['seconds']:.1f} s ({'server-side files' if out['server_side'] else 'client stream'})")
    return out


# -------------------------------------------------------------------------------- searches


def bench_search(cfg: config.Config, actor) -> dict:
    from django.db import connection

    from bench import workload
    from jumin.registry import selectors
    from jumin.registry.models import Person

    rng = random.Random(cfg.seed + 1)
    n = cfg.queries
    sets = {
        "kana": workload.kana_queries(rng, n + 100),
        "four": workload.four_item_queries(rng, n + 100),
        "family_kana": workload.family_kana_queries(rng, max(50, n // 10) + 20),
        "kanji": workload.kanji_queries(rng, max(30, n // 20) + 10),
    }
    out: dict = {}
    for name, queries in sets.items():
        warm, measured = queries[:min(100, len(queries) // 5)], queries[min(100, len(queries) // 5):]
        for _, q in warm:
            selectors.search(actor=actor, query=q)
        latencies, hits, timed = [], [], []
        for _, q in measured:
            t = time.perf_counter()
            page = selectors.search(actor=actor, query=q)
            latencies.append(time.perf_counter() - t)
            hits.append(page.paginator.count)
            timed.append((latencies[-1], q))
        s = summary_ms(latencies)
        s["hits_median"] = sorted(hits)[len(hits) // 2]
        s["hits_zero"] = sum(1 for h in hits if h == 0)
        s["labels"] = sorted({label for label, _ in measured})
        # EXPLAIN ANALYZE of the three slowest measured queries: the page query and the count
        plans = []
        for _, q in sorted(timed, key=lambda x: -x[0])[:3]:
            qs = (Person.objects.filter(selectors._filters(q)).select_related("household", "area")
                  .order_by("name_kana_key", "birth_date", "atena_number"))
            plans.append({"query": {k: v for k, v in q.__dict__.items() if v and k not in ("page", "page_size")},
                          "page": qs[:selectors.PAGE_SIZE].explain(analyze=True, buffers=True),
                          "count": Person.objects.filter(selectors._filters(q)).explain(analyze=True)})
        s["plans"] = plans
        s["seq_scan"] = any("Seq Scan on registry_person" in p["page"] or "Seq Scan on registry_person" in p["count"]
                            for p in plans)
        # an index walked in ORDER BY order with the search condition as a mere filter
        s["filter_walk"] = max((int(m) for p in plans for m in re.findall(r"Rows Removed by Filter: (\d+)", p["page"])),
                               default=0)
        out[name] = s
        log(f"  search {name}: p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms over {s['n']} queries "
            f"(median hits {s['hits_median']}){'  SEQ SCAN!' if s['seq_scan'] else ''}")
    connection.close()
    return out


# -------------------------------------------------------------------------------- 異動


def bench_commits(cfg: config.Config, clerk, token: str) -> dict:
    from django.db import connection
    from django.test import Client

    from bench import workload
    from bench.worker import post_all

    inputs = workload.CommitInputs(cfg.seed + 2)
    n = cfg.queries
    log(f"preparing {n + 20} 異動 for the latency run")
    sequential = inputs.batch(n + 20)
    client = Client()
    result = post_all(client, token, sequential, None, warmup=20)
    s = summary_ms(result["latencies"])
    s["errors"] = result["errors"]
    s["kinds"] = {k: sum(1 for b in sequential if b["kind"] == k) for k in ("move_in", "move_within", "birth")}
    log(f"  異動 via API: p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms over {s['n']} commits, {len(s['errors'])} errors")
    for e in s["errors"][:5]:
        log(f"    error: {e}")

    # throughput: independent client processes, each with its own households
    per_client = max(200, int(cfg.seconds * 80))
    log(f"preparing {per_client * cfg.clients:,} 異動 for {cfg.clients} clients × {cfg.seconds} s")
    jobs = []
    tmp = Path(tempfile.mkdtemp(prefix="jumin-bench-tp-"))
    start_at = None
    for k in range(cfg.clients):
        batch = inputs.batch(per_client)
        path = tmp / f"client{k}.json"
        jobs.append(path)
        path.write_text(json.dumps({"token": token, "inputs": batch, "start_at": 0}), encoding="utf-8")
    connection.close()
    start_at = time.time() + 8  # the workers start Django first
    for path in jobs:
        job = json.loads(path.read_text(encoding="utf-8"))
        job["start_at"] = start_at
        path.write_text(json.dumps(job), encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, "-m", "bench.worker", str(p), str(cfg.seconds)],
                              stdout=subprocess.PIPE, cwd=str(config.REPO), env=os.environ.copy()) for p in jobs]
    results = []
    for p in procs:
        stdout, _ = p.communicate(timeout=cfg.seconds + 300)
        if p.returncode != 0:
            raise RuntimeError(f"bench worker failed with exit code {p.returncode}")
        results.append(json.loads(stdout.decode().strip().splitlines()[-1]))
    for path in jobs:
        path.unlink()
    tmp.rmdir()
    ok = sum(r["ok"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    lat = [x for r in results for x in r["latencies"]]
    tp = {"clients": cfg.clients, "seconds": elapsed, "commits": ok, "tps": ok / elapsed,
          "errors": [e for r in results for e in r["errors"]], "exhausted": any(r["exhausted"] for r in results),
          "latency": summary_ms(lat)}
    log(f"  throughput: {tp['tps']:.1f} 異動/s with {cfg.clients} clients ({ok} commits in {elapsed:.1f} s, "
        f"{len(tp['errors'])} errors{', INPUTS EXHAUSTED' if tp['exhausted'] else ''})")
    return {"latency": s, "throughput": tp}


# -------------------------------------------------------------------------------- pgbench


def bench_pgbench(cfg: config.Config) -> dict:
    name = "jumin_pgbench"
    config.recreate_database(cfg, name)
    try:
        args = ["pgbench", *cfg.pg_args]
        t = time.perf_counter()
        subprocess.run([*args, "-i", "-s", "10", "-q", name], check=True, capture_output=True)
        init = time.perf_counter() - t
        run = subprocess.run([*args, "-c", str(cfg.clients), "-j", str(cfg.clients), "-T", str(cfg.seconds), name],
                             check=True, capture_output=True, text=True)
        m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", run.stdout)
        latency = re.search(r"latency average = ([\d.]+) ms", run.stdout)
        out = {"tps": float(m.group(1)), "latency_ms": float(latency.group(1)) if latency else None,
               "init_seconds": init, "command": f"pgbench -i -s 10; pgbench -c {cfg.clients} -j {cfg.clients} -T {cfg.seconds}"}
    finally:
        config.drop_database(cfg, name)
    log(f"  pgbench: {out['tps']:.0f} TPS ({out['command']})")
    return out


# -------------------------------------------------------------------------------- main


def main() -> None:
    cfg = config.load()
    started = time.perf_counter()
    log(f"database {cfg.dbname}, {cfg.residents:,} residents, output {cfg.output}")
    config.recreate_database(cfg)
    config.setup_django(cfg)
    info = machine_info(cfg)
    info["load_before"] = loadavg()
    log(f"{info['cores']} cores, {info['ram_gib']} GiB, {info['postgresql']}, load {info['load_before']}")
    try:
        load = bench_load(cfg)
        info["load_after_seed"] = loadavg()
        raw = bench_raw_copy(cfg)
        from django.contrib.auth import get_user_model

        from jumin.accounts.models import ApiToken, Office

        office, _ = Office.objects.get_or_create(code="0100", defaults={"name": "市民課"})
        clerk, _ = get_user_model().objects.get_or_create(username="bench", defaults={"display_name": "計測 一郎", "office": office})
        _, token = ApiToken.issue(clerk, "bench")
        searches = bench_search(cfg, clerk)
        commits = bench_commits(cfg, clerk, token)
        pgbench = bench_pgbench(cfg)
        info["load_after"] = loadavg()
        info["total_seconds"] = time.perf_counter() - started
        results = {"config": cfg, "info": info, "load": load, "raw": raw, "search": searches,
                   "commits": commits, "pgbench": pgbench}
        import pickle

        saved = config.REPO / "var" / "bench" / "last-results.pickle"
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(pickle.dumps(results))  # `python -m bench.report` re-renders it
        text = report.render(results)
        cfg.output.parent.mkdir(parents=True, exist_ok=True)
        cfg.output.write_text(text, encoding="utf-8")
        print()
        print(report.summary(results))
        log(f"written {cfg.output}")
    finally:
        from django.db import connections

        connections.close_all()
        if not cfg.keep:
            config.drop_database(cfg)


if __name__ == "__main__":
    main()
