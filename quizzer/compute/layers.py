"""Parameter counts of dense and recurrent layers, exactly as ``torch.nn`` allocates them.

Counting parameters is a classic interview check: weights ``in * out`` plus biases for a dense
layer; for recurrent layers, input-to-hidden *and* hidden-to-hidden (recurrent) weights per gate.
Per layer and direction, with ``G`` gates (RNN 1, GRU 3, LSTM 4; Goodfellow et al., *Deep
Learning*, 10.2 and 10.10), PyTorch allocates

- ``weight_ih``: ``(G*hidden, layer_input)`` and ``weight_hh``: ``(G*hidden, hidden)``;
- ``bias_ih`` *and* ``bias_hh``: ``G*hidden`` each, **two** bias vectors (``bias=True``);
- for an LSTM with ``proj_size > 0``, ``weight_hr``: ``(proj_size, hidden)``, and the recurrent
  input and the layer output have size ``proj_size`` (Sak et al. 2014).

Layer ``k > 0`` reads the previous layer's output: ``hidden`` (or ``proj_size``) times the number
of directions.  For RNN and LSTM the two bias vectors only ever appear summed, so one would do;
that is what Keras (``SimpleRNN``, ``LSTM``) and the textbook equations use.  The GRU is different:
torch applies the reset gate after the recurrent product, ``r * (W_hn h + b_hn)``, so ``b_hn`` is
not redundant; Keras's ``GRU`` with ``reset_after=True`` (its default) also keeps two bias
vectors, with ``reset_after=False`` one.  ``bias`` selects the convention: ``True``/``"torch"``
(two vectors), ``"single"`` (one vector), ``False`` (none).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence

__all__ = ["gru_params", "linear_params", "lstm_params", "mlp_params", "rnn_params"]

Bias = bool | str

_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def _size(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _bias_vectors(bias: Bias, two: int) -> int:
    if bias is True or bias == "torch":
        return two
    if bias == "single":
        return 1
    if bias is False:
        return 0
    raise ValueError(f"bias must be True, False, 'torch' (two vectors) or 'single' (one vector), got {bias!r}")


def linear_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """``in * out`` weights plus ``out`` biases, as ``torch.nn.Linear``."""
    i = _size(in_features, "in_features", 0)
    o = _size(out_features, "out_features", 0)
    if not isinstance(bias, bool):
        raise ValueError(f"bias must be True or False for a dense layer, got {bias!r}")
    return i * o + (o if bias else 0)


def mlp_params(sizes: Sequence[int], bias: bool = True) -> int:
    """Parameters of dense layers ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``.

    ``sum_k (sizes[k] * sizes[k+1] + sizes[k+1])``: each layer's bias has one entry per *output*.
    """
    dims = list(sizes)
    if len(dims) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {dims}")
    return sum(linear_params(a, b, bias) for a, b in itertools.pairwise(dims))


def _recurrent(
    mode: str, input_size: int, hidden_size: int, num_layers: int, bias: Bias, bidirectional: bool, proj_size: int = 0
) -> int:
    gates = _GATES[mode]
    i = _size(input_size, "input_size")
    h = _size(hidden_size, "hidden_size")
    layers = _size(num_layers, "num_layers")
    p = _size(proj_size, "proj_size", 0)
    if p >= h:
        raise ValueError(f"proj_size must be smaller than hidden_size, got proj_size={p}, hidden_size={h}")
    if not isinstance(bidirectional, bool):
        raise ValueError(f"bidirectional must be True or False, got {bidirectional!r}")
    directions = 2 if bidirectional else 1
    out = p or h  # size of the hidden state fed back and passed on
    nb = _bias_vectors(bias, 2)
    total = 0
    for k in range(layers):
        layer_input = i if k == 0 else out * directions
        per_direction = gates * h * layer_input + gates * h * out + nb * gates * h + p * h
        total += directions * per_direction
    return total


def rnn_params(input_size: int, hidden_size: int, num_layers: int = 1, bias: Bias = True, bidirectional: bool = False) -> int:
    """Parameters of ``torch.nn.RNN``: per layer and direction ``H*in + H*H + 2H`` (one gate)."""
    return _recurrent("RNN", input_size, hidden_size, num_layers, bias, bidirectional)


def lstm_params(
    input_size: int, hidden_size: int, num_layers: int = 1, bias: Bias = True, bidirectional: bool = False, proj_size: int = 0
) -> int:
    """Parameters of ``torch.nn.LSTM``: per layer and direction ``4H*in + 4H*H + 8H`` (4 gates, 2 biases).

    The four blocks are the input, forget, cell and output gates (Hochreiter & Schmidhuber 1997,
    forget gate from Gers et al. 2000).  Keras's ``LSTM`` has one bias: ``4H*in + 4H*H + 4H``.
    """
    return _recurrent("LSTM", input_size, hidden_size, num_layers, bias, bidirectional, proj_size)


def gru_params(input_size: int, hidden_size: int, num_layers: int = 1, bias: Bias = True, bidirectional: bool = False) -> int:
    """Parameters of ``torch.nn.GRU``: per layer and direction ``3H*in + 3H*H + 6H`` (3 blocks, 2 biases).

    Reset gate, update gate and candidate state (Cho et al. 2014).
    """
    return _recurrent("GRU", input_size, hidden_size, num_layers, bias, bidirectional)
