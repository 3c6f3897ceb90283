#!/usr/bin/env python3
"""The Python side of `mlpzoo bench` (issue 20): the same cases in PyTorch eager, timed the same
way, printing the Java harness's line format, so that anyone can reproduce the ratio.

    python3 benchmarks/python/bench.py [--threads N] [--steps N] [--warmup N] [--list] case...

One line per case on stdout, ``<case> ms_per_step=<median> steps=<n>`` then the case's fields
(``gflops=``, ``images_per_s=``, ...) and ``cpu_ms_per_step=``, or ``<case> skipped: <reason>``;
a ``#`` header line (CPU, torch version, threads) on stderr. Every ``cases_*.py`` module next to
this file is imported; each defines ``CASES = {name: factory}`` (see benchlib.py). A case is set
up (not timed), warmed up, then its steps are timed one by one with time.perf_counter and the
median is reported; the seed is 42 before each case's set-up.
"""

import argparse
import glob
import importlib
import os
import platform
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import benchlib  # noqa: E402


def load_cases():
    cases = {}
    for path in sorted(glob.glob(os.path.join(HERE, "cases_*.py"))):
        module = importlib.import_module(os.path.splitext(os.path.basename(path))[0])
        for name, factory in module.CASES.items():
            if name in cases:
                raise SystemExit("case %s is defined twice (%s)" % (name, path))
            cases[name] = factory
    return cases


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def blas():
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return "BLAS " + (m.group(1) if m else "unknown")


def run_case(name, factory, warmup, steps):
    torch.manual_seed(benchlib.SEED)
    try:
        made = factory()
    except benchlib.Skip as e:
        return "%s skipped: %s" % (name, e)
    step, default_warmup, default_steps = made[0], made[1], made[2]
    fields = made[3] if len(made) > 3 else {}
    w = warmup if warmup >= 0 else default_warmup
    n = steps if steps > 0 else default_steps
    for _ in range(w):
        step()
    cpu0 = time.process_time()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    cpu = time.process_time() - cpu0
    med = benchlib.median(times)
    line = "%s ms_per_step=%s steps=%d" % (name, benchlib.fmt_ms(med), n)
    for key, value in fields.items():
        line += " %s=%s" % (key, value(med))
    line += " cpu_ms_per_step=%s" % benchlib.fmt_ms(cpu * 1e3 / n)
    return line


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--steps", type=int, default=-1, help="timed steps (default: per case)")
    p.add_argument("--warmup", type=int, default=-1, help="warm-up steps (default: per case)")
    p.add_argument("--list", action="store_true", help="print the case names and exit")
    p.add_argument("cases", nargs="*", help="case names (default: all)")
    a = p.parse_args(argv)
    cases = load_cases()
    if a.list:
        print("\n".join(cases))
        return 0
    unknown = [c for c in a.cases if c not in cases]
    if unknown:
        print("unknown case(s) %s; known: %s" % (", ".join(unknown), ", ".join(cases)),
              file=sys.stderr)
        return 2
    if a.threads <= 0:
        print("--threads must be >= 1, got %d" % a.threads, file=sys.stderr)
        return 2
    torch.set_num_threads(a.threads)
    print("# %s, %d cores, Python %s, torch %s (%s), threads intra-op %d" % (
        cpu_model(), os.cpu_count(), platform.python_version(), torch.__version__,
        blas(), torch.get_num_threads()),
        file=sys.stderr)
    for name in a.cases or list(cases):
        print(run_case(name, cases[name], a.warmup, a.steps), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
