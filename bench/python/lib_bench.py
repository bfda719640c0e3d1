"""The Python side of bench/lib.ts: the same workloads with multiprocessing and
concurrent.futures. Run by the TypeScript bench, which passes its parameters
(and the prime inputs, generated there from a fixed seed) as JSON on stdin and
reads one JSON object per line from stdout: {"name": ..., "seconds": ...}.
"""
import json
import sys
import time
import threading
import multiprocessing as mp
import queue
from multiprocessing.pool import ThreadPool
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def report(name, seconds, **extra):
    print(json.dumps({"name": name, "seconds": seconds, **extra}), flush=True)


def spin(n):
    for i in range(n):
        pass


class ProcessTest(mp.Process):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def run(self):
        spin(self.n)


class ThreadTest(threading.Thread):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def run(self):
        spin(self.n)


def prime(value):
    factors = []
    divisor = 2
    while value > 1:
        if value % divisor == 0:
            factors.append(divisor)
            value = value // divisor
            divisor -= 1
        divisor += 1
    return factors


def inc(x):
    return x + 1


def timed(fn, repeat=1):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best


def chapter_13_3(n, workers):
    report("13.3 sequential", timed(lambda: [spin(n) for _ in range(workers)]))

    def go(cls):
        items = [cls(n) for _ in range(workers)]
        for item in items:
            item.start()
        for item in items:
            item.join()

    report("13.3 threads", timed(lambda: go(ThreadTest)))
    report("13.3 processes", timed(lambda: go(ProcessTest)))


def chapter_13_4(numbers, repeat):
    report("13.4 sequential", timed(lambda: [prime(v) for v in numbers], repeat))
    with mp.Pool(2) as pool:
        pool.map(inc, range(4))
        report("13.4 Pool.map", timed(lambda: pool.map(prime, numbers), repeat))


def tiny_tasks(count, futures_count):
    items = list(range(count))
    with mp.Pool(2) as pool:
        pool.map(inc, range(10))
        report("tiny Pool.map default chunking", timed(lambda: pool.map(inc, items), 3), tasks=count)
        report("tiny Pool.map chunksize=1", timed(lambda: pool.map(inc, items[:futures_count], chunksize=1)), tasks=futures_count)
    with ProcessPoolExecutor(2) as executor:
        list(executor.map(inc, range(4)))
        report("tiny ProcessPoolExecutor.submit", timed(lambda: [f.result() for f in [executor.submit(inc, i) for i in range(futures_count)]]), tasks=futures_count)
    with ThreadPoolExecutor(2) as executor:
        list(executor.map(inc, range(4)))
        report("tiny ThreadPoolExecutor.submit", timed(lambda: [f.result() for f in [executor.submit(inc, i) for i in range(count)]]), tasks=count)


def produce(q, count, size):
    item = b"x" * size if size else None
    for i in range(count):
        q.put(item if size else i)


def consume(q, done, count):
    q.get()
    t0 = time.perf_counter()
    for _ in range(count - 1):
        q.get()
    done.put(time.perf_counter() - t0)


def child_to_parent(n, size):
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q, n, size))
    p.start()
    q.get()
    t0 = time.perf_counter()
    for _ in range(n - 1):
        q.get()
    seconds = time.perf_counter() - t0
    p.join()
    return seconds


def parent_to_child(n, size):
    q = mp.Queue()
    done = mp.Queue()
    p = mp.Process(target=consume, args=(q, done, n))
    p.start()
    produce(q, n, size)
    seconds = done.get()
    p.join()
    return seconds


def queues(count, big_count, big_size, repeat):
    # The best of `repeat` (queueRepeat) runs, each with a fresh queue and child, as bench/lib.ts does.
    for label, n, size in (("ints", count, 0), ("10KB", big_count, big_size)):
        report(f"queue {label} child->parent", min(child_to_parent(n, size) for _ in range(repeat)), items=n - 1)
        report(f"queue {label} parent->child", min(parent_to_child(n, size) for _ in range(repeat)), items=n - 1)


def lock_pairs(lock, done, n):
    lock.acquire()
    lock.release()
    t0 = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    done.put(time.perf_counter() - t0)


def value_increments(value, done, n):
    with value.get_lock():
        value.value += 1
    t0 = time.perf_counter()
    for _ in range(n):
        with value.get_lock():
            value.value += 1
    done.put(time.perf_counter() - t0)


def shared(n, repeat):
    # multiprocessing.Lock and Value from a child process, timed there, the best of `repeat` fresh children (as bench/lib.ts).
    def in_child(target, make):
        done = mp.Queue()
        p = mp.Process(target=target, args=(make(), done, n))
        p.start()
        seconds = done.get()
        p.join()
        return seconds

    report("shared Lock acquire+release, Python child process", min(in_child(lock_pairs, mp.Lock) for _ in range(repeat)), items=n)
    report("shared Value += 1 under the lock, Python child process", min(in_child(value_increments, lambda: mp.Value("i", 0)) for _ in range(repeat)), items=n)


def manager_pairs(d, done, n):
    d["k"] = 0
    d["k"]
    t0 = time.perf_counter()
    for i in range(n):
        d["k"] = i
        d["k"]
    done.put(time.perf_counter() - t0)


def manager(n, repeat):
    # A Manager().dict()'s set then get from a child process, timed there, the best of `repeat` fresh children (as bench/lib.ts).
    def in_child(m):
        done = mp.Queue()
        d = m.dict()  # held here: the manager frees an object once its last proxy in this process goes
        p = mp.Process(target=manager_pairs, args=(d, done, n))
        p.start()
        seconds = done.get()
        p.join()
        return seconds

    with mp.Manager() as m:
        report("manager dict set+get, Python child process", min(in_child(m) for _ in range(repeat)), items=n)


def startup():
    def start_join(ctx):
        p = ctx.Process(target=inc, args=(1,))
        p.start()
        p.join()

    report("start fork Process", timed(lambda: start_join(mp.get_context("fork")), 5))
    report("start spawn Process", timed(lambda: start_join(mp.get_context("spawn")), 3))

    def thread():
        t = threading.Thread(target=inc, args=(1,))
        t.start()
        t.join()

    report("start Thread", timed(thread, 5))


def put_one(q):
    q.put(1)


def median_of(runs, fn):
    """The median of `runs` timings; fn returns the seconds it measured (as bench/lib/first-act.ts)."""
    times = sorted(fn() for _ in range(runs))
    return times[len(times) // 2]


def first_act(runs):
    # start() until the target's first act (a queue put) reaches the parent; joined after the clock stops.
    def process_act(ctx):
        q = ctx.Queue()
        t0 = time.perf_counter()
        p = ctx.Process(target=put_one, args=(q,))
        p.start()
        q.get()
        seconds = time.perf_counter() - t0
        p.join()
        return seconds

    def pool_result(make):
        t0 = time.perf_counter()
        pool = make()
        pool.apply(inc, (1,))
        seconds = time.perf_counter() - t0
        pool.terminate()
        pool.join()
        return seconds

    for method in ("spawn", "forkserver", "fork"):
        ctx = mp.get_context(method)
        process_act(ctx)  # outside the row: forkserver starts its server here
        report(f"first act {method} Process", median_of(runs, lambda: process_act(ctx)))
        report(f"first result {method} Pool(2)", median_of(runs, lambda: pool_result(lambda: ctx.Pool(2))))

    def thread_act():
        q = queue.Queue()
        t0 = time.perf_counter()
        t = threading.Thread(target=put_one, args=(q,))
        t.start()
        q.get()
        seconds = time.perf_counter() - t0
        t.join()
        return seconds

    report("first act Thread", median_of(runs, thread_act))
    report("first result ThreadPool(2)", median_of(runs, lambda: pool_result(lambda: ThreadPool(2))))


def main():
    config = json.load(sys.stdin)
    only = set(config.get("only") or [])

    def wanted(part):
        return not only or part in only

    if wanted("13.3"):
        chapter_13_3(config["spin"], config["workers"])
    if wanted("13.4"):
        chapter_13_4(config["primes"], config["repeat"])
    if wanted("tiny"):
        tiny_tasks(config["tiny"], config["tinyFutures"])
    if wanted("queue"):
        queues(config["queueInts"], config["queueBig"], config["queueBigSize"], config["queueRepeat"])
    if wanted("startup"):
        startup()
        first_act(config["firstActRuns"])
    if wanted("shared"):
        shared(config["sharedPythonOps"], config["queueRepeat"])
    if wanted("manager"):
        manager(config["managerOps"], config["queueRepeat"])


if __name__ == "__main__":
    main()
