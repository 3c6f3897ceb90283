"""The PyTorch reference of the time-series cases (TimeSeriesCases.java). Our own code, written
from the Java blocks (timeseries module), no reference code.

- Google's TSMixer (Chen et al. 2023) in the repository's ETTh1 configuration
  tsmixer_google_etth1_h96, as ai.mlpzoo.blocks.timeseries.tsmixer computes it: RevIN (affine,
  eps 1e-5), 2 mixer layers (time mixing: linear over time, ReLU, dropout, residual, BatchNorm over
  S*C; feature mixing: BatchNorm before, fc 7->64, ReLU, dropout, fc 64->7, dropout, residual), the
  temporal projection 512->96, RevIN's de-normalisation.
- TimeMixer (Wang et al., ICLR 2024, arXiv:2405.14616) as ai.mlpzoo.blocks.timeseries.timemixer
  computes it (see TimeMixer below), built from model-configs' timemixer_etth1_h96.json, the file
  the Java case builds from. check_timeseries.py proves it is the Java block's model: the same
  parameter count, and the reference fixtures of fixtures/reference/timeseries reproduced within
  1e-5 (the Java block passes the same fixtures in TimeMixerParityTest).
"""

import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import benchlib
from benchlib import per_second, param_count

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VARIANTS = os.path.join(ROOT, "model-configs", "src", "main", "resources", "ai", "mlpzoo",
                        "config", "variants")

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


def _mse_adam_case(name, model, inputs, y):
    """A forecaster's training step as the Java cases take it: MSE against y, Adam at 1e-3."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(*inputs), y)
        loss.backward()
        opt.step()
        if not torch.isfinite(loss):
            raise RuntimeError("%s: loss is %s" % (name, loss.item()))

    n = param_count(model)
    return step, 3, 30, {"windows_per_s": per_second(y.shape[0]), "params": lambda ms: n}


def tsmixer_train():
    model = TsMixer()
    model.train()
    x = torch.randn(32, SEQ, CHANNELS)
    y = torch.randn(32, HORIZON, CHANNELS)
    return _mse_adam_case("tsmixer_train", model, (x,), y)


def tsmixer_infer1():
    model = TsMixer()
    model.eval()
    x = torch.randn(1, SEQ, CHANNELS)

    def step():
        with torch.no_grad():
            model(x)

    n = param_count(model)
    return step, *benchlib.INFER1_STEPS, {"params": lambda ms: n}


# ---------------------------------------------------------------------------------------------
# TimeMixer, as ai.mlpzoo.blocks.timeseries.timemixer.TimeMixer computes it. Modules and parameters
# carry the names of the Java children (which are the reference's state-dict names), so that a
# reference checkpoint loads with strict=True once the two tensors the Java importer skips
# (enc_embedding.position_embedding.pe, pdm_blocks.l.layer_norm.*: built but never used) are left
# out.

# time features per step of embed timeF by freq (TimeMixerConfig.FREQ_FEATURES)
FREQ_FEATURES = {"h": 4, "t": 5, "s": 6, "m": 1, "a": 1, "w": 2, "d": 3, "b": 3}


class TimeMixerArgs:
    """The fields of a TimeMixer config (config.json of a checkpoint, or a model-configs variant)
    that the forward reads, with TimeMixerArgs.java's defaults."""

    def __init__(self, cfg):
        self.seq_len = cfg["seq_len"]
        self.pred_len = cfg["pred_len"]
        self.enc_in = cfg["enc_in"]
        self.c_out = cfg.get("c_out", self.enc_in)
        self.d_model = cfg["d_model"]
        self.d_ff = cfg["d_ff"]
        self.e_layers = cfg["e_layers"]
        self.down_sampling_layers = cfg["down_sampling_layers"]
        self.window = cfg["down_sampling_window"]
        self.down_sampling_method = cfg.get("down_sampling_method", "avg").lower()
        self.decomp_method = cfg.get("decomp_method", "moving_avg").lower()
        self.moving_avg = cfg.get("moving_avg", 25)
        self.ci = cfg.get("channel_independence", 1) == 1
        self.use_norm = cfg.get("use_norm", 1) == 1
        self.dropout = cfg.get("dropout", 0.1)
        self.mark_features = FREQ_FEATURES[cfg.get("freq", "h").lower()]
        self.use_time_marks = bool(cfg.get("use_time_marks", False))
        if self.down_sampling_method not in ("avg", "max"):
            raise ValueError("down_sampling_method must be avg or max, got %r"
                             % self.down_sampling_method)
        if self.moving_avg % 2 == 0:
            raise ValueError("moving_avg must be odd, got %d" % self.moving_avg)

    @property
    def scales(self):
        return self.down_sampling_layers + 1

    def length(self, s):
        """T_s = seq_len // window^s."""
        return self.seq_len // self.window ** s


class TwoLayerMlp(nn.Sequential):
    """Linear(in, hidden), exact GELU, Linear(hidden, out) on the last axis; children 0 and 2."""

    def __init__(self, n_in, hidden, n_out):
        super().__init__(nn.Linear(n_in, hidden), nn.GELU(), nn.Linear(hidden, n_out))


class TokenEmbedding(nn.Module):
    """Conv1d(c_in -> d_model, kernel 3, no bias) along time on the circularly padded series."""

    def __init__(self, c_in, d_model):
        super().__init__()
        self.tokenConv = nn.Conv1d(c_in, d_model, 3, bias=False)

    def forward(self, x):  # (B', T, c_in)
        x = x.transpose(1, 2)  # (B', c_in, T)
        x = torch.cat([x[:, :, -1:], x, x[:, :, :1]], 2)  # (B', c_in, T + 2): wraps around
        return self.tokenConv(x).transpose(1, 2)  # (B', T, d_model)


class TemporalEmbedding(nn.Module):
    """The holder of ``embed``, Linear(features -> d_model) without bias (names as Java's)."""

    def __init__(self, features, d_model):
        super().__init__()
        self.embed = nn.Linear(features, d_model, bias=False)


class DataEmbedding(nn.Module):
    """Value embedding plus, when marks are given, the timeF embedding; then dropout."""

    def __init__(self, c_in, d_model, features, dropout):
        super().__init__()
        self.value_embedding = TokenEmbedding(c_in, d_model)
        self.temporal_embedding = TemporalEmbedding(features, d_model)
        self.p = dropout

    def forward(self, x, marks=None):  # (B', T, c_in), (B', T, F) or None
        y = self.value_embedding(x)  # (B', T, d_model)
        if marks is not None:
            y = y + self.temporal_embedding.embed(marks)  # (B', T, d_model)
        return F.dropout(y, self.p, self.training)


class RevIn(nn.Module):
    """RevIN, affine, eps 1e-5, population variance inside the root (RevIn.java). The statistics
    are not detached, as in the Java block; they are functions of the input alone, which needs no
    gradient, so no parameter's gradient differs from the reference's (which detaches them)."""

    EPS = 1e-5

    def __init__(self, channels, enabled):
        super().__init__()
        self.enabled = enabled
        self.affine_weight = nn.Parameter(torch.ones(channels))
        self.affine_bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):  # (B, T, N)
        mean = x.mean(1, keepdim=True)  # (B, 1, N)
        centred = x - mean  # (B, T, N)
        stdev = torch.sqrt(centred.square().mean(1, keepdim=True) + self.EPS)  # (B, 1, N)
        if not self.enabled:
            return x, mean, stdev
        return centred / stdev * self.affine_weight + self.affine_bias, mean, stdev

    def denormalize(self, y, mean, stdev):  # (B, P, N), (B, 1, N), (B, 1, N)
        if not self.enabled:
            return y
        return (y - self.affine_bias) / (self.affine_weight + self.EPS * self.EPS) * stdev + mean


def moving_average(x, kernel):
    """Season and trend: the trend is the mean over ``kernel`` steps of the series padded with
    (kernel - 1) / 2 copies of its first and its last step (SeriesDecomposition.movingAverage)."""
    pad = (kernel - 1) // 2  # x: (B', T, d)
    padded = x
    if pad > 0:
        padded = torch.cat([x[:, :1].repeat(1, pad, 1), x, x[:, -1:].repeat(1, pad, 1)], 1)
    trend = F.avg_pool1d(padded.transpose(1, 2), kernel, 1).transpose(1, 2)  # (B', T, d)
    return x - trend, trend


def dft_effect(x):
    """The reference's DFT decomposition as it behaves (SeriesDecomposition.dft): sample 0 of the
    batch axis gets season 0, every other sample season x; trend = x - season."""
    season = x.clone()  # (B', T, d)
    season[0] = 0
    return season, x - season


class Mixing(nn.Module):
    """The holder of a ModuleList of TwoLayerMlp under the name Java gives it."""

    def __init__(self, name, layers):
        super().__init__()
        self.list_name = name
        setattr(self, name, nn.ModuleList(layers))

    def items(self):
        return getattr(self, self.list_name)


class PastDecomposableMixing(nn.Module):
    """Season mixed bottom-up, trend top-down, on the time axis; summed per scale; with channel
    independence through out_cross_layer and added to the input, without it season and trend
    through cross_layer (shared) first and the sum returned as is."""

    def __init__(self, a):
        super().__init__()
        self.a = a
        d = a.down_sampling_layers
        self.mixing_multi_scale_season = Mixing("down_sampling_layers", [
            TwoLayerMlp(a.length(i), a.length(i + 1), a.length(i + 1)) for i in range(d)])
        self.mixing_multi_scale_trend = Mixing("up_sampling_layers", [
            TwoLayerMlp(a.length(i + 1), a.length(i), a.length(i)) for i in range(d - 1, -1, -1)])
        self.out_cross_layer = TwoLayerMlp(a.d_model, a.d_ff, a.d_model)
        self.cross_layer = None if a.ci else TwoLayerMlp(a.d_model, a.d_ff, a.d_model)

    def forward(self, xs):  # list of (B', T_s, d_model)
        seasons, trends = [], []  # each (B', d_model, T_s): time last, to mix it
        for x in xs:
            s, t = dft_effect(x) if self.a.decomp_method == "dft_decomp" \
                else moving_average(x, self.a.moving_avg)
            if self.cross_layer is not None:
                s, t = self.cross_layer(s), self.cross_layer(t)
            seasons.append(s.transpose(1, 2))
            trends.append(t.transpose(1, 2))
        n = len(xs)
        down = self.mixing_multi_scale_season.items()
        up = self.mixing_multi_scale_trend.items()
        season_out = [seasons[0]]
        h = seasons[0]
        for i in range(n - 1):
            h = seasons[i + 1] + down[i](h)  # (B', d_model, T_{i+1})
            season_out.append(h)
        trend_out = [None] * n
        g = trends[n - 1]
        trend_out[n - 1] = g
        for j in range(n - 1):
            i = n - 2 - j
            g = trends[i] + up[j](g)  # (B', d_model, T_i)
            trend_out[i] = g
        out = []
        for s in range(n):
            y = (season_out[s] + trend_out[s]).transpose(1, 2)  # (B', T_s, d_model)
            if self.a.ci:
                y = xs[s] + self.out_cross_layer(y)
            out.append(y)
        return out


class TimeMixer(nn.Module):
    """TimeMixer, long-term forecasting, as the Java block: multiscale inputs by pooling, RevIN per
    scale, channel independence (B, T, N) -> (B*N, T, 1) with the marks tiled N times, embedding,
    e_layers past-decomposable-mixing blocks, future multipredictor mixing summed over scales,
    de-normalisation with scale 0's statistics."""

    def __init__(self, cfg):
        super().__init__()
        a = self.a = TimeMixerArgs(cfg)
        self.enc_embedding = DataEmbedding(1 if a.ci else a.enc_in, a.d_model, a.mark_features,
                                           a.dropout)
        self.normalize_layers = nn.ModuleList(
            [RevIn(a.enc_in, a.use_norm) for _ in range(a.scales)])
        self.pdm_blocks = nn.ModuleList([PastDecomposableMixing(a) for _ in range(a.e_layers)])
        self.predict_layers = nn.ModuleList(
            [nn.Linear(a.length(s), a.pred_len) for s in range(a.scales)])
        self.projection_layer = nn.Linear(a.d_model, 1 if a.ci else a.c_out)
        if not a.ci:
            self.out_res_layers = nn.ModuleList(
                [nn.Linear(a.length(s), a.length(s)) for s in range(a.scales)])
            self.regression_layers = nn.ModuleList(
                [nn.Linear(a.length(s), a.pred_len) for s in range(a.scales)])

    def forward(self, x, marks=None):
        return self.forward_with_scales(x, marks)[0]

    def forward_with_scales(self, x, marks=None):
        """(B, seq_len, enc_in) [+ (B, seq_len, F)] -> [forecast (B, pred_len, c_out), then each
        scale's prediction before the sum (normalised space)]."""
        a = self.a
        b, _, n = x.shape
        xs, ms = [x], [marks]  # each (B, T_s, N), (B, T_s, F) or None
        cur = x.transpose(1, 2)  # (B, N, T_0)
        for s in range(1, a.scales):
            pool = F.max_pool1d if a.down_sampling_method == "max" else F.avg_pool1d
            cur = pool(cur, a.window, a.window)  # (B, N, T_s)
            xs.append(cur.transpose(1, 2))
            ms.append(None if marks is None else ms[-1][:, ::a.window])
        normed, marks_in = [], []
        mean0 = stdev0 = None
        for s in range(a.scales):
            xn, mean, stdev = self.normalize_layers[s](xs[s])  # (B, T_s, N)
            if s == 0:
                mean0, stdev0 = mean, stdev  # (B, 1, N)
            m = ms[s]
            if a.ci:
                xn = xn.transpose(1, 2).reshape(b * n, -1, 1)  # (B*N, T_s, 1)
                m = None if m is None else m.repeat(n, 1, 1)  # (N*B, T_s, F): row r, sample r % B
            normed.append(xn)
            marks_in.append(m)
        residual = []  # without channel independence: each scale's trend, (B, T_s, N)
        if not a.ci:
            for s in range(a.scales):
                season, trend = moving_average(normed[s], a.moving_avg)
                normed[s] = season
                residual.append(trend)
        enc = [self.enc_embedding(normed[s], marks_in[s]) for s in range(a.scales)]
        for pdm in self.pdm_blocks:
            enc = pdm(enc)  # each (B', T_s, d_model)
        outs = []
        total = None
        for s in range(a.scales):
            p = self.predict_layers[s](enc[s].transpose(1, 2)).transpose(1, 2)  # (B', P, d_model)
            y = self.projection_layer(p)  # (B', P, 1) or (B, P, c_out)
            if a.ci:
                y = y.reshape(b, n, a.pred_len).transpose(1, 2)  # (B, P, N)
            else:
                r = self.out_res_layers[s](residual[s].transpose(1, 2))  # (B, N, T_s)
                y = y + self.regression_layers[s](r).transpose(1, 2)  # (B, P, c_out)
            outs.append(y)
            total = y if total is None else total + y
        forecast = self.normalize_layers[0].denormalize(total, mean0, stdev0)  # (B, P, N)
        return [forecast] + outs


def variant_config(name):
    """A model-configs variant, the file the Java case builds from."""
    with open(os.path.join(VARIANTS, name + ".json")) as f:
        return json.load(f)


TIMEMIXER = "timemixer_etth1_h96"


def _timemixer_inputs(a, batch):
    """Random windows and, for a model that reads time features, marks in [-0.5, 0.5] (the
    range of timeF features), as TimeSeriesCases."""
    x = torch.randn(batch, a.seq_len, a.enc_in)
    marks = torch.rand(batch, a.seq_len, a.mark_features) - 0.5 if a.use_time_marks else None
    return x, marks


def timemixer_train():
    model = TimeMixer(variant_config(TIMEMIXER))
    model.train()
    a = model.a
    x, marks = _timemixer_inputs(a, 32)
    y = torch.randn(32, a.pred_len, a.c_out)
    return _mse_adam_case("timemixer_train", model, (x, marks), y)


def timemixer_infer1():
    model = TimeMixer(variant_config(TIMEMIXER))
    model.eval()
    x, marks = _timemixer_inputs(model.a, 1)

    def step():
        with torch.no_grad():
            model(x, marks)

    n = param_count(model)
    return step, *benchlib.INFER1_STEPS, {"params": lambda ms: n}


CASES = {"tsmixer_train": tsmixer_train, "tsmixer_infer1": tsmixer_infer1,
         "timemixer_train": timemixer_train, "timemixer_infer1": timemixer_infer1}
