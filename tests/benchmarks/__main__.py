"""Run every benchmark: ``python -m tests.benchmarks`` (``make bench``)."""

from . import bench_graph

if __name__ == "__main__":
    bench_graph.main()
