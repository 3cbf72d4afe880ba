"""quizzer.compute.conv against real torch.nn layers: shapes, rejections, parameters, MACs, fields."""

from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from quizzer.compute import conv  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _torch_shape(make, ndim, size):
    """Output spatial shape of a real layer on a real tensor, or 'rejected' if torch refuses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 'same' padding with an even kernel warns about a copy
            shape = tuple(make()(torch.zeros((1, 1, *size))).shape[2:])
    except (RuntimeError, ValueError):
        return "rejected"
    # ConvTranspose3d returns an empty tensor where ConvTranspose1d/2d raise; quizzer always rejects.
    return "rejected" if 0 in shape else shape


def _ours(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return "rejected"


@st.composite
def configs(draw, transposed=False, pool=False):
    ndim = draw(st.integers(1, 3))
    n = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(ndim))  # noqa: E731
    cfg = {"input_size": n(1, 12 if ndim == 3 else 40), "kernel_size": n(1, 7), "stride": n(1, 4),
           "padding": n(0, 4), "dilation": n(1, 3)}
    if transposed:
        cfg["output_padding"] = n(0, 3)
    if pool:
        cfg["ceil_mode"] = draw(st.booleans())
    if not transposed and not pool and draw(st.integers(0, 9)) == 0:
        cfg["padding"] = draw(st.sampled_from(["same", "valid"]))
    return cfg


@SETTINGS
@given(configs())
def test_conv_output_size_matches_torch(cfg):
    nd = len(cfg["input_size"])
    args = {k: v for k, v in cfg.items() if k != "input_size"}
    theirs = _torch_shape(lambda: getattr(torch.nn, f"Conv{nd}d")(1, 1, bias=False, **args), nd, cfg["input_size"])
    assert _ours(conv.conv_output_size, **cfg) == theirs


@SETTINGS
@given(configs(transposed=True))
def test_conv_transpose_output_size_matches_torch(cfg):
    nd = len(cfg["input_size"])
    args = {k: v for k, v in cfg.items() if k != "input_size"}
    theirs = _torch_shape(lambda: getattr(torch.nn, f"ConvTranspose{nd}d")(1, 1, bias=False, **args), nd, cfg["input_size"])
    assert _ours(conv.conv_transpose_output_size, **cfg) == theirs


@SETTINGS
@given(configs(pool=True), st.booleans())
def test_pool_output_size_matches_torch(cfg, default_stride):
    nd = len(cfg["input_size"])
    if default_stride:
        cfg["stride"] = None
    args = {k: v for k, v in cfg.items() if k != "input_size"}
    theirs = _torch_shape(lambda: getattr(torch.nn, f"MaxPool{nd}d")(**args), nd, cfg["input_size"])
    assert _ours(conv.pool_output_size, **cfg) == theirs


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (conv.conv_output_size, (224, 7, 2, 3), 112),  # ResNet stem
        (conv.conv_output_size, (227, 11, 4, 0), 55),  # AlexNet conv1
        (conv.conv_output_size, (56, 3, 1, 1), 56),
        (conv.conv_output_size, (32, 3, 1, 2, 2), 32),  # dilation 2 needs padding 2 to keep the size
        (conv.conv_output_size, ((224, 160), (3, 5), (2, 1), (1, 2), 1), (112, 160)),
        (conv.conv_transpose_output_size, (4, 4, 2, 1), 8),  # DCGAN
        (conv.conv_transpose_output_size, (28, 3, 2, 1, 1), 56),
        (conv.conv_transpose_output_size, (28, 2, 2), 56),  # U-Net up-convolution
        (conv.pool_output_size, (112, 3, 2, 1), 56),  # ResNet max-pool
        (conv.pool_output_size, (55, 3, 2), 27),  # AlexNet
        (conv.pool_output_size, (112, 2), 56),  # stride defaults to kernel_size
        (conv.pool_output_size, (112, 3, 2, 0, 1, True), 56),  # GoogLeNet ceil mode (floor gives 55)
        (conv.pool_output_size, (5, 2, 2, 1, 1, True), 3),  # ceil window starting in the padding is dropped
    ],
)
def test_golden_sizes(fn, args, expected):
    assert fn(*args) == expected


def test_int_gives_int_and_tuple_gives_tuple():
    assert isinstance(conv.conv_output_size(32, 3), int)
    assert conv.conv_output_size((32,), 3) == (30,)
    assert conv.conv_output_size(32, (3, 5)) == (30, 28)
    assert conv.pool_output_size([9, 9], 3) == (3, 3)
    assert conv.conv_output_size(9, 3, padding="same") == 9
    assert conv.conv_output_size((9, 7), 3, padding="valid") == (7, 5)


@pytest.mark.parametrize(
    ("fn", "kwargs", "message"),
    [
        (conv.conv_output_size, dict(input_size=5, kernel_size=6), "kernel larger than the padded input"),
        (conv.conv_output_size, dict(input_size=5, kernel_size=3, dilation=3), r"dilation\*\(kernel_size-1\)\+1 = 7"),
        (conv.conv_output_size, dict(input_size=8, kernel_size=3, stride=2, padding="same"), "not supported for strided"),
        (conv.conv_output_size, dict(input_size=8, kernel_size=3, padding="full"), "'same' or 'valid'"),
        (conv.conv_output_size, dict(input_size=8, kernel_size=3, padding=-1), "negative padding"),
        (conv.conv_output_size, dict(input_size=8, kernel_size=0), "kernel_size must be >= 1"),
        (conv.conv_output_size, dict(input_size=8, kernel_size=3, stride=0), "non-positive stride"),
        (conv.conv_output_size, dict(input_size=(8, 8), kernel_size=(3, 3, 3)), "one entry per spatial dimension"),
        (conv.conv_output_size, dict(input_size=8.0, kernel_size=3), "must be an integer"),
        (conv.conv_transpose_output_size, dict(input_size=7, kernel_size=3, stride=2, output_padding=2),
         "output_padding must be smaller than either stride or dilation"),
        (conv.conv_transpose_output_size, dict(input_size=1, kernel_size=2, padding=1), "not positive"),
        (conv.conv_transpose_output_size, dict(input_size=4, kernel_size=2, padding="same"), "not a string"),
        (conv.pool_output_size, dict(input_size=9, kernel_size=3, padding=2), r"padding <= kernel_size // 2"),
        (conv.pool_output_size, dict(input_size=5, kernel_size=6), "not positive"),
        (conv.conv_params, dict(in_channels=4, out_channels=6, kernel_size=3, groups=4), "out_channels must be divisible by groups"),
        (conv.conv_params, dict(in_channels=6, out_channels=4, kernel_size=3, groups=4), "in_channels must be divisible by groups"),
        (conv.conv_params, dict(in_channels=3, out_channels=8, kernel_size=(3, 3), dims=3), "dims=3"),
        (conv.receptive_field, dict(layers=[(3,)]), r"\(kernel_size, stride"),
        (conv.receptive_field, dict(layers=[(3, 0)]), "stride must be >= 1"),
    ],
)
def test_invalid_configurations_name_the_rule(fn, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fn(**kwargs)


@SETTINGS
@given(st.integers(1, 3), st.sampled_from([1, 2, 3, 4, 8]), st.integers(1, 8), st.integers(1, 8),
       st.lists(st.integers(1, 7), min_size=3, max_size=3), st.booleans())
def test_conv_params_match_real_modules(ndim, groups, cin_per_group, cout_per_group, kernel, bias):
    kernel = tuple(kernel[:ndim])
    cin, cout = groups * cin_per_group, groups * cout_per_group
    layer = getattr(torch.nn, f"Conv{ndim}d")(cin, cout, kernel, groups=groups, bias=bias, device="meta")
    assert conv.conv_params(cin, cout, kernel, groups=groups, bias=bias) == sum(p.numel() for p in layer.parameters())


def test_conv_params_golden_and_int_kernel_is_square():
    assert conv.conv_params(3, 64, 3) == 1792  # VGG conv1_1
    assert conv.conv_params(64, 64, 3, groups=64, bias=False) == 576  # depthwise
    assert conv.conv_params(3, 64, 3, dims=3) == 3 * 64 * 27 + 64
    assert conv.conv_params(3, 64, (3,)) == 3 * 64 * 3 + 64


@SETTINGS
@given(st.integers(1, 3), st.sampled_from([1, 2, 4]), st.integers(1, 4), st.integers(1, 4), st.data())
def test_conv_macs_match_a_real_forward(ndim, groups, a, b, data):
    cin, cout = groups * a, groups * b
    draw = lambda lo, hi: tuple(data.draw(st.integers(lo, hi)) for _ in range(ndim))  # noqa: E731
    size, kernel = draw(4, 10 if ndim == 3 else 30), draw(1, 4)
    stride, padding, dilation = draw(1, 3), draw(0, 2), draw(1, 2)
    try:
        ours = conv.conv_macs(cin, cout, kernel, size, stride, padding, dilation, groups)
    except ValueError:
        ours = "rejected"
    layer = getattr(torch.nn, f"Conv{ndim}d")(cin, cout, kernel, stride, padding, dilation, groups)
    try:
        with torch.no_grad():
            out = layer(torch.zeros((1, cin, *size)))
        theirs = out.numel() * layer.weight[0].numel()  # one dot product with one filter per output value
    except RuntimeError:
        theirs = "rejected"
    assert ours == theirs


def test_conv_macs_golden_and_square_default():
    assert conv.conv_macs(64, 64, 3, 56, 1, 1) == 56 * 56 * 64 * 64 * 9
    assert conv.conv_macs(3, 64, 7, 224, 2, 3) == 112 * 112 * 64 * 3 * 49  # ResNet stem
    assert conv.conv_macs(32, 32, 3, 112, 1, 1, groups=32) == 112 * 112 * 32 * 9  # depthwise
    assert conv.conv_macs(8, 8, 3, 10, padding="same", dims=1) == 10 * 8 * 8 * 3


def _field_by_autograd(layers):
    """(span, centre of unit m) of the input pixels output unit m of an all-ones Conv1d chain depends on."""
    steps = conv.receptive_field_steps(layers)
    length = 2 * steps[-1].receptive_field + 4 * steps[-1].jump + 20
    x = torch.ones((1, 1, length), dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d, p in layers:
        y = torch.nn.functional.conv1d(y, torch.ones((1, 1, k), dtype=torch.float64), stride=s, padding=p, dilation=d)
    m = y.shape[-1] // 2
    y[0, 0, m].backward()
    hit = torch.nonzero(x.grad[0, 0]).flatten()
    first, last = int(hit[0]), int(hit[-1])
    assert 0 < first and last < length - 1, "field touches the border; the test input is too short"
    return last - first + 1, (first + last) / 2 - m * steps[-1].jump


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2)),
                min_size=1, max_size=5))
def test_receptive_field_matches_autograd(layers):
    steps = conv.receptive_field_steps(layers)
    span, start = _field_by_autograd(layers)
    assert conv.receptive_field(layers) == span
    assert steps[-1].start == start


def test_receptive_field_golden():
    assert conv.receptive_field([(3, 1)] * 3) == 7  # three 3x3 convs see as far as one 7x7
    assert conv.receptive_field([(7, 2), (3, 2), (3, 1), (3, 1)]) == 27  # ResNet stem + two 3x3
    assert conv.receptive_field([(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)]) == 16  # WaveNet-style dilations
    assert conv.receptive_field([]) == 1
    assert [s.jump for s in conv.receptive_field_steps([(3, 2), (3, 2), (3, 1)])] == [2, 4, 4]
