"""The Dask side of bench/cluster.ts: Dask distributed (Debian's
python3-distributed, run with /usr/bin/python3) on a LocalCluster of worker
processes, with the same tiny task as the other rows (x + 1). Parameters come
as JSON on stdin; one JSON object per line goes to stdout, as
bench/python/lib_bench.py does: {"name": ..., "seconds": ..., "tasks": ...}
or {"name": ..., "ms": [...]} for round trips. When distributed cannot be
imported it prints one {"name": "dask", "skipped": REASON} line and exits 0.
"""
import json
import sys
import time


def report(name, **fields):
    print(json.dumps({"name": name, **fields}), flush=True)


def inc(x):
    return x + 1


def main():
    config = json.load(sys.stdin)
    try:
        import distributed
        from distributed import Client, LocalCluster
    except ImportError as error:
        report("dask", skipped=f"{error}; Debian: apt-get install python3-distributed")
        return
    workers, tasks, trips, warmup = config["workers"], config["tasks"], config["trips"], config["warmup"]
    # Processes, one thread each: the peer of a pool of worker processes; no dashboard (it needs bokeh and a port).
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        report("dask version", version=distributed.__version__, workers=workers)
        # pure=False: every call is a new task (Dask would otherwise reuse the result of equal calls).
        client.gather(client.map(inc, range(warmup), pure=False))
        best = None
        for _ in range(config["repeat"]):
            t0 = time.perf_counter()
            results = client.gather(client.map(inc, range(tasks), pure=False))
            seconds = time.perf_counter() - t0
            assert results[-1] == tasks
            best = seconds if best is None else min(best, seconds)
        report("dask client.map tasks", seconds=best, tasks=tasks)
        for i in range(warmup):
            client.submit(inc, i, pure=False).result()
        ms = []
        for i in range(trips):
            t0 = time.perf_counter()
            client.submit(inc, i, pure=False).result()
            ms.append((time.perf_counter() - t0) * 1000)
        report("dask client.submit round trip", ms=ms)


if __name__ == "__main__":
    main()
