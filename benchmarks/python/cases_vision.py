"""The Python side of the vision cases of `mlpzoo bench` (issue 20 item 4): for each Fashion-MNIST
zoo variant of the vision families, ``<family>_train`` (one AdamW step at batch 128 with
cross-entropy, as the Java TrainStepCase) and ``<family>_infer1`` (batch-1 inference, as InferCase).

The models are our own PyTorch twins of the Java blocks (vision_models.py), at the sizes of
model-configs' ``<family>_fmnist.json``; check_vision.py proves they compute what the reference
implementations compute (parity fixtures) and have the Java blocks' parameter counts.
"""

import torch

import benchlib
import vision_models

# family -> the zoo variant it is measured at
FAMILIES = {v[: -len("_fmnist")]: v for v in vision_models.FMNIST}

# (warm-up, timed steps) as VisionCases.java
TRAIN_STEPS = (3, 30)
INFER1_STEPS = benchlib.INFER1_STEPS


def train(variant):
    model = vision_models.fmnist(variant)
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    step = benchlib.classifier_train_step(model, x, y, benchlib.adamw_like_ours(model))
    return step, TRAIN_STEPS[0], TRAIN_STEPS[1], {"images_per_s": benchlib.per_second(128)}


def infer1(variant):
    model = vision_models.fmnist(variant)
    return benchlib.infer_step(model, torch.randn(1, 1, 28, 28)), INFER1_STEPS[0], INFER1_STEPS[1]


CASES = {}
for _family, _variant in FAMILIES.items():
    CASES[_family + "_train"] = (lambda v: lambda: train(v))(_variant)
    CASES[_family + "_infer1"] = (lambda v: lambda: infer1(v))(_variant)
