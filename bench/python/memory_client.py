"""The Jupyter side of bench/memory.ts: kernels started and driven through
Debian's jupyter_client (run with /usr/bin/python3), as a notebook server
would, so that the memory measured is a kernel's as Jupyter runs it.

Commands come as one JSON object per line on stdin; each gets one JSON line
on stdout:
  {"op": "start", "id": K, "argv": [...], "env": {...}, "cwd": DIR}
      -> {"id": K, "pid": PID}          (the kernel process jupyter_client launched)
  {"op": "run", "id": K, "cells": [CODE, ...], "timeout": SECONDS}
      -> {"id": K, "seconds": [S, ...], "errors": [...]}   (each cell to idle)
  {"op": "stop", "id": K}  -> {"id": K, "stopped": true}
Any failure is answered {"id": K, "error": TEXT}. At EOF every kernel still
running is shut down.
"""
import json
import os
import queue
import subprocess
import sys
import tempfile
import time

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.launcher import launch_kernel

kernels = {}


def answer(**fields):
    print(json.dumps(fields), flush=True)


def wait_until_ready(client, process, timeout):
    """kernel_info until it is answered and iopub has delivered a message.

    Not client.wait_for_ready: it takes a kernel whose heartbeat has not
    answered yet, one second in, for dead, which a busy machine makes likely.
    An iopub message proves the subscription is live, so no cell's idle is missed.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the kernel exited with code {process.returncode} before answering kernel_info")
        msg_id = client.kernel_info()
        try:
            while client.get_shell_msg(timeout=1)["parent_header"].get("msg_id") != msg_id:
                pass
            client.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        while True:  # the rest of what iopub has so far
            try:
                client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                return
    raise RuntimeError(f"the kernel did not answer kernel_info within {timeout} s")


def start(command):
    folder = tempfile.mkdtemp(prefix="loom-bench-memory-")
    connection_file, _ = write_connection_file(os.path.join(folder, "kernel.json"))
    argv = [arg.replace("{connection_file}", connection_file) for arg in command["argv"]]
    # As a kernelspec's env: added to this process's environment.
    env = {**os.environ, **command.get("env", {})}
    log = os.path.join(folder, "stderr.txt")
    with open(log, "w") as stderr:
        process = launch_kernel(argv, env=env, cwd=command.get("cwd"), stdout=subprocess.DEVNULL, stderr=stderr)
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    try:
        wait_until_ready(client, process, 120)
    except RuntimeError as error:
        with open(log) as stderr:
            raise RuntimeError(f"{error}; its stderr ends: {stderr.read()[-2000:]}") from None
    kernels[command["id"]] = (process, client, folder)
    return {"pid": process.pid}


def run(command):
    _, client, _ = kernels[command["id"]]
    seconds, errors = [], []
    for code in command["cells"]:
        began = time.perf_counter()
        # Returns once the kernel is idle again after this cell; output is dropped.
        reply = client.execute_interactive(code, timeout=command.get("timeout", 600), output_hook=lambda message: None, allow_stdin=False)
        seconds.append(time.perf_counter() - began)
        if reply["content"]["status"] != "ok":
            errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    return {"seconds": seconds, "errors": errors}


def stop(kernel_id):
    process, client, folder = kernels.pop(kernel_id)
    try:
        client.shutdown()
        process.wait(timeout=10)
    except Exception:
        process.kill()
        process.wait()
    finally:
        client.stop_channels()
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)
    return {"stopped": True}


def main():
    try:
        for line in sys.stdin:
            command = json.loads(line)
            try:
                if command["op"] == "start":
                    result = start(command)
                elif command["op"] == "run":
                    result = run(command)
                elif command["op"] == "stop":
                    result = stop(command["id"])
                else:
                    raise ValueError(f"unknown op {command['op']!r}")
                answer(id=command.get("id"), **result)
            except Exception as error:
                answer(id=command.get("id"), error=f"{type(error).__name__}: {error}")
    finally:
        for kernel_id in list(kernels):
            stop(kernel_id)


if __name__ == "__main__":
    main()
