"""Proves that the PyTorch TimeMixer of cases_timeseries.py (the twin that `timemixer_train` and
`timemixer_infer1` time on the reference side) is the Java block's model.

1. For every TimeMixer fixture in fixtures/reference/timeseries (written by the reference
   implementation, see its README.md: channel independence with the moving-average and the DFT
   decomposition, with and without time marks, the mixed-channel path with max pooling, and
   use_norm 0), the twin is built from the fixture's config.json, the reference's checkpoint is
   loaded with load_state_dict(strict=True) (less the two tensors the reference builds and never
   uses, which the Java importer skips too), and on the fixture's input (and marks, where the file
   has them) the forecast and each scale's prediction must match the fixture within 1e-5 (max
   absolute difference). TimeMixerParityTest holds the Java block to the same fixtures.
2. The twin's parameter count at each shipped ETTh1 variant must equal the Java block's, recorded
   in JAVA_PARAMS below.

Run from anywhere: python3 benchmarks/python/check_timeseries.py
Exits 1 if any check fails.
"""

import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases_timeseries as ts  # noqa: E402
import safetensors_np  # noqa: E402
from benchlib import param_count  # noqa: E402

FIXTURES = os.path.join(ts.ROOT, "fixtures", "reference", "timeseries")
TOLERANCE = 1e-5

# The tensors the reference builds but never uses (TimeMixerImporter skips them too)
UNUSED = re.compile(r"enc_embedding\.position_embedding\.pe|pdm_blocks\.\d+\.layer_norm\.\w+")

# Trainable parameters of the Java blocks: timemixer_etth1_h96 as `timemixer_train` prints it
# (`params=`, asserted by hand-worked count in NewCasesTest), timemixer_etth1_h336 as
# docs/timeseries.md's zoo table gives it
JAVA_PARAMS = {"timemixer_etth1_h96": 75433, "timemixer_etth1_h336": 119593}

FIXTURE_NAMES = ["timemixer_tiny", "timemixer_ci_marks_dft", "timemixer_mixed_marks",
                 "timemixer_mixed_dft_nonorm"]


def check_fixture(name):
    """The largest absolute difference between the twin and the reference over the forecast and
    every scale's prediction."""
    with open(os.path.join(FIXTURES, name, "config.json")) as f:
        cfg = json.load(f)
    model = ts.TimeMixer(cfg)
    ref = safetensors_np.load(os.path.join(FIXTURES, name, "model.safetensors"))
    io = safetensors_np.load(os.path.join(FIXTURES, name + ".io.safetensors"))
    own = model.state_dict()
    sd = {k: torch.from_numpy(v) for k, v in ref.items() if not UNUSED.fullmatch(k)}
    missing = sorted(set(own) - set(sd))
    unexpected = sorted(set(sd) - set(own))
    if missing or unexpected:
        raise AssertionError(f"{name}: keys differ: missing {missing[:5]}, "
                             f"unexpected {unexpected[:5]}")
    for k, t in sd.items():
        if tuple(t.shape) != tuple(own[k].shape):
            raise AssertionError(f"{name}: {k} has shape {tuple(t.shape)}, "
                                 f"the twin {tuple(own[k].shape)}")
    model.load_state_dict(sd, strict=True)
    model.eval()
    x = torch.from_numpy(io["input"])
    marks = torch.from_numpy(io["input_mark"]) if "input_mark" in io else None
    with torch.no_grad():
        outs = model.forward_with_scales(x, marks)
    expected = [io["output"]] + [io[f"scale_outputs.{s}"] for s in range(len(outs) - 1)]
    return max(float(np.abs(o.numpy() - e).max()) for o, e in zip(outs, expected))


def main():
    failed = False
    print(f"parity with the reference fixtures (max |twin - reference| over the forecast and the "
          f"per-scale predictions, tolerance {TOLERANCE:g}):")
    for name in FIXTURE_NAMES:
        try:
            d = check_fixture(name)
            ok = d <= TOLERANCE
            print(f"  {name:28s} max_abs_diff={d:.3e} {'ok' if ok else 'FAIL'}")
        except Exception as e:  # noqa: BLE001 - report every fixture, then fail
            ok = False
            print(f"  {name:28s} FAIL {e}")
        failed |= not ok
    print("parameter counts of the shipped ETTh1 variants (torch twin vs Java block):")
    for name, j in JAVA_PARAMS.items():
        n = param_count(ts.TimeMixer(ts.variant_config(name)))
        ok = n == j
        print(f"  {name:28s} torch={n:>9,d} java={j:>9,d} {'ok' if ok else 'FAIL'}")
        failed |= not ok
    print("FAILED" if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
