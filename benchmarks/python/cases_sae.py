"""The PyTorch reference of the newer SAE cases (SaeCases.java): sae_matryoshka_train, one
SaeTrainer.step of a Matryoshka BatchTopK SAE (Bussmann et al. 2025) with d_in 512, 8192 latents
in groups 512, 1536, 6144, k 32 per row, batch 1024, written out as the Java trainer computes it:
pre = (x - b_dec) W_enc + b_enc; the k N largest ReLU'd values of the whole batch kept (dense
latents), the inference threshold moved towards their smallest positive value; the full
reconstruction z W_dec + b_dec and each inner prefix's z[:, :m] W_dec[:m] + b_dec; loss = the
full reconstruction's mean summed squared error plus the inner prefixes' (SAELens' form; AuxK is
zero while no latent is dead); backward; the decoder gradient's component along each row
removed; Adam (lr 4e-4, betas (0.9, 0.999)); decoder rows renormalised; firing counts. Our own
code."""

import torch
import torch.nn as nn
import torch.nn.functional as F

D_IN, D_SAE, GROUPS, K, BATCH = 512, 8192, (512, 1536, 6144), 32, 1024


def sae_matryoshka_train():
    x = torch.randn(BATCH, D_IN)
    w = torch.randn(D_SAE, D_IN)
    w_dec = nn.Parameter(w / w.norm(dim=1, keepdim=True))
    w_enc = nn.Parameter(w_dec.detach().t().clone())  # tied init
    b_enc = nn.Parameter(torch.zeros(D_SAE))
    b_dec = nn.Parameter(x.mean(0))  # bDecInit MEAN
    params = [w_enc, b_enc, w_dec, b_dec]
    opt = torch.optim.Adam(params, lr=4e-4, betas=(0.9, 0.999))
    threshold = torch.zeros(())
    since_fired = torch.zeros(D_SAE, dtype=torch.long)
    bounds = [sum(GROUPS[:i + 1]) for i in range(len(GROUPS))]

    def step():
        opt.zero_grad(set_to_none=True)
        pre = (x - b_dec) @ w_enc + b_enc  # (N, F)
        acts = F.relu(pre).reshape(-1)
        vals, idx = acts.topk(K * BATCH)  # (k N)
        z = torch.zeros(BATCH * D_SAE).scatter(0, idx, vals).reshape(BATCH, D_SAE)  # (N, F)
        with torch.no_grad():
            positive = vals[vals > 0]
            if positive.numel() > 0:
                threshold.mul_(0.999).add_(0.001 * positive.min())
        full = z @ w_dec + b_dec  # (N, D)
        loss = (full - x).pow(2).sum(1).mean()
        rec, start = None, 0
        for end in bounds[:-1]:
            part = z[:, start:end] @ w_dec[start:end]  # (N, D)
            rec = part + b_dec if rec is None else rec + part
            loss = loss + (rec - x).pow(2).sum(1).mean()
            start = end
        loss.backward()
        with torch.no_grad():
            g = w_dec.grad
            g -= (g * w_dec).sum(1, keepdim=True) * w_dec
            opt.step()
            w_dec.div_(w_dec.norm(dim=1, keepdim=True))
            fired = (z > 0).any(0)
            since_fired.add_(BATCH).masked_fill_(fired, 0)
        if not torch.isfinite(loss):
            raise RuntimeError("sae_matryoshka_train: loss is %s" % loss.item())

    n = sum(p.numel() for p in params)
    return step, 3, 20, {"params": lambda ms: n}


CASES = {"sae_matryoshka_train": sae_matryoshka_train}
