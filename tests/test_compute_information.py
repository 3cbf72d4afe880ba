"""quizzer.compute.information against torch, plus the identities every answer must satisfy.

Values agree with torch to 1e-12 relative, or absolutely near 0 (``max(|value|, 1e-3)`` as the
scale): torch's ``Categorical`` renormalises its probabilities, which moves an entropy or a
divergence that is itself almost zero by a relatively large amount.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from quizzer.compute import information as info  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None)
Categorical = torch.distributions.Categorical


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    if a == b:
        return True
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rel * max(abs(b), 1e-3)


@st.composite
def distributions(draw, n=None, zeros=True):
    n = n or draw(st.integers(1, 8))
    weights = draw(st.lists(st.floats(1e-6, 1.0) | (st.just(0.0) if zeros else st.nothing()), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1.0
    p = np.array(weights) / sum(weights)
    return p


@st.composite
def pairs(draw):
    n = draw(st.integers(1, 8))
    return draw(distributions(n)), draw(distributions(n)), draw(st.sampled_from([None, 2, 10]))


def _scale(base):
    return 1.0 if base is None else math.log(base)


@SETTINGS
@given(pairs())
def test_entropy_matches_categorical(pqb):
    p, _, base = pqb
    assert close(info.entropy(p, base=base), float(Categorical(probs=torch.from_numpy(p)).entropy()) / _scale(base))


@SETTINGS
@given(pairs())
def test_cross_entropy_matches_torch(pqb):
    p, q, base = pqb
    tp, tq = torch.from_numpy(p), torch.from_numpy(q)
    ours = info.cross_entropy(p, q, base=base)
    assert close(ours, -float(torch.special.xlogy(tp, tq).sum()) / _scale(base))
    if np.all(q > 0):
        theirs = float(torch.nn.functional.cross_entropy(tq.log()[None], tp[None], reduction="sum"))
        assert close(ours, theirs / _scale(base))


@SETTINGS
@given(pairs())
def test_kl_divergence_matches_torch(pqb):
    p, q, base = pqb
    ours = info.kl_divergence(p, q, base=base)
    tp, tq = torch.from_numpy(p), torch.from_numpy(q)
    theirs = float(torch.distributions.kl_divergence(Categorical(probs=tp), Categorical(probs=tq))) / _scale(base)
    assert close(ours, max(theirs, 0.0))
    if np.all(q > 0):
        assert close(ours, max(float(torch.nn.functional.kl_div(tq.log(), tp, reduction="sum")), 0.0) / _scale(base))


@SETTINGS
@given(pairs())
def test_identities(pqb):
    p, q, base = pqb
    h, ce, kl = info.entropy(p, base=base), info.cross_entropy(p, q, base=base), info.kl_divergence(p, q, base=base)
    assert kl >= 0 and h >= 0
    assert info.kl_divergence(p, p, base=base) == 0
    if math.isfinite(ce):
        assert ce == pytest.approx(h + kl, rel=1e-12, abs=1e-14)
    else:
        assert math.isinf(kl)
    assert h <= math.log(len(p)) / _scale(base) + 1e-12  # the uniform distribution has the most entropy
    assert info.entropy(p, base=2) == pytest.approx(info.entropy(p) / math.log(2), rel=1e-15, abs=1e-300)


def test_golden_values():
    assert info.entropy([0.5, 0.25, 0.25], base=2) == 1.5
    assert info.entropy([0.25] * 4, base=2) == 2.0
    assert info.entropy([1.0, 0.0]) == 0.0 and math.copysign(1, info.entropy([1.0, 0.0])) == 1  # 0 log 0 = 0, not -0.0
    assert info.cross_entropy([1, 0, 0], [0.7, 0.2, 0.1]) == pytest.approx(-math.log(0.7), rel=1e-15)
    assert info.cross_entropy([0, 1], [0, 1]) == 0.0  # p = 0 terms vanish even where q = 0
    assert info.kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(5), rel=1e-15)
    assert info.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert info.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert info.kl_divergence([1.0, 0.0], [0.5, 0.5], base=2) == 1.0
    # Not symmetric.
    assert info.kl_divergence([0.8, 0.2], [0.5, 0.5]) != pytest.approx(info.kl_divergence([0.5, 0.5], [0.8, 0.2]))


def test_normalize_rescales_instead_of_rejecting():
    assert info.entropy([2, 1, 1], base=2, normalize=True) == 1.5
    assert info.kl_divergence([1, 1], [3, 1], normalize=True) == pytest.approx(info.kl_divergence([0.5, 0.5], [0.75, 0.25]))


def test_sum_tolerance_accepts_rounding_only():
    info.entropy([0.1] * 10)  # sums to 0.9999999999999999
    with pytest.raises(ValueError):
        info.entropy([0.1, 0.2, 0.7 + 1e-8])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: info.entropy([0.5, 0.6, -0.1]), "negative entry"),
        (lambda: info.entropy([0.3, 0.3, 0.3]), "must sum to 1"),
        (lambda: info.entropy([0.0, 0.0], normalize=True), "sums to 0"),
        (lambda: info.entropy([]), "non-empty"),
        (lambda: info.entropy([[0.5, 0.5]]), "1-D"),
        (lambda: info.entropy([np.nan, 1.0]), "finite"),
        (lambda: info.entropy([0.5, 0.5], base=1), "base must be"),
        (lambda: info.entropy([0.5, 0.5], base=-2), "base must be"),
        (lambda: info.cross_entropy([0.5, 0.5], [1.0]), "same length"),
        (lambda: info.kl_divergence([0.5, 0.5], [0.7, 0.7]), "q must sum to 1"),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=12), st.lists(st.integers(1, 20), min_size=12, max_size=12),
       st.sampled_from([None, 2]))
def test_short_lists_and_arrays_give_the_same_values(counts, qcounts, base):
    """Short lists are validated without numpy; values and errors must match the array path."""
    assume(sum(counts) > 0)
    p = [c / sum(counts) for c in counts]
    q = [c / sum(qcounts[: len(p)]) for c in qcounts[: len(p)]]
    for f, args in ((info.entropy, (p,)), (info.cross_entropy, (p, q)), (info.kl_divergence, (p, q))):
        as_lists = f(*args, base=base, normalize=True)
        as_arrays = f(*(np.array(a) for a in args), base=base, normalize=True)
        assert as_lists == pytest.approx(as_arrays, rel=1e-12, abs=1e-300)  # sums may round differently
    for bad in ([0.5, -0.1, 0.6], [0.5, float("nan")], [0.3, 0.3]):
        with pytest.raises(ValueError) as from_list:
            info.entropy(bad)
        with pytest.raises(ValueError) as from_array:
            info.entropy(np.array(bad))
        assert str(from_list.value) == str(from_array.value)
