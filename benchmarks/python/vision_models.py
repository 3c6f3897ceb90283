"""PyTorch twins of the Java vision blocks (blocks/src/main/java/ai/mlpzoo/blocks/...), for the
benchmark cases of cases_vision.py.

Written from our Java blocks and fixtures/reference/vision2/README.md (no reference code is copied
here). Module and parameter names follow the reference checkpoints' key names, so that each
twin loads its family's parity fixture with ``load_state_dict(strict=True)``: check_vision.py
proves each twin computes what the reference (and so the Java block) computes.

Every model takes an image batch (B, C, H, W) and returns logits (B, classes).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------
# gMixer: timm MlpMixer with GluMlp and SiLU (Java: blocks.mixer.MlpMixer, block "gmixer")
# ---------------------------------------------------------------------------------------------


class _Stem(nn.Module):
    def __init__(self, in_chans, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, patch, stride=patch)

    def forward(self, x):  # (B, C, H, W)
        return self.proj(x).flatten(2).transpose(1, 2)  # (B, N, D), patches row-major


class GluMlp(nn.Module):
    """fc1 (in -> hidden), value = first half, gate = second half, fc2(value * SiLU(gate))."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden // 2, dim)

    def forward(self, x):  # (..., dim)
        v, g = self.fc1(x).chunk(2, dim=-1)  # (..., hidden/2) each
        return self.fc2(v * F.silu(g))  # (..., dim)


class _GMixerBlock(nn.Module):
    def __init__(self, dim, tokens, ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_tokens = GluMlp(tokens, int(ratio[0] * dim))
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp_channels = GluMlp(dim, int(ratio[1] * dim))

    def forward(self, x):  # (B, N, D)
        x = x + self.mlp_tokens(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.mlp_channels(self.norm2(x))  # (B, N, D)


class GMixer(nn.Module):
    def __init__(self, img_size, in_chans, patch_size, num_blocks, embed_dim, mlp_ratio, num_classes):
        super().__init__()
        tokens = (img_size // patch_size) ** 2
        self.stem = _Stem(in_chans, embed_dim, patch_size)
        self.blocks = nn.Sequential(
            *[_GMixerBlock(embed_dim, tokens, mlp_ratio) for _ in range(num_blocks)]
        )
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, x):  # (B, C, H, W)
        x = self.norm(self.blocks(self.stem(x)))  # (B, N, D)
        return self.head(x.mean(1))  # (B, classes)


# ---------------------------------------------------------------------------------------------
# PoolFormer v1: timm MetaFormer (Java: blocks.metaformer.MetaFormer)
# ---------------------------------------------------------------------------------------------


class _Conv(nn.Module):
    def __init__(self, cin, cout, k, s, p):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=s, padding=p)

    def forward(self, x):
        return self.conv(x)


class _Scale(nn.Module):
    def __init__(self, dim, init):
        super().__init__()
        self.scale = nn.Parameter(torch.full((dim,), float(init)))

    def forward(self, x):  # (B, C, H, W)
        return x * self.scale.view(1, -1, 1, 1)


class _ConvMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, dim, 1)

    def forward(self, x):  # (B, C, H, W)
        return self.fc2(F.gelu(self.fc1(x)))


class _PoolBlock(nn.Module):
    def __init__(self, dim, ls_init):
        super().__init__()
        self.norm1 = nn.GroupNorm(1, dim, eps=1e-5)
        self.layer_scale1 = _Scale(dim, ls_init)
        self.norm2 = nn.GroupNorm(1, dim, eps=1e-5)
        self.mlp = _ConvMlp(dim, 4 * dim)
        self.layer_scale2 = _Scale(dim, ls_init)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):  # (B, C, H, W)
        n = self.norm1(x)
        x = x + self.layer_scale1(self.pool(n) - n)
        return x + self.layer_scale2(self.mlp(self.norm2(x)))  # (B, C, H, W)


class _PoolStage(nn.Module):
    def __init__(self, cin, dim, depth, ls_init, first):
        super().__init__()
        if not first:
            self.downsample = _Conv(cin, dim, 3, 2, 1)
        self.first = first
        self.blocks = nn.Sequential(*[_PoolBlock(dim, ls_init) for _ in range(depth)])

    def forward(self, x):
        if not self.first:
            x = self.downsample(x)  # (B, C', H/2, W/2)
        return self.blocks(x)


class _PoolHead(nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):  # (B, C, H, W)
        return self.fc(self.norm(x.mean((2, 3))))  # (B, classes)


class PoolFormer(nn.Module):
    def __init__(self, in_chans, depths, dims, num_classes, ls_init=1e-5):
        super().__init__()
        self.stem = _Conv(in_chans, dims[0], 7, 4, 2)
        self.stages = nn.Sequential(
            *[
                _PoolStage(dims[max(s - 1, 0)], dims[s], depths[s], ls_init, s == 0)
                for s in range(len(depths))
            ]
        )
        self.head = _PoolHead(dims[-1], num_classes)

    def forward(self, x):  # (B, C, H, W)
        return self.head(self.stages(self.stem(x)))


# ---------------------------------------------------------------------------------------------
# MS-MLP (Java: blocks.msmlp.MsMlp)
# ---------------------------------------------------------------------------------------------


class _ChannelLN(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW map, per pixel."""

    def forward(self, x):  # (B, C, H, W)
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class _MsEmbed(nn.Module):
    def __init__(self, cin, cout, patch):
        super().__init__()
        self.proj = nn.Conv2d(cin, cout, patch, stride=patch)
        self.norm = _ChannelLN(cout, eps=1e-6)

    def forward(self, x):  # (B, C, H, W)
        return self.norm(self.proj(x))  # (B, C', H/p, W/p)


class _MixShiftBlock(nn.Module):
    def __init__(self, dim, shift_size, shift_dist, mix_size, mlp_ratio):
        super().__init__()
        per = math.ceil(dim / shift_size)
        sizes = [min(per, dim - i * per) for i in range(shift_size)]
        if sum(sizes) != dim or min(sizes) <= 0:
            raise ValueError(f"{dim} channels do not split into {shift_size} chunks")
        self.per = per
        self.shift_dist = list(shift_dist)
        self.dwconv_lr = nn.ModuleList(
            [nn.Conv2d(c, c, k, padding=k // 2, groups=c) for c, k in zip(sizes, mix_size)]
        )
        self.dwconv_td = nn.ModuleList(
            [nn.Conv2d(c, c, k, padding=k // 2, groups=c) for c, k in zip(sizes, mix_size)]
        )
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, int(mlp_ratio * dim))
        self.pwconv2 = nn.Linear(int(mlp_ratio * dim), dim)
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))

    def forward(self, x):  # (B, C, H, W)
        chunks = torch.split(x, self.per, dim=1)
        lr = [c(torch.roll(xi, s, 3)) for xi, s, c in zip(chunks, self.shift_dist, self.dwconv_lr)]
        td = [c(torch.roll(xi, s, 2)) for xi, s, c in zip(chunks, self.shift_dist, self.dwconv_td)]
        u = (torch.cat(lr, 1) + torch.cat(td, 1)).permute(0, 2, 3, 1)  # (B, H, W, C)
        u = self.pwconv2(F.gelu(self.pwconv1(self.norm(u)))) * self.gamma  # (B, H, W, C)
        return x + u.permute(0, 3, 1, 2)  # (B, C, H, W)


class _MsStage(nn.Module):
    def __init__(self, dim, depth, mix, last, **kw):
        super().__init__()
        self.blocks = nn.Sequential(*[_MixShiftBlock(dim, mix_size=mix, **kw) for _ in range(depth)])
        self.last = last
        if not last:
            self.downsample = _MsEmbed(dim, 2 * dim, 2)

    def forward(self, x):
        x = self.blocks(x)
        return x if self.last else self.downsample(x)


class MsMlp(nn.Module):
    def __init__(
        self, in_chans, patch_size, embed_dim, depths, shift_size, shift_dist, mix_size,
        mlp_ratio, num_classes,
    ):
        super().__init__()
        self.patch_embed = _MsEmbed(in_chans, embed_dim, patch_size)
        n = len(depths)
        self.layers = nn.Sequential(
            *[
                _MsStage(
                    embed_dim * 2**s, depths[s], mix_size[s], s == n - 1,
                    shift_size=shift_size, shift_dist=shift_dist, mlp_ratio=mlp_ratio,
                )
                for s in range(n)
            ]
        )
        dim = embed_dim * 2 ** (n - 1)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):  # (B, C, H, W)
        x = self.layers(self.patch_embed(x))  # (B, C', h, w)
        return self.head(self.norm(x.mean((2, 3))))  # (B, classes)


# ---------------------------------------------------------------------------------------------
# RaftMLP, 'emb_mixer' embedding, no shortcut heads (Java: blocks.raftmlp.RaftMlp)
# ---------------------------------------------------------------------------------------------


class _Mlp(nn.Module):
    """fn.0 Linear -> GELU -> (dropout) -> fn.3 Linear, indexed as the reference's Sequential."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.fn = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Identity(), nn.Linear(hidden, dim))

    def forward(self, x):
        return self.fn(x)


class _RaftAxis(nn.Module):
    """Vertical (or horizontal) raft mixing: per (co, other axis), an MLP over (raft g, axis)."""

    def __init__(self, dim, r, length, tef):
        super().__init__()
        self.norm = nn.Sequential(nn.Identity(), nn.LayerNorm(dim))  # key norm.1
        self.fn = _Mlp(r * length, r * length * tef).fn
        self.r = r

    def forward(self, x, vertical):  # x (B, h, w, D), channel d = g*G + co
        b, h, w, d = x.shape
        r, g = self.r, d // self.r
        ln = self.norm[1]
        # the LayerNorm's element k belongs to channel (k mod r)*G + k div r
        wt = ln.weight.view(g, r).t().reshape(d)
        bs = ln.bias.view(g, r).t().reshape(d)
        u = F.layer_norm(x, (d,), wt, bs, ln.eps)  # (B, h, w, D)
        u = u.view(b, h, w, r, g)  # (B, y, x, g, co)
        if vertical:
            u = u.permute(0, 4, 2, 3, 1).reshape(b, g, w, r * h)  # (B, co, x, g*h + y)
            u = self.fn(u).view(b, g, w, r, h).permute(0, 4, 2, 3, 1)  # (B, y, x, g, co)
        else:
            u = u.permute(0, 4, 1, 3, 2).reshape(b, g, h, r * w)  # (B, co, y, g*w + x)
            u = self.fn(u).view(b, g, h, r, w).permute(0, 2, 4, 3, 1)  # (B, y, x, g, co)
        return x + u.reshape(b, h, w, d)  # (B, h, w, D)


class _RaftChannel(nn.Module):
    def __init__(self, dim, cef):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fn = _Mlp(dim, dim * cef).fn

    def forward(self, x):  # (B, h, w, D)
        return x + self.fn(self.norm(x))


class _RaftSub(nn.Module):
    def __init__(self, dim, r, h, w, tef, cef):
        super().__init__()
        # indices 1, 3, 5 as the reference (0, 2, 4 are parameter-free rearranges)
        self.v = _RaftAxis(dim, r, h, tef)
        self.hz = _RaftAxis(dim, r, w, tef)
        self.c = _RaftChannel(dim, cef)

    def forward(self, x):  # (B, h, w, D)
        return self.c(self.hz(self.v(x, True), False))


class _RaftLevel(nn.Module):
    def __init__(self, cin, dim, patch, r, depth, size, tef, cef):
        super().__init__()
        self.patch = patch
        h = size // patch
        self.h = h
        mods = [nn.Identity(), nn.Linear(patch * patch * cin, dim)]
        mods += [_RaftSub(dim, r, h, h, tef, cef) for _ in range(depth)]
        self.fn = nn.ModuleList(mods)

    def forward(self, x):  # (B, C, H, W)
        b, c, hh, ww = x.shape
        p, h = self.patch, self.h
        # 'b c (h p1) (w p2) -> b h w (p1 p2 c)'
        t = x.view(b, c, h, p, h, p).permute(0, 2, 4, 3, 5, 1).reshape(b, h, h, p * p * c)
        t = self.fn[1](t)  # (B, h, w, D)
        for sub in self.fn[2:]:
            t = sub(t)
        return t  # (B, h, w, D)


class RaftMlp(nn.Module):
    def __init__(self, layers, in_channels, image_size, num_classes, tef=2, cef=4):
        super().__init__()
        levels, cin, size = [], in_channels, image_size
        for l in layers:
            levels.append(
                _RaftLevel(cin, l["dim"], l["patch_size"], l["raft_size"], l["depth"], size, tef, cef)
            )
            cin, size = l["dim"], size // l["patch_size"]
        self.levels = nn.ModuleList(levels)
        d = layers[-1]["dim"]
        self.heads = nn.ModuleList([nn.Sequential(nn.Identity(), nn.LayerNorm(d))])
        self.classifier = nn.Linear(d, num_classes)

    def forward(self, x):  # (B, C, H, W)
        t = None
        for lv in self.levels:
            t = lv(x)  # (B, h, w, D)
            x = t.permute(0, 3, 1, 2)  # (B, D, h, w)
        a = self.heads[0][1](t).mean((1, 2))  # (B, D)
        return self.classifier(a)

    @staticmethod
    def reference_keys(sd):
        """Our state_dict keys -> the reference's (fn.K.v -> fn.K.1, hz -> 3, c -> 5)."""
        out = {}
        for k, v in sd.items():
            k2 = k.replace(".v.", ".1.").replace(".hz.", ".3.").replace(".c.", ".5.")
            out[k2] = v
        return out


# ---------------------------------------------------------------------------------------------
# NiNformer and Activator (Java: blocks.ninformer.NiNformer, blocks.activator.Activator)
# ---------------------------------------------------------------------------------------------


class _FF(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(dim, hidden), nn.GELU(), nn.Identity(), nn.Linear(hidden, dim), nn.Identity()
        )

    def forward(self, x):
        return self.net(x)


class _NinMixer(nn.Module):
    def __init__(self, d_model, d_ffn, seq_len):
        super().__init__()
        self.token_mix = nn.ModuleList([nn.LayerNorm(d_model), nn.Identity(), _FF(seq_len, d_ffn)])
        self.channel_mix = nn.ModuleList([nn.LayerNorm(d_model), _FF(d_model, d_ffn)])

    def forward(self, u):  # (B, N, D)
        v = u + self.token_mix[2](self.token_mix[0](u).transpose(1, 2)).transpose(1, 2)
        return v + self.channel_mix[1](self.channel_mix[0](v))  # (B, N, D)


class _Mgu(nn.Module):
    def __init__(self, d_model, d_ffn, seq_len):
        super().__init__()
        self.proj = nn.Linear(d_model, d_model)
        self.Mixer = _NinMixer(d_model, d_ffn, seq_len)

    def forward(self, u):  # (B, N, D)
        return self.proj(u) * self.Mixer(u)


class _NinBlock(nn.Module):
    def __init__(self, d_model, d_ffn, seq_len):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.mgu = _Mgu(d_model, d_ffn, seq_len)
        self.ffn = _FF(d_model, d_ffn)

    def forward(self, x):  # (B, N, D)
        x = x + self.mgu(self.norm(x))
        return x + self.ffn(self.norm(x))


class _ActGu(nn.Module):
    def __init__(self, d_model, d_ffn):
        super().__init__()
        self.proj_1 = nn.Linear(d_model, d_ffn)
        self.proj_2 = nn.Linear(d_model, d_ffn)
        self.proj_3 = nn.Linear(d_ffn, d_model)
        self.norm = nn.LayerNorm(d_ffn)

    def forward(self, u):  # (B, N, D)
        a = self.norm(F.gelu(self.proj_1(u)))  # (B, N, d_ffn)
        c = self.norm(self.proj_2(u))  # (B, N, d_ffn)
        return self.proj_3(a * c)  # (B, N, D)


class _ActBlock(nn.Module):
    def __init__(self, d_model, d_ffn):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.actgu = _ActGu(d_model, d_ffn)
        self.ffn = _FF(d_model, d_ffn)

    def forward(self, x):  # (B, N, D)
        x = x + self.actgu(self.norm(x))
        return x + self.ffn(self.norm(x))


class _TokenNet(nn.Module):
    def __init__(self, in_channels, patch_size, d_model, blocks, num_classes):
        super().__init__()
        self.patcher = nn.Conv2d(in_channels, d_model, patch_size, stride=patch_size)
        self.model = nn.Sequential(*blocks)
        self.classifier = nn.Linear(d_model, num_classes)

    def forward(self, x):  # (B, C, H, W)
        t = self.patcher(x).flatten(2).transpose(1, 2)  # (B, N, D)
        return self.classifier(self.model(t).mean(1))  # (B, classes)


def NiNformer(in_channels, patch_size, d_model, d_ffn, seq_len, num_layers, num_classes):
    return _TokenNet(
        in_channels, patch_size, d_model,
        [_NinBlock(d_model, d_ffn, seq_len) for _ in range(num_layers)], num_classes,
    )


def Activator(in_channels, patch_size, d_model, d_ffn, num_layers, num_classes):
    return _TokenNet(
        in_channels, patch_size, d_model,
        [_ActBlock(d_model, d_ffn) for _ in range(num_layers)], num_classes,
    )


# ---------------------------------------------------------------------------------------------
# Scaling MLPs' BottleneckMLP (Java: blocks.scalingmlp.BottleneckMlp), layer norm
# ---------------------------------------------------------------------------------------------


class _Bottleneck(nn.Module):
    def __init__(self, thin, wide):
        super().__init__()
        self.block = nn.Sequential(nn.Linear(thin, wide), nn.GELU(), nn.Linear(wide, thin))


class ScalingMlp(nn.Module):
    def __init__(self, dim_in, dim_out, block_dims):
        super().__init__()
        thin = block_dims[0][1]
        self.linear_in = nn.Linear(dim_in, thin)
        self.blocks = nn.ModuleList([_Bottleneck(t, w) for w, t in block_dims])
        self.layernorms = nn.ModuleList([nn.LayerNorm(t) for _, t in block_dims])
        self.linear_out = nn.Linear(thin, dim_out)

    def forward(self, x):  # (B, C, H, W) or (B, C*H*W)
        x = self.linear_in(x.reshape(x.shape[0], -1))  # (B, thin), C, H, W order
        for blk, ln in zip(self.blocks, self.layernorms):
            x = x + blk.block(ln(x))  # (B, thin)
        return self.linear_out(x)


# ---------------------------------------------------------------------------------------------
# KAT: ViT with GR-KAN MLPs (Java: blocks.kat.KatVisionTransformer, blocks.kan.GroupRational)
# ---------------------------------------------------------------------------------------------

SWISH_NUM = [3.054879741161051e-07, 0.5000007853744493, 0.24999783422824703,
             0.05326628273219478, 0.005803034571292244, 0.0002751961022402342]
SWISH_DEN = [-4.111554955950634e-06, 0.10652899335007572, -1.2690007399796238e-06,
             0.0005502331264140556]


class GroupRational(nn.Module):
    """P(x) / (1 + sum_j |b_gj| |x|^j): numerator shared, denominator per group of F/8 features."""

    def __init__(self, features, num, den, groups=8):
        super().__init__()
        self.groups = groups
        self.weight_numerator = nn.Parameter(torch.tensor([num], dtype=torch.float32))
        self.weight_denominator = nn.Parameter(torch.tensor([den] * groups, dtype=torch.float32))

    def forward(self, x):  # (..., F)
        a = self.weight_numerator[0]  # (6,)
        p = a[5]
        for j in range(4, -1, -1):
            p = p * x + a[j]  # Horner
        f = x.shape[-1]
        b = self.weight_denominator.abs().repeat_interleave(f // self.groups, 0)  # (F, 4)
        ax = x.abs()
        q = 1 + ax * (b[:, 0] + ax * (b[:, 1] + ax * (b[:, 2] + ax * b[:, 3])))
        return p / q  # (..., F)


class _KatMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.act1 = GroupRational(dim, [0, 1, 0, 0, 0, 0], [0, 0, 0, 0])
        self.fc1 = nn.Linear(dim, hidden)
        self.act2 = GroupRational(hidden, SWISH_NUM, SWISH_DEN)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act2(self.fc1(self.act1(x))))


class _Attn(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):  # (B, T, D)
        b, t, d = x.shape
        qkv = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # (B, heads, T, hd)
        a = torch.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, -1)  # (B, h, T, T)
        return self.proj((a @ v).transpose(1, 2).reshape(b, t, d))  # (B, T, D)


class _KatBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = _Attn(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = _KatMlp(dim, hidden)

    def forward(self, x):  # (B, T, D)
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Kat(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, num_classes, embed_dim, depth, num_heads,
                 mlp_ratio=4.0):
        super().__init__()
        n = (img_size // patch_size) ** 2
        self.patch_embed = _Stem(in_chans, embed_dim, patch_size)
        self.cls_token = nn.Parameter(torch.randn(1, 1, embed_dim) * 1e-6)
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + n, embed_dim) * 0.02)
        hidden = int(embed_dim * mlp_ratio)
        self.blocks = nn.Sequential(*[_KatBlock(embed_dim, num_heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, x):  # (B, C, H, W)
        t = self.patch_embed(x)  # (B, N, D)
        t = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], 1) + self.pos_embed
        t = self.norm(self.blocks(t))  # (B, 1+N, D)
        return self.head(t[:, 0])  # (B, classes)


# ---------------------------------------------------------------------------------------------
# RepMLPNet, training structure (Java: blocks.repmlp.RepMlpNet)
# ---------------------------------------------------------------------------------------------


class _ConvBn(nn.Module):
    def __init__(self, cin, cout, k, s=1, p=0, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class _Gp(nn.Module):
    def __init__(self, c, reduce):
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // reduce, 1)
        self.fc2 = nn.Conv2d(c // reduce, c, 1)

    def forward(self, x):  # (B, C, H, W)
        return torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3), keepdim=True)))))  # (B, C, 1, 1)


class _RepMlpBlock(nn.Module):
    def __init__(self, c, h, w, s, ks, reduce):
        super().__init__()
        self.c, self.h, self.w, self.s, self.ks = c, h, w, s, list(ks)
        self.gp = _Gp(c, reduce)
        self.fc3 = nn.Conv2d(s * h * w, s * h * w, 1, groups=s, bias=False)
        self.fc3_bn = nn.BatchNorm2d(s)
        for k in ks:
            setattr(self, f"repconv{k}", _ConvBn(s, s, k, p=k // 2, groups=s))

    def forward(self, u):  # (N, C, H, W)
        n, c, hh, ww = u.shape
        h, w, s = self.h, self.w, self.s
        hp, wp = hh // h, ww // w
        g = self.gp(u)  # (N, C, 1, 1)
        p = u.reshape(n, c, hp, h, wp, w).permute(0, 2, 4, 1, 3, 5)  # (N, hp, wp, C, h, w)
        f = self.fc3_bn(self.fc3(p.reshape(-1, s * h * w, 1, 1)).reshape(-1, s, h, w))
        pc = p.reshape(-1, s, h, w)
        for k in self.ks:
            f = f + getattr(self, f"repconv{k}")(pc)
        out = f.reshape(-1, hp, wp, s, h, w).permute(0, 3, 1, 4, 2, 5).reshape(n, c, hh, ww)
        return out * g  # (N, C, H, W)


class _Ffn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ffn_fc1 = _ConvBn(c, 4 * c, 1)
        self.ffn_fc2 = _ConvBn(4 * c, c, 1)

    def forward(self, x):
        return self.ffn_fc2(F.gelu(self.ffn_fc1(x)))


class _RepUnit(nn.Module):
    def __init__(self, c, h, w, s, ks, reduce):
        super().__init__()
        self.prebn1 = nn.BatchNorm2d(c)
        self.repmlp_block = _RepMlpBlock(c, h, w, s, ks, reduce)
        self.prebn2 = nn.BatchNorm2d(c)
        self.ffn_block = _Ffn(c)

    def forward(self, x):  # (N, C, H, W)
        y = x + self.repmlp_block(self.prebn1(x))
        return y + self.ffn_block(self.prebn2(y))


class RepMlpNet(nn.Module):
    def __init__(self, in_channels, num_class, patch_size, num_blocks, channels, hs, ws,
                 sharesets_nums, reparam_conv_k, globalperceptron_reduce):
        super().__init__()
        self.conv_embedding = _ConvBn(in_channels, channels[0], patch_size, s=patch_size)
        self.embeds = nn.ModuleList(
            [_ConvBn(channels[i], channels[i + 1], 2, s=2) for i in range(len(channels) - 1)]
        )
        self.stages = nn.ModuleList(
            [
                nn.Sequential(
                    *[
                        _RepUnit(channels[i], hs[i], ws[i], sharesets_nums[i], reparam_conv_k,
                                 globalperceptron_reduce)
                        for _ in range(num_blocks[i])
                    ]
                )
                for i in range(len(channels))
            ]
        )
        self.head_norm = nn.BatchNorm2d(channels[-1])
        self.head = nn.Linear(channels[-1], num_class)

    def forward(self, x):  # (N, C, H, W)
        x = F.relu(self.conv_embedding(x))
        for i, st in enumerate(self.stages):
            x = st(x)
            if i < len(self.embeds):
                x = F.relu(self.embeds[i](x))
        return self.head(self.head_norm(x).mean((2, 3)))  # (N, classes)


# ---------------------------------------------------------------------------------------------
# Hourglass MLP (Java: blocks.hourglass.HourglassMlp), fixed random input projection
# ---------------------------------------------------------------------------------------------


class _ResMlp(nn.Module):
    def __init__(self, dz, dh):
        super().__init__()
        self.norm = nn.LayerNorm(dz)
        self.fc1 = nn.Linear(dz, dh)
        self.fc2 = nn.Linear(dh, dz)

    def forward(self, z):  # (B, d_z)
        return z + self.fc2(F.gelu(self.fc1(self.norm(z))))


class Hourglass(nn.Module):
    def __init__(self, dx, dz, dh, depth, dy, seed=0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        # fixed at its random initialisation, N(0, 1/d_x), never trained (as RandomProjection)
        self.input_projection = nn.Parameter(
            torch.randn(dz, dx, generator=gen) / math.sqrt(dx), requires_grad=False
        )
        self.blocks = nn.Sequential(*[_ResMlp(dz, dh) for _ in range(depth)])
        self.norm = nn.LayerNorm(dz)
        self.head = nn.Linear(dz, dy)

    def forward(self, x):  # (B, C, H, W) or (B, d_x)
        z = x.reshape(x.shape[0], -1) @ self.input_projection.t()  # (B, d_z)
        return self.head(self.norm(self.blocks(z)))  # (B, d_y)


# ---------------------------------------------------------------------------------------------
# Strip-MLP (Java: blocks.stripmlp.StripMlp, StripBlock, StripMixing)
# ---------------------------------------------------------------------------------------------


def _drop_path(x, rate, training):
    """Per-sample stochastic depth, as blocks.common.DropPath: keep a sample's branch with
    probability 1 - rate and scale it by 1 / (1 - rate); the identity in eval."""
    if not training or rate <= 0:
        return x
    keep = 1.0 - rate
    mask = (torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype) < keep).to(x.dtype)
    return x * (mask / keep)


class _PositionTable(nn.Module):
    """A relative-position table (2H + 1, C'); position (i, j) of channel c reads row j - i + H."""

    def __init__(self, size, channels):
        super().__init__()
        self.size = size
        self.embeddings_table = nn.Parameter(torch.randn(2 * size + 1, channels) * 0.02)
        idx = torch.arange(size)
        self.register_buffer("rows", (idx[None, :] - idx[:, None] + size).reshape(-1),
                             persistent=False)  # (H·H,) int64, not a state-dict entry

    def forward(self):
        h = self.size
        t = self.embeddings_table[self.rows]  # (H·H, C')
        return t.reshape(h, h, -1).permute(2, 0, 1).unsqueeze(0)  # (1, C', H, W)


def strip_groups(channels):
    """The strip group width Cg: int(C · 0.5 / p), p = 2 when C is a multiple of 80, else 4."""
    return int(channels * 0.5 / (2 if channels % 80 == 0 else 4))


class _Reweight(nn.Module):
    def __init__(self, half):
        super().__init__()
        self.fc1 = nn.Conv2d(half, half // 2, 1)
        self.fc2 = nn.Conv2d(half // 2, half * 3, 1)

    def forward(self, x):  # (N, C', 1, 1)
        return self.fc2(F.gelu(self.fc1(x)))  # (N, 3C', 1, 1)


class _StripMixing(nn.Module):
    """The token mixer smlp_block: half the channels through the cascade group strip mixing, the
    other half through the local strip mixing (depthwise (3,7) and (7,3) convolutions reweighted by
    a softmax over three branches), fused by a 1x1 convolution."""

    def __init__(self, channels, size):
        super().__init__()
        half = channels // 2
        g = strip_groups(channels)
        self.channels, self.size, self.groups = channels, size, g
        self.mlp = nn.Sequential(nn.Conv2d(channels, channels, 1), nn.BatchNorm2d(channels))
        # grouped (1, 3) convolutions over the conv channels g·W + w (proj_h) and g·H + h (proj_w)
        self.proj_h = nn.Conv2d(g * size, g * size, (1, 3), padding=(0, 1), groups=g)
        self.proj_w = nn.Conv2d(g * size, g * size, (1, 3), padding=(0, 1), groups=g)
        self.fuse_h = nn.Conv2d(channels, half, 1, bias=False)
        self.fuse_w = nn.Conv2d(channels, half, 1, bias=False)
        self.relate_pos_h = _PositionTable(size, half)
        self.relate_pos_w = _PositionTable(size, half)
        self.BN = nn.BatchNorm2d(half)
        self.fc_h = nn.Conv2d(half, half, (3, 7), padding=(1, 3), groups=half, bias=False)
        self.fc_w = nn.Conv2d(half, half, (7, 3), padding=(3, 1), groups=half, bias=False)
        self.reweight = _Reweight(half)
        self.fuse = nn.Conv2d(channels, channels, 1, bias=False)

    def strip(self, x):  # (N, C', H, W), channel c = c1·Cg + g
        n, half, h, _ = x.shape
        cg = self.groups
        c1 = half // cg
        xh = x + self.relate_pos_h()  # (N, C', H, W)
        xh = xh.reshape(n, c1, cg, h, h).permute(0, 2, 4, 1, 3).reshape(n, cg * h, c1, h)
        xh = self.proj_h(xh)  # (N, Cg·W, C1, H): mixes W within a group, a 3-row window over H
        xh = xh.reshape(n, cg, h, c1, h).permute(0, 3, 1, 4, 2).reshape(n, half, h, h)
        y = F.gelu(self.BN(self.fuse_h(torch.cat([xh, x], 1)))) + self.relate_pos_w()  # (N, C', H, W)
        xw = y.reshape(n, c1, cg * h, h).transpose(1, 2)  # (N, Cg·H, C1, W)
        xw = self.proj_w(xw)  # (N, Cg·H, C1, W): mixes H within a group, a 3-column window over W
        xw = xw.transpose(1, 2).reshape(n, half, h, h)  # (N, C', H, W)
        return self.fuse_w(torch.cat([x, xw], 1))  # (N, C', H, W)

    def forward(self, x):  # (N, C, H, W)
        n = x.shape[0]
        half = self.channels // 2
        u = F.gelu(self.mlp(x))  # (N, C, H, W)
        x1, x2 = u[:, :half], u[:, half:]  # (N, C', H, W) each
        x1 = self.strip(x1)
        a = self.fc_h(x2)  # (N, C', H, W)
        b = self.fc_w(x2)  # (N, C', H, W)
        att = self.reweight((a + b + x2).mean((2, 3), keepdim=True))  # (N, 3C', 1, 1)
        att = att.reshape(n, half, 3).softmax(2)  # (N, C', 3): channel c takes 3c .. 3c + 2
        w = att.reshape(n, half, 3, 1, 1)
        x2 = b * w[:, :, 0] + a * w[:, :, 1] + x2 * w[:, :, 2]  # (N, C', H, W)
        return self.fuse(torch.cat([x1, x2], 1))  # (N, C, H, W)


class _ConvMerge(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.BN = nn.BatchNorm2d(c)
        self.Conv = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)

    def forward(self, x):  # (N, C, H, W)
        return self.Conv(F.gelu(self.BN(x)))


class _Dwsc(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_merge = _ConvMerge(c)

    def forward(self, x):
        return self.conv_merge(x)


class _TokenMixing(nn.Module):
    def __init__(self, c, size):
        super().__init__()
        self.dwsc = _Dwsc(c)
        self.smlp_block = _StripMixing(c, size)

    def forward(self, x):  # (N, C, H, W)
        return self.smlp_block(self.dwsc(x))


class _Grn(nn.Module):
    """Global response normalisation over (N, H, W, F): u + gamma · u · G / (mean_F(G) + 1e-6) +
    beta, G the L2 norm of each feature over H, W."""

    def __init__(self, f):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, f))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, f))

    def forward(self, u):  # (N, H, W, F)
        g = torch.norm(u, p=2, dim=(1, 2), keepdim=True)  # (N, 1, 1, F)
        nx = g / (g.mean(-1, keepdim=True) + 1e-6)  # (N, 1, 1, F)
        return self.gamma * (u * nx) + self.beta + u


class _ChannelMixing(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_77 = nn.Conv2d(c, c, 7, padding=3, groups=c, bias=False)
        self.layer_norm = nn.LayerNorm(c, eps=1e-5)
        self.fc1 = nn.Linear(c, 3 * c)
        self.grn = _Grn(3 * c)
        self.fc2 = nn.Linear(3 * c, c)

    def forward(self, x):  # (N, C, H, W)
        u = self.conv_77(x).permute(0, 2, 3, 1)  # (N, H, W, C)
        u = self.grn(F.gelu(self.fc1(self.layer_norm(u))))  # (N, H, W, 3C)
        return self.fc2(u).permute(0, 3, 1, 2)  # (N, C, H, W)


class _StripBlock(nn.Module):
    DROP_PATH = 0.1  # the reference's hard-coded stochastic depth, as StripBlock.DROP_PATH

    def __init__(self, c, size):
        super().__init__()
        self.token_mixing = _TokenMixing(c, size)
        self.channel_mixing = _ChannelMixing(c)

    def forward(self, x):  # (N, C, H, W)
        x = x + _drop_path(self.token_mixing(x), self.DROP_PATH, self.training)
        return x + _drop_path(self.channel_mixing(x), self.DROP_PATH, self.training)


class StripMlp(nn.Module):
    """Strip-MLP (Cao et al. 2023): four stages at E, 2E, 4E, 8E channels and R, R/2, R/4, R/8
    pixels (R = img / patch, the 2x2 stride-2 merges rounding down), with the grouped shortcut
    convolutions conv_s1_28, conv_s1_14, conv_s2_14 into stages 3 and 4; BatchNorm, mean, head."""

    def __init__(self, img_size, patch_size, in_chans, num_classes, embed_dim, layers):
        super().__init__()
        e, r = embed_dim, img_size // patch_size
        self.patch_embed = nn.Conv2d(in_chans, e, patch_size, stride=patch_size, bias=False)
        for s in range(4):
            blocks = nn.Sequential(*[_StripBlock(e << s, r >> s) for _ in range(layers[s])])
            setattr(self, f"blocks{s + 1}", blocks)
        for s in range(3):
            setattr(self, f"merging{s + 1}", nn.Conv2d(e << s, e << (s + 1), 2, stride=2, bias=False))
        self.conv_s1_28 = nn.Conv2d(2 * e, 4 * e, 2, stride=2, groups=2 * e, bias=False)
        self.conv_s1_14 = nn.Conv2d(4 * e, 8 * e, 2, stride=2, groups=4 * e, bias=False)
        self.conv_s2_14 = nn.Conv2d(4 * e, 8 * e, 2, stride=2, groups=4 * e, bias=False)
        self.norm = nn.BatchNorm2d(8 * e)
        self.head = nn.Linear(8 * e, num_classes)

    def forward(self, x):  # (N, C, H, W)
        x = self.blocks1(self.patch_embed(x))  # (N, E, R, R)
        x = self.merging1(x)  # (N, 2E, R/2, R/2)
        s1_14 = self.conv_s1_28(x)  # (N, 4E, R/4, R/4)
        s1_7 = self.conv_s1_14(s1_14)  # (N, 8E, R/8, R/8)
        x = self.merging2(self.blocks2(x))  # (N, 4E, R/4, R/4)
        s2_7 = self.conv_s2_14(x)  # (N, 8E, R/8, R/8)
        x = self.merging3(self.blocks3(x + s1_14))  # (N, 8E, R/8, R/8)
        x = self.blocks4(x + s1_7 + s2_7)  # (N, 8E, R/8, R/8)
        return self.head(self.norm(x).mean((2, 3)))  # (N, classes)


# ---------------------------------------------------------------------------------------------
# The Fashion-MNIST configurations (model-configs/src/main/resources/.../variants/*_fmnist.json)
# ---------------------------------------------------------------------------------------------


def fmnist(name):
    """Builds the twin of the zoo variant ``name`` (e.g. 'gmixer_fmnist'), input (B, 1, 28, 28)."""
    if name == "gmixer_fmnist":
        return GMixer(28, 1, 4, 8, 64, (1.0, 4.0), 10)
    if name == "poolformer_fmnist":
        return PoolFormer(1, [1, 2, 4, 1], [32, 48, 64, 96], 10)
    if name == "ms_mlp_fmnist":
        return MsMlp(1, 4, 64, [8], 5, [-2, -1, 0, 1, 2], [[1, 1, 3, 5, 7]], 4.0, 10)
    if name == "raft_mlp_fmnist":
        return RaftMlp([{"depth": 8, "dim": 64, "patch_size": 4, "raft_size": 2}], 1, 28, 10)
    if name == "ninformer_fmnist":
        return NiNformer(1, 4, 64, 128, 49, 4, 10)
    if name == "activator_fmnist":
        return Activator(1, 14, 128, 256, 4, 10)
    if name == "scaling_mlp_fmnist":
        return ScalingMlp(784, 10, [[1024, 256]] * 3)
    if name == "kat_fmnist":
        return Kat(28, 7, 1, 10, 128, 6, 4, 4.0)
    if name == "repmlp_fmnist":
        return RepMlpNet(1, 10, 4, [2, 2], [64, 128], [7, 3], [7, 3], [8, 16], [1, 3], 4)
    if name == "hourglass_fmnist":
        return Hourglass(784, 1024, 128, 5, 10)
    if name == "strip_mlp_fmnist":
        return StripMlp(28, 2, 1, 10, 16, [1, 1, 3, 1])
    raise ValueError(f"unknown Fashion-MNIST variant '{name}'")


FMNIST = [
    "gmixer_fmnist", "poolformer_fmnist", "ms_mlp_fmnist", "raft_mlp_fmnist", "repmlp_fmnist",
    "ninformer_fmnist", "activator_fmnist", "scaling_mlp_fmnist", "hourglass_fmnist", "kat_fmnist",
    "strip_mlp_fmnist",
]
