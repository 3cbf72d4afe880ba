"""Weights and memory of a dense layer on raw pixels: why images need convolutions.

Goodfellow et al., *Deep Learning*, 9.2 (sparse interactions, parameter sharing): a fully connected
layer connects every input to every unit.  A 12-megapixel RGB photo has ``12e6 * 3 = 3.6e7``
inputs; a hidden layer of 1000 units then needs ``3.6e10`` weights, and at 4 bytes per float32
weight ``1.44e11`` bytes = 144 GB, or 134.1 GiB.

Units are explicit because the two conventions differ by 7% at the giga scale: ``GB`` is
``10^9`` bytes (SI), ``GiB`` is ``2^30`` bytes (IEC).  Element sizes are those of
``torch.Tensor.element_size()`` for each dtype.
"""

from __future__ import annotations

import numbers

__all__ = [
    "DTYPE_BYTES",
    "UNITS",
    "dense_weights",
    "format_bytes",
    "image_inputs",
    "in_unit",
    "tensor_bytes",
]

DTYPE_BYTES: dict[str, int] = {
    "float64": 8,
    "float32": 4,
    "float16": 2,
    "bfloat16": 2,
    "int64": 8,
    "int32": 4,
    "int16": 2,
    "int8": 1,
    "uint8": 1,
    "bool": 1,
}

UNITS: dict[str, int] = {
    "B": 1,
    "kB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
}


def _count(value: object, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def image_inputs(height: int, width: int, channels: int = 3) -> int:
    """``height * width * channels``: the inputs of a flattened image (RGB has 3 channels)."""
    return _count(height, "height", 1) * _count(width, "width", 1) * _count(channels, "channels", 1)


def dense_weights(in_features: int, out_features: int, bias: bool = False) -> int:
    """``in * out`` connection weights, plus ``out`` biases when ``bias`` (as ``nn.Linear``)."""
    i, o = _count(in_features, "in_features"), _count(out_features, "out_features")
    return i * o + (o if bias else 0)


def tensor_bytes(numel: int, dtype: str = "float32") -> int:
    """Bytes to store ``numel`` elements of ``dtype`` (``numel * element_size``)."""
    if dtype not in DTYPE_BYTES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPE_BYTES)}; got {dtype!r}")
    return _count(numel, "numel") * DTYPE_BYTES[dtype]


def _unit(unit: str) -> int:
    key = "kB" if unit == "KB" else unit
    if key not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)} (kB..TB are powers of 1000, KiB..TiB of 1024); got {unit!r}")
    return UNITS[key]


def in_unit(nbytes: int | float, unit: str) -> float:
    """``nbytes`` expressed in ``unit``: ``in_unit(1.44e11, "GB") == 144.0``, ``"GiB"`` gives 134.1."""
    if not isinstance(nbytes, numbers.Real) or isinstance(nbytes, bool) or nbytes < 0:
        raise ValueError(f"nbytes must be a non-negative number, got {nbytes!r}")
    return nbytes / _unit(unit)


def format_bytes(nbytes: int | float, unit: str | None = None, binary: bool = False, digits: int = 4) -> str:
    """``nbytes`` as text with ``digits`` significant figures, e.g. ``"144 GB"`` or ``"134.1 GiB"``.

    Without ``unit`` the largest unit giving at least 1 is chosen, from the SI (``binary=False``)
    or the IEC (``binary=True``) family.
    """
    if unit is None:
        family = ("B", "KiB", "MiB", "GiB", "TiB") if binary else ("B", "kB", "MB", "GB", "TB")
        unit = family[0]
        for u in family:
            if nbytes >= UNITS[u]:
                unit = u
    value = in_unit(nbytes, unit)
    return f"{value:.{digits}g} {unit}"
