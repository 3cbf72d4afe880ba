"""A calculator that shows its work, for checking one's own answers.

Each function computes with :mod:`quizzer.compute` (the same verified code the exercises use) and
returns a :class:`Worked`: the formula, the steps with the numbers put in, and the result, so a
learner can see *where* their own working went a different way.  Invalid arguments raise
:class:`~quizzer.errors.CalcError` with the rule that was broken.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizzer.errors import CalcError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Worked",
    "conv_size",
    "conv_transpose_size",
    "cross_entropy",
    "entropy",
    "kl_divergence",
    "perceptron_bound",
    "pool_size",
    "receptive_field",
    "softmax",
]

Size = int | tuple[int, ...]
_DIMS = ("H", "W", "D")


@dataclass(frozen=True)
class Worked:
    """One calculation: what was computed, how, and the result."""

    title: str
    formula: str
    steps: tuple[str, ...]
    result: Any  # JSON-able: an int, a float, a list
    result_text: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "formula": self.formula,
            "inputs": self.inputs,
            "steps": list(self.steps),
            "result": self.result,
            "result_text": self.result_text,
        }


def _guard(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a compute function, turning its ``ValueError`` into a :class:`CalcError`."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise CalcError(str(exc).replace("pass normalize=True", "use --normalize")) from None


def _dims(**sizes: Size | None) -> int:
    n = max((len(v) for v in sizes.values() if isinstance(v, tuple)), default=1)
    for name, v in sizes.items():
        if isinstance(v, tuple) and len(v) not in (1, n):
            raise CalcError(f"{name} has {len(v)} entries but other sizes have {n}; give one entry per dimension")
    return n


def _at(v: Size | None, i: int) -> int | None:
    if isinstance(v, tuple):
        return v[0] if len(v) == 1 else v[i]
    return v


def _label(i: int, n: int) -> str:
    if n == 1:
        return ""
    names = _DIMS if n <= 3 else tuple(f"dim{k}" for k in range(n))
    return f"{names[i]}: "


def _shown(out: Size) -> str:
    return "×".join(map(str, out)) if isinstance(out, tuple) else str(out)


def _plain(out: Size) -> Any:
    return list(out) if isinstance(out, tuple) else out


def conv_size(input_size: Size, kernel_size: Size, stride: Size = 1, padding: Size | str = 0, dilation: Size = 1) -> Worked:
    """Output size of a convolution (``torch.nn.ConvNd``), dimension by dimension."""
    from quizzer.compute.conv import conv_output_size

    out = _guard(conv_output_size, input_size, kernel_size, stride, padding, dilation)
    n = _dims(input_size=input_size, kernel_size=kernel_size, stride=stride, dilation=dilation,
              padding=padding if not isinstance(padding, str) else None)
    steps = []
    if isinstance(padding, str):
        steps.append("padding='valid' means no padding" if padding == "valid"
                     else "padding='same' pads so that the output keeps the input size (stride 1)")
    for i in range(n):
        inp, k, s, d = _at(input_size, i), _at(kernel_size, i), _at(stride, i), _at(dilation, i)
        o = out[i] if isinstance(out, tuple) else out
        if padding == "same":
            total = d * (k - 1)
            steps.append(f"{_label(i, n)}padding d·(k−1) = {total} in all ({total // 2} left, {total - total // 2} right); "
                         f"output = input = {o}")
            continue
        p = 0 if padding == "valid" else _at(padding, i)
        span = d * (k - 1) + 1
        num = inp + 2 * p - span
        steps.append(f"{_label(i, n)}kernel covers d·(k−1)+1 = {d}·({k}−1)+1 = {span}; "
                     f"⌊({inp} + 2·{p} − {span}) / {s}⌋ + 1 = ⌊{num}/{s}⌋ + 1 = {num // s} + 1 = {o}")
    return Worked("convolution output size", "out = ⌊(in + 2p − d·(k−1) − 1) / s⌋ + 1", tuple(steps), _plain(out),
                  _shown(out), {"input_size": _plain(input_size), "kernel_size": _plain(kernel_size),
                                "stride": _plain(stride), "padding": padding if isinstance(padding, str) else _plain(padding),
                                "dilation": _plain(dilation)})


def conv_transpose_size(input_size: Size, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                        output_padding: Size = 0, dilation: Size = 1) -> Worked:
    """Output size of a transposed convolution (``torch.nn.ConvTransposeNd``)."""
    from quizzer.compute.conv import conv_transpose_output_size

    out = _guard(conv_transpose_output_size, input_size, kernel_size, stride, padding, output_padding, dilation)
    n = _dims(input_size=input_size, kernel_size=kernel_size, stride=stride, padding=padding,
              output_padding=output_padding, dilation=dilation)
    steps = []
    for i in range(n):
        inp, k, s, p, op, d = (_at(v, i) for v in (input_size, kernel_size, stride, padding, output_padding, dilation))
        o = out[i] if isinstance(out, tuple) else out
        steps.append(f"{_label(i, n)}({inp}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = "
                     f"{(inp - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1 = {o}")
    return Worked("transposed convolution output size", "out = (in − 1)·s − 2p + d·(k−1) + output_padding + 1",
                  tuple(steps), _plain(out), _shown(out),
                  {"input_size": _plain(input_size), "kernel_size": _plain(kernel_size), "stride": _plain(stride),
                   "padding": _plain(padding), "output_padding": _plain(output_padding), "dilation": _plain(dilation)})


def pool_size(input_size: Size, kernel_size: Size, stride: Size | None = None, padding: Size = 0, dilation: Size = 1,
              ceil_mode: bool = False) -> Worked:
    """Output size of max pooling (``torch.nn.MaxPoolNd``), floor or ceil mode."""
    from quizzer.compute.conv import pool_output_size

    out = _guard(pool_output_size, input_size, kernel_size, stride, padding, dilation, ceil_mode)
    stride_ = kernel_size if stride is None else stride
    n = _dims(input_size=input_size, kernel_size=kernel_size, stride=stride_, padding=padding, dilation=dilation)
    steps = ["stride defaults to the kernel size for pooling"] if stride is None else []
    rnd = "⌈" if ceil_mode else "⌊"
    close = "⌉" if ceil_mode else "⌋"
    for i in range(n):
        inp, k, s, p, d = (_at(v, i) for v in (input_size, kernel_size, stride_, padding, dilation))
        o = out[i] if isinstance(out, tuple) else out
        num = inp + 2 * p - d * (k - 1) - 1
        raw = -(-num // s) if ceil_mode else num // s
        line = f"{_label(i, n)}{rnd}({inp} + 2·{p} − {d}·({k}−1) − 1) / {s}{close} + 1 = {rnd}{num}/{s}{close} + 1 = {raw + 1}"
        if raw + 1 != o:
            line += (f"; the last window would start at {(raw) * s} ≥ in + p = {inp + p}, inside the right padding, "
                     f"so it is dropped: {o}")
        steps.append(line)
    return Worked("max-pooling output size",
                  f"out = {rnd}(in + 2p − d·(k−1) − 1) / s{close} + 1" + (" (a window starting in the right padding is dropped)"
                                                                           if ceil_mode else ""),
                  tuple(steps), _plain(out), _shown(out),
                  {"input_size": _plain(input_size), "kernel_size": _plain(kernel_size), "stride": _plain(stride_),
                   "padding": _plain(padding), "dilation": _plain(dilation), "ceil_mode": ceil_mode})


def receptive_field(layers: Sequence[Sequence[int]]) -> Worked:
    """Receptive field of a stack of (kernel, stride[, dilation]) layers, layer by layer."""
    from quizzer.compute.conv import receptive_field_steps

    if not layers:
        raise CalcError("give at least one layer as kernel,stride[,dilation], e.g. 3,1 3,2")
    steps_ = _guard(receptive_field_steps, layers)
    steps, rf, jump = [], 1, 1
    for n, (layer, st) in enumerate(zip(layers, steps_, strict=True), start=1):
        k, s = layer[0], layer[1]
        d = layer[2] if len(layer) > 2 else 1
        span = d * (k - 1) + 1
        steps.append(f"layer {n} (k={k}, s={s}, d={d}): r = {rf} + ({span} − 1)·{jump} = {st.receptive_field}; "
                     f"jump = {jump}·{s} = {st.jump}")
        rf, jump = st.receptive_field, st.jump
    return Worked("receptive field", "r ← r + (d·(k−1)+1 − 1)·jump;  jump ← jump·s", tuple(steps), rf, f"{rf} input pixels",
                  {"layers": [list(map(int, la)) for la in layers]})


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if math.isinf(v) or math.isnan(v):
        return str(v)
    return f"{v:.6g}"


def _vec(values: Sequence[float]) -> str:
    return "[" + ", ".join(_fmt(float(v)) for v in values) + "]"


def softmax(x: Sequence[float], temperature: float = 1.0) -> Worked:
    """Softmax of a vector, computed the stable way (subtract the maximum first)."""
    import numpy as np

    from quizzer.compute.softmax import logsumexp, naive_failure
    from quizzer.compute.softmax import softmax as _softmax

    if not x:
        raise CalcError("give at least one number")
    if not (math.isfinite(temperature) and temperature > 0):
        raise CalcError(f"temperature must be positive, got {temperature}")
    a = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise CalcError("every entry must be finite")
    z = a / temperature
    m = float(z.max())
    e = np.exp(z - m)
    p = _guard(_softmax, a, temperature=temperature)
    steps = []
    if temperature != 1:
        steps.append(f"divide by T = {_fmt(temperature)}: z = {_vec(z)}")
    steps += [
        f"subtract the maximum m = {_fmt(m)}: z − m = {_vec(z - m)}",
        f"exp(z − m) = {_vec(e)}  (largest is exactly 1, so nothing overflows)",
        f"sum = {_fmt(float(e.sum()))}",
        f"p = exp(z − m) / sum = {_vec(p)}",
        f"logsumexp(z) = m + log(sum) = {_fmt(float(logsumexp(z)))}",
    ]
    for dtype in ("float32", "float64"):
        check = _guard(naive_failure, z, dtype)
        if check.failure != "ok":
            steps.append(f"the textbook exp(z)/Σexp(z) in {dtype}: {check.failure} (gives {_vec(check.naive)})")
    return Worked("softmax", "softmax(z)_i = exp(z_i − m) / Σ_j exp(z_j − m),  m = max_j z_j", tuple(steps),
                  [float(v) for v in p], _vec(p), {"x": [float(v) for v in a], "temperature": temperature})


def _unit(base: float | None) -> str:
    return "nats" if base is None else ("bits" if base == 2 else f"log base {_fmt(base)} units")


def _log(base: float | None) -> str:
    return "ln" if base is None else ("log₂" if base == 2 else f"log_{_fmt(base)}")


def _dist(name: str, p: Sequence[float], normalize: bool = False):  # type: ignore[no-untyped-def]
    import numpy as np

    if not p:
        raise CalcError(f"{name} needs at least one probability")
    a = np.asarray(p, dtype=np.float64)
    if normalize:
        if np.any(a < 0) or not np.all(np.isfinite(a)) or a.sum() <= 0:
            raise CalcError(f"{name} must have finite, non-negative entries with a positive sum to be normalized")
        a = a / a.sum()
    return a


def entropy(p: Sequence[float], base: float | None = None, normalize: bool = False) -> Worked:
    """Entropy H(P) = −Σ p log p, with 0·log 0 = 0."""
    from quizzer.compute.information import entropy as _entropy

    a = _dist("P", p, normalize)
    h = _guard(_entropy, a, base=base)
    lg = _log(base)
    terms = [f"−{_fmt(v)}·{lg}({_fmt(v)}) = {_fmt(-v * math.log(v) / (math.log(base) if base else 1))}"
             if v > 0 else "0·log 0 = 0" for v in a.tolist()]
    steps = (*terms, f"H = sum = {_fmt(h)} {_unit(base)}",
             f"maximum for {len(a)} outcomes is {lg}({len(a)}) = {_fmt(math.log(len(a)) / (math.log(base) if base else 1))}")
    return Worked("entropy", f"H(P) = −Σ p_i {lg} p_i", steps, h, f"{_fmt(h)} {_unit(base)}",
                  {"p": a.tolist(), "base": base})


def _two_distributions(p: Sequence[float], q: Sequence[float], normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    if len(p) != len(q):
        raise CalcError(f"P has {len(p)} entries and Q has {len(q)}; they must be over the same outcomes")
    return _dist("P", p, normalize), _dist("Q", q, normalize)


def _pairwise_terms(a: np.ndarray, b: np.ndarray, term: Callable[[float, float], str]) -> list[str]:
    """One step per outcome of Σ over (p_i, q_i); p = 0 contributes 0, q = 0 under p > 0 is +inf."""
    terms = []
    for pi, qi in zip(a.tolist(), b.tolist(), strict=True):
        if pi == 0:
            terms.append("p = 0: term is 0")
        elif qi == 0:
            terms.append(f"p = {_fmt(pi)} but q = 0: term is +inf")
        else:
            terms.append(term(pi, qi))
    return terms


def cross_entropy(p: Sequence[float], q: Sequence[float], base: float | None = None, normalize: bool = False) -> Worked:
    """Cross-entropy H(P, Q) = −Σ p log q = H(P) + D_KL(P‖Q)."""
    from quizzer.compute.information import cross_entropy as _ce
    from quizzer.compute.information import entropy as _entropy
    from quizzer.compute.information import kl_divergence as _kl

    a, b = _two_distributions(p, q, normalize)
    h = _guard(_ce, a, b, base=base)
    lg = _log(base)
    div = math.log(base) if base else 1.0
    terms = _pairwise_terms(a, b, lambda pi, qi: f"−{_fmt(pi)}·{lg}({_fmt(qi)}) = {_fmt(-pi * math.log(qi) / div)}")
    steps = (*terms, f"H(P, Q) = sum = {_fmt(h)} {_unit(base)}",
             f"check: H(P) + D_KL(P‖Q) = {_fmt(_entropy(a, base=base))} + {_fmt(_kl(a, b, base=base))}")
    return Worked("cross-entropy", f"H(P, Q) = −Σ p_i {lg} q_i", steps, h, f"{_fmt(h)} {_unit(base)}",
                  {"p": a.tolist(), "q": b.tolist(), "base": base})


def kl_divergence(p: Sequence[float], q: Sequence[float], base: float | None = None, normalize: bool = False) -> Worked:
    """D_KL(P‖Q) = Σ p log(p/q); not symmetric, so the reverse is shown too."""
    from quizzer.compute.information import kl_divergence as _kl

    a, b = _two_distributions(p, q, normalize)
    d = _guard(_kl, a, b, base=base)
    lg = _log(base)
    div = math.log(base) if base else 1.0
    terms = _pairwise_terms(
        a, b, lambda pi, qi: f"{_fmt(pi)}·{lg}({_fmt(pi)}/{_fmt(qi)}) = {_fmt(pi * math.log(pi / qi) / div)}")
    reverse = _guard(_kl, b, a, base=base)
    steps = (*terms, f"D_KL(P‖Q) = sum = {_fmt(d)} {_unit(base)}",
             f"the reverse D_KL(Q‖P) = {_fmt(reverse)}: KL is not symmetric, the order matters")
    return Worked("KL divergence", f"D_KL(P‖Q) = Σ p_i {lg}(p_i / q_i)", steps, d, f"{_fmt(d)} {_unit(base)}",
                  {"p": a.tolist(), "q": b.tolist(), "base": base})


def perceptron_bound(radius: float, margin: float, band: bool = False) -> Worked:
    """Novikoff's bound on perceptron updates: (R/γ)², or 4R²/γ² when γ is the band width."""
    from quizzer.compute.perceptron import mistake_bound

    if band:
        if not (math.isfinite(margin) and margin > 0):
            raise CalcError(f"band width must be positive, got {margin}")
        b = _guard(mistake_bound, radius, margin / 2)
        steps = (f"γ = {_fmt(margin)} is the width of the empty band, so the margin is γ/2 = {_fmt(margin / 2)}",
                 f"4R²/γ² = 4·{_fmt(radius)}²/{_fmt(margin)}² = {_fmt(b)}",
                 f"at most ⌊{_fmt(b)}⌋ = {math.floor(b + 1e-9)} updates")
        formula = "k ≤ 4R²/γ²  (γ = band width, margin γ/2)"
    else:
        b = _guard(mistake_bound, radius, margin)
        steps = (f"(R/γ)² = ({_fmt(radius)}/{_fmt(margin)})² = {_fmt(radius / margin)}² = {_fmt(b)}",
                 f"at most ⌊{_fmt(b)}⌋ = {math.floor(b + 1e-9)} updates",
                 "why: each update raises w·w* by ≥ γ and ‖w‖² by ≤ R², so kγ ≤ ‖w‖ ≤ √k·R")
        formula = "k ≤ (R/γ)²  (R = max ‖x_i‖, γ = geometric margin)"
    return Worked("perceptron mistake bound", formula, steps, b, f"{_fmt(b)} (at most {math.floor(b + 1e-9)} updates)",
                  {"radius": radius, "margin": margin, "band": band})
