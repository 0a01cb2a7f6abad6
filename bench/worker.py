"""One API client for the throughput measurement, run as its own process:

    python -m bench.worker INPUTS.json SECONDS

Posts the 異動 in INPUTS.json to ``POST /api/v1/transactions`` (Django test client, in this
process, with the bearer token from the file) as fast as it can for SECONDS seconds, then prints
one JSON line: the number of 201 answers, the errors, and the latencies."""

from __future__ import annotations

import json
import sys
import time


def post_all(client, token: str, inputs: list[dict], seconds: float | None, warmup: int = 0) -> dict:
    """Post each input in turn; returns {"ok", "errors", "latencies", "elapsed", "exhausted"}."""
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    started = time.perf_counter()
    deadline = None if seconds is None else started + seconds
    ok = 0
    exhausted = True
    for i, body in enumerate(inputs):
        if deadline is not None and time.perf_counter() >= deadline:
            exhausted = False
            break
        t = time.perf_counter()
        response = client.post("/api/v1/transactions", data=json.dumps(body), content_type="application/json",
                               secure=True, **headers)
        elapsed = time.perf_counter() - t
        if response.status_code == 201:
            if i >= warmup:
                latencies.append(elapsed)
                ok += 1
        else:
            errors.append(f"{body['kind']}: {response.status_code} {response.content[:300].decode('utf-8', 'replace')}")
    return {"ok": ok, "errors": errors, "latencies": latencies, "elapsed": time.perf_counter() - started,
            "exhausted": exhausted}


def main() -> None:
    path, seconds = sys.argv[1], float(sys.argv[2])
    from bench import config

    cfg = config.load()
    config.setup_django(cfg)
    from django.test import Client

    with open(path, encoding="utf-8") as f:
        job = json.load(f)
    client = Client()
    # wait for the start signal so that all clients begin together
    start_at = job["start_at"]
    while time.time() < start_at:
        time.sleep(0.005)
    result = post_all(client, job["token"], job["inputs"], seconds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
