"""Cross-check of ``quizzer.compute.conv`` against real ``torch.nn`` layers.

Shapes come from running real convolution and pooling layers on real tensors, parameter counts
from real modules, multiply-accumulates from real outputs and weights, and receptive fields
from autograd (which input pixels a chosen output unit depends on).  A configuration that torch
rejects must be rejected by quizzer too, and the other way round.
"""

from __future__ import annotations

import warnings

from quizzer.compute import conv
from quizzer.verification import CheckResult

__all__ = ["run"]

MAX_FAILURES = 5


def _record(result: CheckResult, ok: bool, line: str) -> None:
    result.cases += 1
    if not ok and len(result.failures) < MAX_FAILURES:
        result.failures.append(line)


def _quizzer(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return "rejected"


def _torch(fn, *args, **kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 'same' padding with even kernels warns about a copy
            return fn(*args, **kwargs)
    except (RuntimeError, ValueError):
        return "rejected"


def _run_layer(layer_class, x, *args, **kwargs) -> tuple[int, ...]:
    return tuple(layer_class(*args, **kwargs)(x).shape[2:])


def _count_parameters(layer_class, *args, **kwargs) -> int:
    return sum(p.numel() for p in layer_class(*args, **kwargs, device="meta").parameters())


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _config(rng, ndim: int, transposed: bool = False, pool: bool = False) -> dict:
    big = ndim == 1 or (ndim == 2 and rng.random() < 0.3)
    sizes = [int(_pick(rng, [224, 112, 57, 56, 28]) if big else rng.integers(1, 20 if ndim == 3 else 40))
             for _ in range(ndim)]
    k = [int(rng.integers(1, 8)) for _ in range(ndim)]
    s = [int(rng.integers(1, 4)) for _ in range(ndim)]
    d = [int(rng.integers(1, 4)) if rng.random() < 0.4 else 1 for _ in range(ndim)]
    # Pooling allows padding up to kernel_size // 2; draw mostly legal values, some just over.
    p = [int(rng.integers(0, kk // 2 + 2)) if pool else int(rng.integers(0, 5)) for kk in k]
    cfg = {"input_size": tuple(sizes), "kernel_size": tuple(k), "stride": tuple(s), "padding": tuple(p),
           "dilation": tuple(d)}
    if transposed:
        cfg["output_padding"] = tuple(int(rng.integers(0, 3)) for _ in range(ndim))
    elif not pool and rng.random() < 0.15:
        cfg["padding"] = _pick(rng, ["same", "valid"])
    if pool:
        cfg["ceil_mode"] = bool(rng.random() < 0.5)
        if rng.random() < 0.3:
            cfg["stride"] = None
    return cfg


def _edge_configs() -> list[tuple[str, dict]]:
    return [
        ("conv", {"input_size": (224, 224), "kernel_size": (7, 7), "stride": (2, 2), "padding": (3, 3), "dilation": (1, 1)}),
        ("conv", {"input_size": (5,), "kernel_size": (6,), "stride": (1,), "padding": (0,), "dilation": (1,)}),
        ("conv", {"input_size": (5,), "kernel_size": (3,), "stride": (2,), "padding": "same", "dilation": (1,)}),
        ("conv", {"input_size": (8,), "kernel_size": (4,), "stride": (1,), "padding": "same", "dilation": (3,)}),
        ("transpose", {"input_size": (7,), "kernel_size": (3,), "stride": (2,), "padding": (1,),
                       "output_padding": (2,), "dilation": (1,)}),
        ("transpose", {"input_size": (7,), "kernel_size": (3,), "stride": (2,), "padding": (1,),
                       "output_padding": (2,), "dilation": (3,)}),
        ("transpose", {"input_size": (1,), "kernel_size": (2,), "stride": (1,), "padding": (1,),
                       "output_padding": (0,), "dilation": (1,)}),
        ("pool", {"input_size": (5,), "kernel_size": (2,), "stride": (2,), "padding": (1,), "dilation": (1,), "ceil_mode": True}),
        ("pool", {"input_size": (112,), "kernel_size": (3,), "stride": (2,), "padding": (1,), "dilation": (1,), "ceil_mode": False}),
        ("pool", {"input_size": (9,), "kernel_size": (3,), "stride": (1,), "padding": (2,), "dilation": (3,), "ceil_mode": False}),
        ("pool", {"input_size": (5,), "kernel_size": (6,), "stride": None, "padding": (0,), "dilation": (1,), "ceil_mode": True}),
    ]


def _shape_check(torch, kind: str, cfg: dict):
    nn = torch.nn
    ndim = len(cfg["input_size"])
    x = torch.zeros((1, 1, *cfg["input_size"]))
    if kind == "conv":
        ours = _quizzer(conv.conv_output_size, **cfg)
        layer = getattr(nn, f"Conv{ndim}d")
        args = {k: v for k, v in cfg.items() if k != "input_size"}
        theirs = _torch(_run_layer, layer, x, 1, 1, bias=False, **args)
    elif kind == "transpose":
        ours = _quizzer(conv.conv_transpose_output_size, **cfg)
        layer = getattr(nn, f"ConvTranspose{ndim}d")
        args = {k: v for k, v in cfg.items() if k != "input_size"}
        theirs = _torch(_run_layer, layer, x, 1, 1, bias=False, **args)
    else:
        ours = _quizzer(conv.pool_output_size, **cfg)
        layer = getattr(nn, f"MaxPool{ndim}d")
        args = {k: v for k, v in cfg.items() if k != "input_size"}
        theirs = _torch(_run_layer, layer, x, **args)
    if isinstance(theirs, tuple) and 0 in theirs:
        theirs = "rejected"  # ConvTranspose3d returns an empty tensor where 1d/2d raise
    return ours, theirs


def _check_shapes(torch, rng, cases: int) -> list[CheckResult]:
    names = {"conv": "conv_output_size", "transpose": "conv_transpose_output_size", "pool": "pool_output_size"}
    results = {k: CheckResult("conv", v) for k, v in names.items()}
    work = list(_edge_configs())
    for n in range(3 * cases):
        kind = ("conv", "transpose", "pool")[n % 3]
        ndim = int(_pick(rng, [1, 1, 2, 2, 3]))
        work.append((kind, _config(rng, ndim, transposed=kind == "transpose", pool=kind == "pool")))
    for kind, cfg in work:
        ours, theirs = _shape_check(torch, kind, cfg)
        _record(results[kind], ours == theirs, f"{cfg}: quizzer {ours}, torch {theirs}")
    return list(results.values())


def _check_params(torch, rng, cases: int) -> CheckResult:
    result = CheckResult("conv", "conv_params")
    work = [(3, 64, (3, 3), 1, True), (64, 64, (3, 3), 64, False), (256, 256, (3, 3), 32, False),
            (4, 6, (3,), 4, True), (16, 32, (3, 3, 3), 1, True)]
    for _ in range(cases):
        ndim = int(rng.integers(1, 4))
        groups = int(_pick(rng, [1, 1, 2, 3, 4, 8]))
        cin = groups * int(rng.integers(1, 9)) if rng.random() < 0.9 else int(rng.integers(1, 64))
        cout = groups * int(rng.integers(1, 9)) if rng.random() < 0.9 else int(rng.integers(1, 64))
        kernel = tuple(int(rng.integers(1, 8)) for _ in range(ndim))
        work.append((cin, cout, kernel, groups, bool(rng.random() < 0.5)))
    for cin, cout, kernel, groups, bias in work:
        ours = _quizzer(conv.conv_params, cin, cout, kernel, groups=groups, bias=bias)
        layer = getattr(torch.nn, f"Conv{len(kernel)}d")
        theirs = _torch(_count_parameters, layer, cin, cout, kernel, groups=groups, bias=bias)
        _record(result, ours == theirs, f"Conv{len(kernel)}d({cin}, {cout}, {kernel}, groups={groups}, "
                                        f"bias={bias}): quizzer {ours}, torch {theirs}")
    return result


def _macs_by_forward(torch, layer_class, args: tuple, size: tuple[int, ...]) -> int:
    layer = layer_class(*args)
    with torch.no_grad():
        out = layer(torch.zeros((1, args[0], *size)))
    return out.numel() * layer.weight[0].numel()


def _check_macs(torch, rng, cases: int) -> CheckResult:
    """Each output value of a real layer is one dot product with one filter of the real weight.

    (``torch.utils.flop_counter`` gives the same count but imports the compiler stack, seconds
    of start-up for one multiplication.)
    """
    result = CheckResult("conv", "conv_macs")
    for _ in range(cases):
        ndim = int(rng.integers(1, 4))
        groups = int(_pick(rng, [1, 1, 2, 4]))
        cin, cout = groups * int(rng.integers(1, 5)), groups * int(rng.integers(1, 5))
        size = tuple(int(rng.integers(4, 12 if ndim == 3 else 33)) for _ in range(ndim))
        kernel = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
        stride = tuple(int(rng.integers(1, 3)) for _ in range(ndim))
        padding = tuple(int(rng.integers(0, 3)) for _ in range(ndim))
        dilation = tuple(int(rng.integers(1, 3)) for _ in range(ndim))
        args = (cin, cout, kernel, stride, padding, dilation, groups)
        ours = _quizzer(conv.conv_macs, cin, cout, kernel, size, stride, padding, dilation, groups)
        theirs = _torch(_macs_by_forward, torch, getattr(torch.nn, f"Conv{ndim}d"), args, size)
        _record(result, ours == theirs, f"macs({cin}, {cout}, {kernel}, {size}, {stride}, {padding}, "
                                        f"{dilation}, {groups}): quizzer {ours}, torch {theirs}")
    return result


def _field_by_autograd(torch, layers) -> tuple[int, int, float] | None:
    """(receptive field, jump, start) measured on a chain of all-ones Conv1d layers."""
    steps = conv.receptive_field_steps(layers)
    rf, jump = steps[-1].receptive_field, steps[-1].jump
    length = 2 * rf + 4 * jump + 8 + 2 * sum(layer[3] if len(layer) > 3 else 0 for layer in layers)
    x = torch.ones((1, 1, length), dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        k, s, d, p = (list(layer) + [1, 0][len(layer) - 2 :])[:4]
        weight = torch.ones((1, 1, k), dtype=torch.float64)
        y = torch.nn.functional.conv1d(y, weight, stride=s, padding=p, dilation=d)
    out_len = y.shape[-1]
    # Choose an output unit whose field lies inside the input (away from the padding).
    centre = (length - 1) / 2
    m = max(0, min(out_len - 1, round((centre - steps[-1].start) / jump)))
    y[0, 0, m].backward()
    hit = torch.nonzero(x.grad[0, 0]).flatten()
    first, last = int(hit[0]), int(hit[-1])
    if first == 0 or last == length - 1:
        return None  # touches the border: inconclusive
    return last - first + 1, jump, (first + last) / 2 - m * jump


def _check_fields(torch, rng, cases: int) -> CheckResult:
    result = CheckResult("conv", "receptive_field")
    work = [[(7, 2, 1, 3), (3, 2, 1, 1), (3, 1, 1, 1), (3, 1, 1, 1)], [(3, 1, 2)], [(2, 2), (2, 2), (3, 1, 4)]]
    for _ in range(cases):
        work.append([tuple(int(v) for v in (rng.integers(1, 6), rng.integers(1, 4), rng.integers(1, 4),
                                            rng.integers(0, 3)))
                     for _ in range(int(rng.integers(1, 6)))])
    for layers in work:
        steps = conv.receptive_field_steps(layers)
        ours = (conv.receptive_field(layers), steps[-1].jump, steps[-1].start)
        theirs = _field_by_autograd(torch, layers)
        if theirs is None:
            continue
        _record(result, ours == theirs, f"{layers}: quizzer (rf, jump, start) {ours}, torch {theirs}")
    return result


def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare every function of ``quizzer.compute.conv`` with torch on ``cases`` random configs each."""
    results = _check_shapes(torch, rng, cases)
    results.append(_check_params(torch, rng, cases))
    results.append(_check_macs(torch, rng, cases))
    results.append(_check_fields(torch, rng, cases))
    return results  # integer results: max_error stays 0, disagreements are in .failures
