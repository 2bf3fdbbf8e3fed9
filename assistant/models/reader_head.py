"""The reader's head (torch): what training builds and the export applies. Kept apart from
``models.reader`` so that reading — ONNX Runtime only — never imports torch (~500 MB in the web app)."""

from __future__ import annotations

import torch
from torch import nn


class Head(nn.Module):
    """Mean-pooled hidden state → one logit."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.proj = nn.Linear(hidden, 1)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.proj(pooled).squeeze(-1)
