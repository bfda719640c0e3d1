"""The jupyter_client side of bench/kernel.ts (issue 18, goals 1-3): what a
person feels, measured through Jupyter's own client (Debian's jupyter_client,
run with /usr/bin/python3), each kernel by its kernelspec name, the kernels
alternating round by round so that both see the same load.

Reads its parameters as JSON on stdin:
  {"kernels": {"Loom": "loom-bench", "ipykernel": "python3"},
   "rounds": 3, "cells": 200, "shapes": [30, ...], "parts": ["first", "cells", "nbconvert"],
   "workdir": "/tmp/..."}
and prints one JSON object per line on stdout:
  {"part": "first", "kernel": "Loom", "ready": s, "first": s}   one per kernel and round
  (and with "warm": {"Loom": "loom-bench"}, one more per round named "Loom, another notebook
  open": started while another kernel of it runs, whose shared type checker it then finds ready)
  {"part": "cells", "kernel": "Loom", "ms": [...]}              one per kernel
  {"part": "nbconvert", "kernel": "Loom", "cells": n, "seconds": s}  one per kernel, shape and round
The cells that declare something new are `const vN = N;\\nvN * 2` in TypeScript
and `vN = N\\nvN * 2` in Python: each one a name the kernel has not seen.
"""
import json
import os
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

CODE = {
    "typescript": lambda n: f"const v{n} = {n};\nv{n} * 2",
    "python": lambda n: f"v{n} = {n}\nv{n} * 2",
}


def report(**row):
    print(json.dumps(row), flush=True)


def language(kernel_name):
    from jupyter_client.kernelspec import KernelSpecManager
    return KernelSpecManager().get_kernel_spec(kernel_name).language


def run_cell(client, code, timeout=60):
    """Executes one cell and waits for its reply and its idle; raises if it failed."""
    reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda message: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def start(kernel_name, cwd):
    manager = KernelManager(kernel_name=kernel_name)
    manager.start_kernel(cwd=cwd, stderr=subprocess.DEVNULL)
    client = manager.client()
    client.start_channels()
    return manager, client


def stop(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def first_result(name, kernel_name, cwd):
    """Seconds from starting the kernel to kernel_info (ready), and from there to the first `1+1`'s reply and idle."""
    t0 = time.perf_counter()
    manager, client = start(kernel_name, cwd)
    try:
        client.wait_for_ready(timeout=60)
        t1 = time.perf_counter()
        run_cell(client, "1+1")
        t2 = time.perf_counter()
    finally:
        stop(manager, client)
    report(part="first", kernel=name, ready=t1 - t0, first=t2 - t1)


def new_declarations(name, kernel_name, cwd, count):
    """Milliseconds of each of `count` cells in a row, each declaring a new name, in one fresh kernel."""
    code = CODE[language(kernel_name)]
    manager, client = start(kernel_name, cwd)
    try:
        client.wait_for_ready(timeout=60)
        run_cell(client, "1+1")  # the first cell is measured by first_result
        ms = []
        for n in range(count):
            t0 = time.perf_counter()
            run_cell(client, code(n))
            ms.append((time.perf_counter() - t0) * 1000)
    finally:
        stop(manager, client)
    report(part="cells", kernel=name, ms=ms)


def notebook(kernel_name, count, path):
    """A notebook of `count` cells each declaring a new name, for this kernel."""
    spec_language = language(kernel_name)
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{n}", "metadata": {}, "outputs": [], "source": CODE[spec_language](n)}
        for n in range(count)
    ]
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": kernel_name, "display_name": kernel_name, "language": spec_language}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    with open(path, "w") as out:
        json.dump(document, out)


def nbconvert(name, kernel_name, workdir, count):
    """Seconds for `jupyter nbconvert --to html --execute` of a generated `count`-cell notebook."""
    path = os.path.join(workdir, f"{name}-{count}.ipynb")
    notebook(kernel_name, count, path)
    t0 = time.perf_counter()
    run = subprocess.run(
        ["/usr/bin/python3", "-m", "nbconvert", "--to", "html", "--execute", "--output-dir", workdir, path],
        cwd=workdir, capture_output=True, text=True, timeout=300,
    )
    seconds = time.perf_counter() - t0
    if run.returncode != 0:
        report(part="problem", kernel=name, what=f"nbconvert of {count} cells failed: {run.stderr.strip()[-400:]}")
        return
    report(part="nbconvert", kernel=name, cells=count, seconds=seconds)


def first_results(kernels, workdir, rounds):
    for _ in range(rounds):
        for name, kernel_name in kernels.items():
            try:
                first_result(name, kernel_name, workdir)
            except Exception as error:  # one kernel's failure must not hide the others' rows
                report(part="problem", kernel=name, what=f"first result: {error}")


def with_another_open(kernels, workdir, rounds):
    """first_result again for each kernel of `kernels` while another kernel of the same kind stays open."""
    for name, kernel_name in kernels.items():
        keeper, keeper_client = start(kernel_name, workdir)
        try:
            keeper_client.wait_for_ready(timeout=60)
            run_cell(keeper_client, "1+1")
            first_results({f"{name}, another notebook open": kernel_name}, workdir, rounds)
        except Exception as error:
            report(part="problem", kernel=name, what=f"first result with another notebook open: {error}")
        finally:
            stop(keeper, keeper_client)


def main():
    params = json.load(sys.stdin)
    kernels = params["kernels"]
    workdir = params["workdir"]
    parts = params.get("parts", ["first", "cells", "nbconvert"])
    if "first" in parts:
        first_results(kernels, workdir, params.get("rounds", 3))
        with_another_open(params.get("warm", {}), workdir, params.get("rounds", 3))
    if "cells" in parts:
        for name, kernel_name in kernels.items():
            try:
                new_declarations(name, kernel_name, workdir, params.get("cells", 200))
            except Exception as error:
                report(part="problem", kernel=name, what=f"new-declaration cells: {error}")
    if "nbconvert" in parts:
        shapes = params.get("shapes", [30])
        for round_number in range(params.get("rounds", 3)):
            # Every other round backwards, so that a load rising or falling during the run does not tilt the per-cell slope.
            for count in shapes if round_number % 2 == 0 else list(reversed(shapes)):
                for name, kernel_name in kernels.items():
                    nbconvert(name, kernel_name, workdir, count)


if __name__ == "__main__":
    main()
