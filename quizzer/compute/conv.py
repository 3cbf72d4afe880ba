"""Shapes, parameter counts and costs of convolution and pooling layers.

Interview questions about convolutions are mostly arithmetic on a handful of formulas, and the
formulas are easy to get subtly wrong (padding on one side, a forgotten dilation, ceil instead of
floor).  This module is the reference those exercises are checked against: every function uses
PyTorch's argument names and semantics, rejects the configurations PyTorch rejects (with a message
naming the rule), and is cross-checked against real ``torch.nn`` layers by ``quizzer.verify``.

Sizes are an ``int`` or a tuple with one entry per spatial dimension.  An ``int`` argument is
broadcast like ``torch.nn.Conv2d(3, 8, kernel_size=3)`` broadcasts it; the result is an ``int``
when every size argument is an ``int`` and a tuple otherwise.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "FieldStep",
    "Size",
    "conv_macs",
    "conv_output_size",
    "conv_params",
    "conv_transpose_output_size",
    "pool_output_size",
    "receptive_field",
    "receptive_field_steps",
]

Size = int | tuple[int, ...]


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # accepts numpy integers, rejects 3.0
    except TypeError:
        raise ValueError(f"{name} must be an integer or a tuple of integers, got {value!r}") from None


def _broadcast(**sizes: object) -> tuple[int | None, dict[str, tuple[int, ...]]]:
    """Turn int-or-tuple arguments into tuples of one common length.

    Returns ``(ndim, tuples)`` where ``ndim`` is None when every argument was a plain int (the
    caller then returns a plain int).
    """
    ndim = None
    for name, value in sizes.items():
        if isinstance(value, (tuple, list)):
            if len(value) == 0:
                raise ValueError(f"{name} must not be an empty tuple")
            if ndim is not None and len(value) != ndim:
                raise ValueError(
                    f"{name} has {len(value)} entries but another size argument has {ndim}; "
                    "give one entry per spatial dimension"
                )
            ndim = len(value)
    n = ndim or 1
    out = {}
    for name, value in sizes.items():
        if isinstance(value, (tuple, list)):
            out[name] = tuple(_as_int(name, v) for v in value)
        else:
            out[name] = (_as_int(name, value),) * n
    return ndim, out


def _shape(ndim: int | None, values: list[int]) -> Size:
    return values[0] if ndim is None else tuple(values)


def _check_common(kernel_size: int, stride: int, dilation: int, input_size: int | None = None) -> None:
    if input_size is not None and input_size < 1:
        raise ValueError(f"input_size must be >= 1, got {input_size}")
    if kernel_size < 1:
        raise ValueError(f"kernel_size must be >= 1, got {kernel_size}")
    if stride < 1:
        raise ValueError(f"stride must be >= 1 (non-positive stride is not supported), got {stride}")
    if dilation < 1:
        raise ValueError(f"dilation must be >= 1, got {dilation}")


def _check_padding(padding: int) -> None:
    if padding < 0:
        raise ValueError(f"padding must be >= 0 (negative padding is not supported), got {padding}")


def conv_output_size(
    input_size: Size,
    kernel_size: Size,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
) -> Size:
    """Output size of ``torch.nn.ConvNd``: ``floor((i + 2p - d(k-1) - 1) / s) + 1`` per dimension.

    ``d(k-1)+1`` is the width the dilated kernel actually covers and ``2p`` counts the zeros added
    on *both* sides; an incomplete last window is dropped, hence the floor.  ``padding='valid'``
    is ``padding=0``; ``padding='same'`` keeps the size and, as in PyTorch, needs stride 1.
    """
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be an int, a tuple of ints, 'same' or 'valid', got {padding!r}")
        ndim, t = _broadcast(input_size=input_size, kernel_size=kernel_size, stride=stride, dilation=dilation)
        if padding == "same" and any(s != 1 for s in t["stride"]):
            raise ValueError("padding='same' is not supported for strided convolutions: stride must be 1")
        for i, k, s, d in zip(t["input_size"], t["kernel_size"], t["stride"], t["dilation"], strict=True):
            _check_common(k, s, d, i)
        if padding == "same":
            return _shape(ndim, list(t["input_size"]))
        return conv_output_size(input_size, kernel_size, stride, 0, dilation)

    ndim, t = _broadcast(
        input_size=input_size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation
    )
    out = []
    for i, k, s, p, d in zip(t["input_size"], t["kernel_size"], t["stride"], t["padding"], t["dilation"], strict=True):
        _check_common(k, s, d, i)
        _check_padding(p)
        span = d * (k - 1) + 1
        if span > i + 2 * p:
            raise ValueError(
                f"kernel larger than the padded input: dilation*(kernel_size-1)+1 = {span} > "
                f"input_size + 2*padding = {i + 2 * p}, so the output would be empty"
            )
        out.append((i + 2 * p - span) // s + 1)
    return _shape(ndim, out)


def conv_transpose_output_size(
    input_size: Size,
    kernel_size: Size,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    dilation: Size = 1,
) -> Size:
    """Output size of ``torch.nn.ConvTransposeNd``: ``(i-1)s - 2p + d(k-1) + output_padding + 1``.

    A transposed convolution maps back to the sizes a convolution with the same arguments maps
    from.  Because the forward formula floors, several input sizes give the same output; the
    ``output_padding`` (added on one side only) picks among them, so PyTorch requires it to be
    smaller than the stride or than the dilation.  Here ``padding`` *removes* rows, so the output
    can be empty, which is an error.
    """
    if isinstance(padding, str):
        raise ValueError("padding of a transposed convolution must be an int or a tuple of ints, not a string")
    ndim, t = _broadcast(
        input_size=input_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    out = []
    for i, k, s, p, op, d in zip(
        t["input_size"], t["kernel_size"], t["stride"], t["padding"], t["output_padding"], t["dilation"], strict=True
    ):
        _check_common(k, s, d, i)
        _check_padding(p)
        if op < 0:
            raise ValueError(f"output_padding must be >= 0, got {op}")
        if op >= s and op >= d:
            raise ValueError(
                f"output_padding must be smaller than either stride or dilation, "
                f"got output_padding={op}, stride={s}, dilation={d}"
            )
        o = (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        if o < 1:
            raise ValueError(
                f"output size (i-1)*stride - 2*padding + dilation*(kernel_size-1) + output_padding + 1 "
                f"= {o} is not positive; use less padding"
            )
        out.append(o)
    return _shape(ndim, out)


def pool_output_size(
    input_size: Size,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
) -> Size:
    """Output size of ``torch.nn.MaxPoolNd`` (and of ``AvgPoolNd``, which has no dilation).

    ``stride`` defaults to ``kernel_size`` (non-overlapping windows), unlike convolutions.
    ``padding`` may be at most ``kernel_size // 2``: a window made only of padding has no
    maximum.  With ``ceil_mode=True`` the division rounds up, so a last partial window is kept;
    but a window that would *start* inside the right padding is still dropped, which is why
    ``ceil_mode`` sometimes gives the same size as floor.
    """
    if stride is None:
        stride = kernel_size
    ndim, t = _broadcast(
        input_size=input_size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation
    )
    out = []
    for i, k, s, p, d in zip(t["input_size"], t["kernel_size"], t["stride"], t["padding"], t["dilation"], strict=True):
        _check_common(k, s, d, i)
        _check_padding(p)
        if p > k // 2:
            raise ValueError(
                f"padding must be at most half of kernel_size (padding <= kernel_size // 2), "
                f"got padding={p}, kernel_size={k}"
            )
        numerator = i + 2 * p - d * (k - 1) - 1
        o = (numerator + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (o - 1) * s >= i + p:
            o -= 1  # the last window would start in the right padding
        if o < 1:
            raise ValueError(
                f"output size {o} is not positive: the dilated kernel d*(k-1)+1 = {d * (k - 1) + 1} "
                f"does not fit in input_size + 2*padding = {i + 2 * p}"
            )
        out.append(o)
    return _shape(ndim, out)


def _channels(in_channels: int, out_channels: int, groups: int) -> tuple[int, int, int]:
    cin, cout, g = _as_int("in_channels", in_channels), _as_int("out_channels", out_channels), _as_int("groups", groups)
    if cin < 1 or cout < 1:
        raise ValueError(f"in_channels and out_channels must be >= 1, got {cin} and {cout}")
    if g < 1:
        raise ValueError(f"groups must be >= 1, got {g}")
    if cin % g:
        raise ValueError(f"in_channels must be divisible by groups (in_channels={cin}, groups={g})")
    if cout % g:
        raise ValueError(f"out_channels must be divisible by groups (out_channels={cout}, groups={g})")
    return cin, cout, g


def _kernel_tuple(kernel_size: Size, dims: int | None) -> tuple[int, ...]:
    if isinstance(kernel_size, (tuple, list)):
        if dims is not None and len(kernel_size) != dims:
            raise ValueError(f"kernel_size has {len(kernel_size)} entries but dims={dims}")
        _, t = _broadcast(kernel_size=kernel_size)
        kernel = t["kernel_size"]
    else:
        kernel = (_as_int("kernel_size", kernel_size),) * (2 if dims is None else dims)
    if any(k < 1 for k in kernel):
        raise ValueError(f"kernel_size must be >= 1, got {kernel_size}")
    return kernel


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel_size: Size,
    groups: int = 1,
    bias: bool = True,
    dims: int | None = None,
) -> int:
    """Learnable parameters of ``torch.nn.ConvNd``: ``out * (in/groups) * prod(k) + out`` (bias).

    Each of the ``out_channels`` filters sees only the ``in_channels / groups`` channels of its
    group, which is why grouped and depthwise convolutions are cheap.  An ``int`` kernel_size is a
    square kernel in ``dims`` spatial dimensions (2 unless given, as in "a 3x3 conv").
    """
    cin, cout, g = _channels(in_channels, out_channels, groups)
    kernel = _kernel_tuple(kernel_size, dims)
    return cout * (cin // g) * math.prod(kernel) + (cout if bias else 0)


def conv_macs(
    in_channels: int,
    out_channels: int,
    kernel_size: Size,
    input_size: Size,
    stride: Size = 1,
    padding: Size | str = 0,
    dilation: Size = 1,
    groups: int = 1,
    dims: int | None = None,
) -> int:
    """Multiply-accumulates of one forward pass of ``torch.nn.ConvNd`` on a batch of one.

    Every output value is a dot product of length ``(in/groups) * prod(k)``, so the count is
    ``out * prod(output size) * (in/groups) * prod(k)``.  Taps that land on zero padding are
    counted, as a dense implementation computes them; bias additions are *not* counted (they are
    one add per output, negligible, and conventions differ).  FLOPs are usually quoted as
    ``2 * MACs``.  With all-int sizes the input is square in ``dims`` dimensions (default 2).
    """
    cin, cout, g = _channels(in_channels, out_channels, groups)
    sizes = {"input_size": input_size, "kernel_size": kernel_size, "stride": stride, "dilation": dilation}
    if not isinstance(padding, str):
        sizes["padding"] = padding
    lengths = {len(v) for v in sizes.values() if isinstance(v, (tuple, list))}
    if len(lengths) > 1:
        raise ValueError("size arguments have different numbers of entries; give one per spatial dimension")
    n = lengths.pop() if lengths else (2 if dims is None else dims)
    if dims is not None and n != dims:
        raise ValueError(f"size arguments have {n} entries but dims={dims}")

    def full(v: object) -> object:
        return v if isinstance(v, (tuple, list, str)) else (v,) * n

    out = conv_output_size(full(input_size), full(kernel_size), full(stride), full(padding), full(dilation))
    kernel = _kernel_tuple(full(kernel_size), n)
    return cout * math.prod(out) * (cin // g) * math.prod(kernel)


@dataclass(frozen=True)
class FieldStep:
    """Geometry after one layer of a stack, in input pixels.

    ``receptive_field``: how many input pixels one output unit spans (its extent, holes included);
    ``jump``: distance in input pixels between neighbouring output units (product of strides);
    ``start``: input coordinate (pixel centres at 0, 1, 2, ...) of the centre of output unit 0.
    """

    receptive_field: int
    jump: int
    start: float


def receptive_field_steps(layers: Sequence[Sequence[int]]) -> list[FieldStep]:
    """Receptive field, jump and start after each layer of a 1-D stack.

    Each layer is ``(kernel_size, stride)``, ``(kernel_size, stride, dilation)`` or
    ``(kernel_size, stride, dilation, padding)``; pooling layers count like convolutions.  A layer
    adds ``(d(k-1)+1 - 1) * jump`` pixels: its kernel spans ``d(k-1)+1`` units of the previous
    layer, and those units are ``jump`` input pixels apart.  Strides matter only for the layers
    *after* them.
    """
    rf, jump, start = 1, 1, 0.0
    steps = []
    for n, layer in enumerate(layers):
        values = [_as_int(f"layers[{n}]", v) for v in layer]
        if not 2 <= len(values) <= 4:
            raise ValueError(
                f"layers[{n}] must be (kernel_size, stride[, dilation[, padding]]), got {tuple(layer)!r}"
            )
        k, s, d, p = (values + [1, 0][len(values) - 2 :])[:4]
        _check_common(k, s, d)
        _check_padding(p)
        span = d * (k - 1) + 1
        rf += (span - 1) * jump
        start += ((span - 1) / 2 - p) * jump
        jump *= s
        steps.append(FieldStep(rf, jump, start))
    return steps


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Receptive field (in input pixels) of one unit after a stack of conv/pool layers.

    ``layers`` as in :func:`receptive_field_steps`; an empty stack sees one pixel.
    """
    steps = receptive_field_steps(layers)
    return steps[-1].receptive_field if steps else 1
