"""Benchmarks of the web app under gunicorn with 2 workers, measured against a trivial endpoint.

Public pages are served from a per-process page cache (``webapp.page_cache``) once
rendered for a graph version, so the page rows measure what a popular page costs; the rows
marked "every request a cache miss" add a unique, ignored parameter to every request and
measure rendering each time.

Targets (issue: the interactive career pathway): the route page and the role page each reach at
least 50% of the trivial endpoint's requests per second; the map SVG warm from cache p95 <= 20 ms;
a cold render of the whole seed map <= 2 s. The load comes from wrk on loopback only.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import seed
from pathways.db import make_engine, session_scope, upgrade_schema
from pathways.render import render_svg, to_dot
from pathways.snapshot import build_graph

from .timing import p50, p95, sample

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("wrk_report.lua")
CACHE_MISS_LUA = Path(__file__).with_name("wrk_cache_miss.lua")
PAIRS_LUA = Path(__file__).with_name("wrk_route_pairs.lua")
DURATION_SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
#: (name, path, every request a page-cache miss?)
ENDPOINTS = [
    ("trivial endpoint (/livez)", "/livez", False),
    ("role page", "/roles/care-worker", False),
    ("route page", "/routes?from=care-worker&to=social-worker", False),
    ("map SVG, warm from cache", "/map.svg", False),
    ("whole map SVG, warm from cache", "/map.svg?view=all", False),
    ("map page, warm", "/map", False),
    ("role page, every request a cache miss", "/roles/care-worker?x=1", True),
    ("route page, every request a cache miss", "/routes?from=care-worker&to=social-worker", True),
    ("route page, varying pairs of roles, no page cache",
     "/routes?from=care-worker&to=social-worker", "pairs"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def wrk(url: str, miss: bool | str = False, places: str = "") -> dict:
    """Load ``url`` with wrk; ``miss`` True makes every request a page-cache miss, "pairs"
    asks the planner about a different pair of ``places`` (ids, comma-separated) each time."""
    script = PAIRS_LUA if miss == "pairs" else CACHE_MISS_LUA if miss else LUA
    finished = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{DURATION_SECONDS}s", "-s", str(script), url],
        capture_output=True, text=True, check=True, timeout=DURATION_SECONDS + 30,
        env={**os.environ, "WRK_REPORT_LUA": str(LUA), "WRK_PLACES": places})
    line = [ln for ln in finished.stdout.splitlines() if ln.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def in_process(count: int = 400, seed_value: int = 14) -> dict:
    """The route page with varying pairs in one process: CPU time a request through Flask's
    test client (seed on SQLite, no page-cache hits), ``count`` random pairs of roles, each
    request interleaved with one to ``/livez`` and one to a role page; medians and ratios.

    This is the page's own cost, without gunicorn or the network: on a machine shared with
    other work CPU time moves less than requests per second under wrk.
    """
    from webapp import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        with session_scope(engine) as session:
            seed.load_pathway(session)
        with session_scope(engine) as session:
            G = build_graph(session)
        engine.dispose()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING",
                          "REDIS_URL": None})
        client = app.test_client()
        roles = sorted(n for n in G if G.nodes[n]["kind"] == "role")
        rng = random.Random(seed_value)
        pairs = [tuple(rng.sample(roles, 2)) for _ in range(count + 20)]

        def cpu_ms(path: str) -> float:
            start = time.process_time()
            answer = client.get(path)
            spent = (time.process_time() - start) * 1000
            if answer.status_code != 200:
                raise RuntimeError(f"{path} answered {answer.status_code}")
            return spent

        found: dict[str, list[float]] = {"livez": [], "route": [], "role": []}
        for number, (source, target) in enumerate(pairs):
            timings = (cpu_ms("/livez"),
                       cpu_ms(f"/routes?from={source}&to={target}&miss={number}"),
                       cpu_ms(f"/roles/{source}?miss={number}"))
            if number >= 20:  # the first 20 warm the process up
                for name, spent in zip(found, timings, strict=True):
                    found[name].append(spent)
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()
    print(f"\n== Route page with varying pairs, one process, CPU time, {count} random pairs ==")
    for name, timings in found.items():
        print(f"{name:<8} p50 {p50(timings):7.2f} ms  mean {sum(timings) / len(timings):7.2f} ms"
              f"  p95 {p95(timings):7.2f} ms")
    ratio = p50(found["livez"]) / p50(found["route"])
    mean_ratio = sum(found["livez"]) / sum(found["route"])
    print(f"route page / trivial endpoint: {ratio:.0%} by the median, {mean_ratio:.0%} by the "
          "mean (target >= 30%)")
    return {name: p50(timings) for name, timings in found.items()} | {"ratio": ratio}


def main() -> dict:
    in_process()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `PATHWAYS_BENCH=1 make install` (apt-get install wrk)")
    results: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        with session_scope(engine) as session:
            seed.load_pathway(session)
        with session_scope(engine) as session:
            G = build_graph(session)
        engine.dispose()

        from webapp.extensions import node_path

        cold = sample(lambda: render_svg(to_dot(G, link=node_path)), repeat=3, warmup=0)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_ENV": "development"}
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
             "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/livez")
            places = ",".join(sorted(n for n in G if G.nodes[n]["kind"] == "role"))
            for _name, path, _miss in ENDPOINTS:  # warm both workers' caches
                for _ in range(6):
                    urllib.request.urlopen(base + path, timeout=30).read()
            print(f"\n== Web app under gunicorn, 2 workers, wrk -t2 -c8 for {DURATION_SECONDS} s "
                  "each, loopback ==")
            for name, path, miss in ENDPOINTS:
                result = wrk(base + path, miss, places)
                results[name] = result
                print(f"{name:<50} {result['rps']:8.0f} req/s"
                      f"  p50 {result['p50_us'] / 1000:7.2f} ms"
                      f"  p95 {result['p95_us'] / 1000:7.2f} ms  (errors {result['socket_errors']},"
                      f" non-2xx {result['non_2xx']})")
        finally:
            server.terminate()
            server.wait(timeout=20)
    trivial = results[ENDPOINTS[0][0]]["rps"]
    for name in ("role page", "route page", "role page, every request a cache miss",
                 "route page, every request a cache miss",
                 "route page, varying pairs of roles, no page cache"):
        target = "30%" if "varying" in name else "50%"
        print(f"{name} / trivial endpoint: {results[name]['rps'] / trivial:.0%} "
              f"of its requests per second (target >= {target})")
    for name in ("map SVG, warm from cache", "whole map SVG, warm from cache"):
        print(f"{name} p95: {results[name]['p95_us'] / 1000:.2f} ms (target <= 20 ms)")
    print(f"cold render of the whole seed map ({len(G)} nodes): median {p50(cold) / 1000:.3f} s "
          "(target <= 2 s)")
    results["cold_render_s"] = p50(cold) / 1000
    return results


if __name__ == "__main__":
    in_process() if sys.argv[1:] == ["in-process"] else main()
