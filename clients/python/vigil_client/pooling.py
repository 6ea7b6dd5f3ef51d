"""The embedding of the Aporia guide, made correct for padded batches.

The guide logs ``torch.mean(hidden_states[-1], dim=1)``: the mean over every position, padding
included, so a short text in a padded batch gets a different embedding than alone. Vigil's served
model (and this helper) weight the mean by the attention mask instead.
"""

from __future__ import annotations

from typing import Any, List, Sequence, Union

Vector = List[float]


def _to_nested(x: Any) -> Any:
    """torch tensors, numpy arrays and anything else with ``tolist()`` become nested lists."""
    if hasattr(x, "detach"):  # torch.Tensor, without importing torch
        x = x.detach().cpu()
    if hasattr(x, "tolist"):
        return x.tolist()
    return x


def _is_numpy(x: Any) -> bool:
    return type(x).__module__.split(".")[0] == "numpy"


def _pool_one(hidden: Sequence[Sequence[float]], mask: Sequence[float]) -> Vector:
    if len(hidden) != len(mask):
        raise ValueError(f"hidden states have {len(hidden)} positions but the mask has {len(mask)}")
    width = len(hidden[0]) if hidden else 0
    total = [0.0] * width
    weight = 0.0
    for row, m in zip(hidden, mask):
        m = float(m)
        if m == 0.0:
            continue
        if len(row) != width:
            raise ValueError("every position must have the same hidden size")
        weight += m
        for j, v in enumerate(row):
            total[j] += m * float(v)
    if weight == 0.0:
        raise ValueError("the attention mask is all zeros: no token to average")
    return [t / weight for t in total]


def mean_pool(last_hidden_state: Any, attention_mask: Any) -> Union[Vector, List[Vector]]:
    """Attention-mask-weighted mean of the last hidden state.

    ``last_hidden_state`` is ``[batch, seq, hidden]`` (returns one list of floats per text) or
    ``[seq, hidden]`` (returns one list of floats); ``attention_mask`` is ``[batch, seq]`` or
    ``[seq]``. Accepts numpy arrays (vectorised), torch tensors and plain nested lists.
    """
    if _is_numpy(last_hidden_state):
        import numpy as np  # only when the caller already has numpy arrays

        h = np.asarray(last_hidden_state, dtype=np.float64)
        m = np.asarray(attention_mask, dtype=np.float64)
        if h.shape[:-1] != m.shape:
            raise ValueError(f"hidden states {h.shape} do not match the attention mask {m.shape}")
        weight = m.sum(axis=-1, keepdims=True)
        if (weight == 0).any():
            raise ValueError("the attention mask is all zeros: no token to average")
        return ((h * m[..., None]).sum(axis=-2) / weight).tolist()
    hidden = _to_nested(last_hidden_state)
    mask = _to_nested(attention_mask)
    if not hidden:
        raise ValueError("no hidden states")
    if isinstance(hidden[0][0], (list, tuple)):
        if len(hidden) != len(mask):
            raise ValueError(f"{len(hidden)} texts of hidden states but {len(mask)} attention masks")
        return [_pool_one(h, m) for h, m in zip(hidden, mask)]
    return _pool_one(hidden, mask)
