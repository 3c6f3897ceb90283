"""The PyTorch reference of the MiniLM cases (NlpCases.java): a BERT encoder at
all-MiniLM-L6-v2's sizes (vocabulary 30522, 512 positions, 6 layers, width 384, 12 heads, MLP
1536, GELU, LayerNorm eps 1e-12, post-norm), mean pooling over the attention mask and L2
normalisation, on a batch of 32 sentences of 64 tokens. Our own code, with random weights (the
weights do not change the time); the token ids are random and the tokenizer is not run (the Java
step includes Hugging Face's tokenizer, a small part of its time). Both Java cases,
minilm_embed_pytorch and minilm_embed_onnxruntime, have this same reference."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from benchlib import param_count

VOCAB, POSITIONS, LAYERS, WIDTH, HEADS, MLP, EPS = 30522, 512, 6, 384, 12, 1536, 1e-12
BATCH, TOKENS = 32, 64


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(WIDTH, WIDTH)
        self.key = nn.Linear(WIDTH, WIDTH)
        self.value = nn.Linear(WIDTH, WIDTH)
        self.attention_output = nn.Linear(WIDTH, WIDTH)
        self.attention_norm = nn.LayerNorm(WIDTH, eps=EPS)
        self.intermediate = nn.Linear(WIDTH, MLP)
        self.output = nn.Linear(MLP, WIDTH)
        self.output_norm = nn.LayerNorm(WIDTH, eps=EPS)

    def forward(self, x, bias):  # (B, T, H), (B, 1, 1, T)
        b, t, _ = x.shape
        d = WIDTH // HEADS

        def heads(y):  # (B, T, H) -> (B, heads, T, d)
            return y.view(b, t, HEADS, d).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias  # (B, heads, T, T)
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, WIDTH)  # (B, T, H)
        x = self.attention_norm(x + self.attention_output(ctx))
        return self.output_norm(x + self.output(F.gelu(self.intermediate(x))))


class MiniLm(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(VOCAB, WIDTH)
        self.position = nn.Embedding(POSITIONS, WIDTH)
        self.token_type = nn.Embedding(2, WIDTH)
        self.norm = nn.LayerNorm(WIDTH, eps=EPS)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, ids, mask, types):  # (B, T) each
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.norm(self.word(ids) + self.position(pos) + self.token_type(types))  # (B, T, H)
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).float()  # (B, T, 1)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)  # (B, H)
        return F.normalize(pooled, p=2, dim=1)


def minilm_embed():
    model = MiniLm()
    model.eval()
    ids = torch.randint(0, VOCAB, (BATCH, TOKENS))
    mask = torch.ones(BATCH, TOKENS, dtype=torch.long)
    types = torch.zeros(BATCH, TOKENS, dtype=torch.long)

    def step():
        with torch.no_grad():
            model(ids, mask, types)

    n = param_count(model)
    return step, 3, 20, {"sentences_per_s": lambda ms: "%.1f" % (BATCH / (ms / 1e3)),
                         "params": lambda ms: n}


CASES = {"minilm_embed_pytorch": minilm_embed, "minilm_embed_onnxruntime": minilm_embed}
