"""Executes one notebook headless, as `jupyter nbconvert --execute` does, and writes it with its outputs.

    python3 notebooks/execute_notebook.py NOTEBOOK OUT KERNEL_NAME

Differs from nbconvert in one way: no request goes to the kernel before it has announced itself on
IOPub. rapaio-jupyter-kernel 3.0.1 binds its sockets, then starts JShell (seconds on a loaded
machine), and only then registers its message handlers; a kernel_info_request arriving in between
kills its shell thread and the kernel never answers ("Kernel didn't respond", or "Kernel died
before replying to kernel_info"). A start that still fails that way is retried; a failing cell never is. Exit status: 0 when every cell ran, 1 on a cell
error, 2 when the kernel did not start.
"""
import os
import sys
import queue
import time

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(src, out, kernel):
    path = os.path.dirname(os.path.abspath(src))
    settle = 1.0
    for attempt in range(1, 5):
        nb = nbformat.read(src, as_version=4)
        km = KernelManager(kernel_name=kernel)
        km.start_kernel(cwd=path)
        try:
            wait_until_announced(km)
            time.sleep(settle)
            client = NotebookClient(nb, km=km, kernel_name=kernel, timeout=600, startup_timeout=30,
                                    resources={"metadata": {"path": path}})
            client.execute()
        except CellExecutionError as e:
            nbformat.write(nb, out)
            print(str(e)[-4000:], file=sys.stderr)
            return 1
        except RuntimeError as e:
            # the same race ends in either message, depending on when the shell thread died
            if "didn't respond" not in str(e) and "died before replying" not in str(e):
                raise
            print("the kernel did not start (attempt %d): %s" % (attempt, e), file=sys.stderr)
            settle *= 4
            continue
        finally:
            if km.has_kernel:
                try:
                    km.shutdown_kernel(now=True)
                except Exception as e:  # a kernel that died has no control socket to interrupt
                    print("shutting the kernel down: %r" % (e,), file=sys.stderr)
        nbformat.write(nb, out)
        return 0
    return 2


def wait_until_announced(km, timeout=20):
    """Waits for the kernel's first IOPub message (its status, sent just before its handlers exist).

    The message can be missed (published before the subscription is connected): after the timeout
    the caller goes on anyway, and a kernel that then does not answer is started again.
    """
    kc = km.client()
    kc.start_channels(shell=False, iopub=True, stdin=False, hb=False, control=False)
    try:
        end = time.monotonic() + timeout
        while time.monotonic() < end and km.is_alive():
            try:
                kc.get_iopub_msg(timeout=1)
                return
            except queue.Empty:
                pass
    finally:
        kc.stop_channels()


if __name__ == "__main__":
    code = run(sys.argv[1], sys.argv[2], sys.argv[3])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skips nbclient's atexit clean-up of a kernel already shut down
