"""The PyTorch references of the built-in cases of `mlpzoo bench` (benchmarks/.../Cases.java), with
the Java cases' configurations: gemm, mixer_train, mixer_infer1, mixer_b16_infer, kan_train,
sae_topk_train and the Fashion-MNIST Mixer's training step. Our own code: timm's MlpMixer and
efficient-kan's KANLinear written out in plain torch (no timm or efficient-kan needed)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

import benchlib
from benchlib import gflops, per_second

# --- gemm ---------------------------------------------------------------------------------------


def gemm():
    n = 1024
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    return (lambda: torch.matmul(a, b)), 10, 50, {"gflops": gflops(2.0 * n ** 3)}


# --- MLP-Mixer (Tolstikhin et al. 2021), timm's MlpMixer --------------------------------------


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class MixerBlock(nn.Module):
    def __init__(self, dim, tokens, ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_tokens = Mlp(tokens, int(ratio[0] * dim))
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_channels = Mlp(dim, int(ratio[1] * dim))

    def forward(self, x):  # (B, T, D)
        x = x + self.mlp_tokens(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.mlp_channels(self.norm2(x))


class MlpMixer(nn.Module):
    def __init__(self, num_classes, img_size, in_chans, patch_size, num_blocks, embed_dim,
                 mlp_ratio=(0.5, 4.0)):
        super().__init__()
        tokens = (img_size // patch_size) ** 2
        self.stem = nn.Conv2d(in_chans, embed_dim, patch_size, patch_size)
        self.blocks = nn.Sequential(
            *[MixerBlock(embed_dim, tokens, mlp_ratio) for _ in range(num_blocks)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, x):  # (B, C, H, W)
        x = self.stem(x).flatten(2).transpose(1, 2)  # (B, T, D)
        x = self.norm(self.blocks(x))
        return self.head(x.mean(1))  # (B, classes)


def mixer_flops_forward(batch, img, chans, patch, blocks, dim, ratio, classes):
    """Flops.mixerForward: matmul FLOPs, 2 per multiply-add; returns (stem, total)."""
    t = (img // patch) ** 2
    stem = 2.0 * batch * t * patch * patch * chans * dim
    per_block = 2.0 * batch * dim * t * int(ratio[0] * dim) * 2 \
        + 2.0 * batch * t * dim * int(ratio[1] * dim) * 2
    return stem, stem + blocks * per_block + 2.0 * batch * dim * classes


SMALL = dict(num_classes=10, img_size=28, in_chans=1, patch_size=4, num_blocks=8, embed_dim=128)


def small_mixer_flops(batch, train):
    stem, total = mixer_flops_forward(batch, 28, 1, 4, 8, 128, (0.5, 4.0), 10)
    return 3 * total - stem if train else total


def mixer_train():
    model = MlpMixer(**SMALL)
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    step = benchlib.classifier_train_step(model, x, y, benchlib.adamw_like_ours(model))
    return step, 2, 10, {"gflops": gflops(small_mixer_flops(128, True)),
                         "images_per_s": per_second(128)}


def mixer_infer1():
    model = MlpMixer(**SMALL)
    return benchlib.infer_step(model, torch.randn(1, 1, 28, 28)), *benchlib.INFER1_STEPS, {
        "gflops": gflops(small_mixer_flops(1, False))}


def mixer_b16_infer():
    model = MlpMixer(1000, 224, 3, 16, 12, 768)
    flops = mixer_flops_forward(8, 224, 3, 16, 12, 768, (0.5, 4.0), 1000)[1]
    return benchlib.infer_step(model, torch.randn(8, 3, 224, 224)), 1, 5, {"gflops": gflops(flops)}


def train_mixer_fmnist():
    # model-configs' mixer_fmnist.json: patch 4, 8 blocks, width 64, mlp_ratio (1.0, 4.0)
    ratio = (1.0, 4.0)
    model = MlpMixer(10, 28, 1, 4, 8, 64, ratio)
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    step = benchlib.classifier_train_step(model, x, y, benchlib.adamw_like_ours(model))
    stem, total = mixer_flops_forward(128, 28, 1, 4, 8, 64, ratio, 10)
    return step, 3, 30, {"gflops": gflops(3 * total - stem), "images_per_s": per_second(128)}


# --- efficient-kan's KAN (Liu et al. 2024, "KAN: Kolmogorov-Arnold Networks") ------------------


class KANLinear(nn.Module):
    """efficient-kan's KANLinear with its defaults: grid 5, order 3, grid [-1, 1], SiLU base,
    standalone spline scaler; forward = base linear of SiLU(x) + linear of the B-spline bases."""

    def __init__(self, fin, fout, grid_size=5, order=3, scale_noise=0.1):
        super().__init__()
        self.order = order
        h = 2.0 / grid_size
        grid = torch.arange(-order, grid_size + order + 1) * h - 1.0  # (G + 2k + 1)
        self.register_buffer("grid", grid.expand(fin, -1).contiguous())  # (in, G + 2k + 1)
        self.base_weight = nn.Parameter(torch.empty(fout, fin))
        self.spline_weight = nn.Parameter(
            (torch.rand(fout, fin, grid_size + order) - 0.5) * scale_noise / grid_size)
        self.spline_scaler = nn.Parameter(torch.empty(fout, fin))
        nn.init.kaiming_uniform_(self.base_weight, a=math.sqrt(5))
        nn.init.kaiming_uniform_(self.spline_scaler, a=math.sqrt(5))

    def b_splines(self, x):  # (B, in) -> (B, in, G + k)
        g = self.grid
        x = x.unsqueeze(-1)
        bases = ((x >= g[:, :-1]) & (x < g[:, 1:])).to(x.dtype)
        for k in range(1, self.order + 1):
            bases = (x - g[:, :-(k + 1)]) / (g[:, k:-1] - g[:, :-(k + 1)]) * bases[:, :, :-1] \
                + (g[:, k + 1:] - x) / (g[:, k + 1:] - g[:, 1:(-k)]) * bases[:, :, 1:]
        return bases

    def forward(self, x):  # (B, in) -> (B, out)
        base = F.linear(F.silu(x), self.base_weight)
        w = (self.spline_weight * self.spline_scaler.unsqueeze(-1)).view(self.base_weight.shape[0], -1)
        return base + F.linear(self.b_splines(x).view(x.shape[0], -1), w)


def kan_train():
    widths = [784, 64, 10]
    model = nn.Sequential(*[KANLinear(a, b) for a, b in zip(widths[:-1], widths[1:])])
    x = torch.randn(256, 784)
    y = torch.randint(0, 10, (256,))
    step = benchlib.classifier_train_step(model, x, y, benchlib.adamw_like_ours(model))
    # Flops.kanTrain: 2 B in out (G + k + 1) forward; 2x for the first layer, 3x for the others
    fwd = [2.0 * 256 * a * b * (5 + 3 + 1) for a, b in zip(widths[:-1], widths[1:])]
    flops = 2 * fwd[0] + 3 * sum(fwd[1:])
    return step, 5, 30, {"gflops": gflops(flops), "images_per_s": per_second(256)}


# --- TopK SAE (Gao et al. 2024, "Scaling and evaluating sparse autoencoders") --------------------


def sae_topk_train(d_in=512, d_sae=8192, k=32, batch=1024):
    """SaeTrainer.step of a TopK SAE (interpretability module): pre = (x - b_dec) W_enc + b_enc,
    the top k per row, ReLU, decoded from the k selected decoder rows; loss = mean over rows of
    the summed squared error (AuxK adds nothing: no latent is dead within 10M tokens); backward;
    the decoder gradient loses its component along each decoder row; Adam (lr 4e-4, betas
    (0.9, 0.999)); decoder rows renormalised; firing counts for the dead-latent bookkeeping."""
    x = torch.randn(batch, d_in)
    w_dec = torch.randn(d_sae, d_in)
    w_dec = w_dec / w_dec.norm(dim=1, keepdim=True)
    w_dec = nn.Parameter(w_dec)
    w_enc = nn.Parameter(w_dec.detach().t().clone())  # tied init (d_in = d_out)
    b_enc = nn.Parameter(torch.zeros(d_sae))
    b_dec = nn.Parameter(x.mean(0))  # bDecInit MEAN, as SaeTopKCase
    opt = torch.optim.Adam([w_enc, b_enc, w_dec, b_dec], lr=4e-4, betas=(0.9, 0.999))
    since_fired = torch.zeros(d_sae, dtype=torch.long)

    def step():
        opt.zero_grad(set_to_none=True)
        pre = (x - b_dec) @ w_enc + b_enc  # (N, d_sae)
        vals, idx = pre.topk(k, dim=1)  # (N, k)
        acts = F.relu(vals)
        rows = w_dec[idx]  # (N, k, d_in): the sparse decode
        y_hat = torch.einsum("nk,nkd->nd", acts, rows) + b_dec
        loss = (y_hat - x).pow(2).sum(1).mean()
        loss.backward()
        with torch.no_grad():
            g, w = w_dec.grad, w_dec
            g -= (g * w).sum(1, keepdim=True) * w  # remove the parallel component
            opt.step()
            w_dec.div_(w_dec.norm(dim=1, keepdim=True))
            fired = torch.zeros(d_sae, dtype=torch.bool)
            fired[idx[acts > 0]] = True
            since_fired.add_(batch).masked_fill_(fired, 0)
        if not torch.isfinite(loss):
            raise RuntimeError("sae_topk_train: loss is %s" % loss.item())

    flops = 2.0 * batch * d_in * d_sae + 6 * 2.0 * batch * k * d_in
    return step, 3, 20, {"gflops": gflops(flops)}


CASES = {
    "gemm": gemm,
    "mixer_train": mixer_train,
    "mixer_infer1": mixer_infer1,
    "mixer_b16_infer": mixer_b16_infer,
    "kan_train": kan_train,
    "sae_topk_train": sae_topk_train,
    "train_mixer_fmnist": train_mixer_fmnist,
}
