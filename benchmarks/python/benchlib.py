"""Helpers shared by bench.py and the cases_*.py modules (the Python side of `mlpzoo bench`).

A case module defines ``CASES = {name: factory}``; ``factory()`` builds the model, data and
optimiser (not timed) and returns ``(step_fn, default_warmup, default_steps)`` or, with extra
fields for the result line, ``(step_fn, default_warmup, default_steps, fields)`` where ``fields``
maps a field name to a function of the median step time in ms (its value is printed as returned).
A factory that cannot run here raises ``Skip(reason)``.
"""

import torch

SEED = 42

# (warm-up, timed steps) of the single-input inference cases, as BenchCase.INFER1_WARMUP and
# INFER1_STEPS: the Java side needs the warm-up for its JIT; both sides get the same count
INFER1_STEPS = (300, 200)


class Skip(Exception):
    """Raised by a case factory that cannot run on this machine (the line says why)."""


def fmt_ms(ms):
    """Milliseconds as the Java harness prints them (BenchResult.fmt)."""
    return "%.1f" % ms if ms >= 100 else "%.3f" % ms


def median(values):
    """The median; of an even count, the mean of the middle two (as BenchResult.percentile)."""
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 == 1 else (s[n // 2 - 1] + s[n // 2]) / 2


def gflops(flops):
    """The ``gflops`` field of a case whose matmul FLOPs per step are known (Flops.java)."""
    return lambda ms: "%.1f" % (flops / (ms * 1e6))


def per_second(count):
    """A throughput field: ``count`` items per step, per second at the median step time."""
    return lambda ms: "%.0f" % (count / (ms / 1e3))


def adamw_like_ours(model, lr=1e-3, weight_decay=0.05):
    """torch AdamW as ai.mlpzoo.train.AdamW applies it: decoupled decay on matrices and kernels
    only (vectors: biases, norms, layer-scales are not decayed, as timm's parameter groups),
    betas (0.9, 0.999), eps 1e-8."""
    decay = [p for p in model.parameters() if p.ndim > 1]
    rest = [p for p in model.parameters() if p.ndim <= 1]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}],
        lr=lr, betas=(0.9, 0.999), eps=1e-8)


def classifier_train_step(model, x, y, optimiser):
    """One training step as TrainStepCase: forward, cross-entropy, backward, optimiser step."""
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        if not torch.isfinite(loss):
            raise RuntimeError("loss is %s" % loss.item())

    return step


def infer_step(model, x):
    """Inference as InferCase: eval mode, no autograd recording."""
    model.eval()

    def step():
        with torch.no_grad():
            model(x)

    return step


def param_count(model):
    return sum(p.numel() for p in model.parameters())
