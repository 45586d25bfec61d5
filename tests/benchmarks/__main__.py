"""Run every benchmark: ``python -m tests.benchmarks`` (``make bench``)."""

from . import bench_graph, bench_web

if __name__ == "__main__":
    bench_graph.main()
    bench_web.main()
