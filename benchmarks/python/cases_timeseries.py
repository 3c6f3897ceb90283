"""The PyTorch reference of the time-series cases (TimeSeriesCases.java): Google's TSMixer
(Chen et al. 2023) in the repository's ETTh1 configuration tsmixer_google_etth1_h96, written out
as the Java block computes it (timeseries module, ai.mlpzoo.blocks.timeseries.tsmixer):
RevIN (affine, eps 1e-5), 2 mixer layers (time mixing: linear over time, ReLU, dropout, residual,
BatchNorm over S*C; feature mixing: BatchNorm before, fc 7->64, ReLU, dropout, fc 64->7, dropout,
residual), the temporal projection 512->96, RevIN's de-normalisation. Our own code."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from benchlib import per_second, param_count

SEQ, HORIZON, CHANNELS, FF, LAYERS, DROPOUT = 512, 96, 7, 64, 2, 0.9


class TimeBatchNorm(nn.BatchNorm1d):
    """BatchNorm over the S*C features of (B, S, C) (torchtsmixer's TimeBatchNorm2d)."""

    def forward(self, x):  # (B, S, C)
        b, s, c = x.shape
        return super().forward(x.reshape(b, s * c)).reshape(b, s, c)


class TimeMixing(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(SEQ, SEQ)
        self.norm = TimeBatchNorm(SEQ * CHANNELS)

    def forward(self, x):  # (B, S, C)
        r = F.dropout(F.relu(self.fc1(x.transpose(1, 2))), DROPOUT, self.training)  # (B, C, S)
        return self.norm(x + r.transpose(1, 2))


class FeatureMixing(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm_before = TimeBatchNorm(SEQ * CHANNELS)
        self.fc1 = nn.Linear(CHANNELS, FF)
        self.fc2 = nn.Linear(FF, CHANNELS)

    def forward(self, x):  # (B, S, C)
        h = F.dropout(F.relu(self.fc1(self.norm_before(x))), DROPOUT, self.training)
        return x + F.dropout(self.fc2(h), DROPOUT, self.training)


class TsMixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            *[nn.Sequential(TimeMixing(), FeatureMixing()) for _ in range(LAYERS)])
        self.temporal_projection = nn.Linear(SEQ, HORIZON)
        self.affine_weight = nn.Parameter(torch.ones(CHANNELS))
        self.affine_bias = nn.Parameter(torch.zeros(CHANNELS))

    def forward(self, x):  # (B, S, C)
        mean = x.mean(1, keepdim=True).detach()  # (B, 1, C)
        std = torch.sqrt(x.var(1, keepdim=True, unbiased=False) + 1e-5).detach()
        x = (x - mean) / std * self.affine_weight + self.affine_bias
        x = self.layers(x)
        y = self.temporal_projection(x.transpose(1, 2)).transpose(1, 2)  # (B, H, C)
        y = (y - self.affine_bias) / (self.affine_weight + 1e-10)
        return y * std + mean


def tsmixer_train():
    model = TsMixer()
    model.train()
    x = torch.randn(32, SEQ, CHANNELS)
    y = torch.randn(32, HORIZON, CHANNELS)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        if not torch.isfinite(loss):
            raise RuntimeError("tsmixer_train: loss is %s" % loss.item())

    n = param_count(model)
    return step, 3, 30, {"windows_per_s": per_second(32), "params": lambda ms: n}


def tsmixer_infer1():
    model = TsMixer()
    model.eval()
    x = torch.randn(1, SEQ, CHANNELS)

    def step():
        with torch.no_grad():
            model(x)

    n = param_count(model)
    return step, 20, 200, {"params": lambda ms: n}


CASES = {"tsmixer_train": tsmixer_train, "tsmixer_infer1": tsmixer_infer1}
