"""How much of the data a bootstrap sample covers, the number behind bagging's "about 63%".

Bagging (Breiman 1996, "Bagging predictors"; Goodfellow et al., *Deep Learning*, 7.11) trains each
ensemble member on a bootstrap sample: ``m`` draws with replacement from ``n`` examples.  One
given example is missed by one draw with probability ``1 - 1/n``, so by all ``m`` draws with
probability ``(1 - 1/n)^m``.  By linearity of expectation the sample holds
``n * (1 - (1 - 1/n)^m)`` distinct examples on average.  For ``m = n`` the share of distinct
examples ``1 - (1 - 1/n)^n`` falls toward ``1 - 1/e ≈ 0.632`` as ``n`` grows (the ".632" of
Efron 1983, "Estimating the error rate of a prediction rule", JASA), so each sample holds about
two thirds of the data and leaves out ("out-of-bag") about ``1/e ≈ 0.368`` of it.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["UNIQUE_SHARE_LIMIT", "expected_unique", "prob_left_out", "unique_share"]

UNIQUE_SHARE_LIMIT = 1 - 1 / math.e  # limit of the unique share as n -> infinity, ≈ 0.6321


def _count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def prob_left_out(n: int, m: int | None = None) -> float:
    """``(1 - 1/n)^m``: probability that one given example is in none of ``m`` draws from ``n``.

    ``m`` defaults to ``n`` (a bootstrap sample as large as the data set).
    """
    n = _count(n, "n", 1)
    m = n if m is None else _count(m, "m", 0)
    if n == 1:
        return 1.0 if m == 0 else 0.0
    # exp(m * log1p(-1/n)) keeps full precision where (1 - 1/n) ** m would round 1 - 1/n first.
    return math.exp(m * math.log1p(-1.0 / n))


def expected_unique(n: int, m: int | None = None) -> float:
    """``n * (1 - (1 - 1/n)^m)``: expected number of distinct examples in ``m`` draws from ``n``."""
    n = _count(n, "n", 1)
    m = n if m is None else _count(m, "m", 0)
    if n == 1:
        return 0.0 if m == 0 else 1.0
    # -expm1(log of the left-out probability) = 1 - (1 - 1/n)^m without cancellation.
    return n * -math.expm1(m * math.log1p(-1.0 / n))


def unique_share(n: int, m: int | None = None) -> float:
    """``1 - (1 - 1/n)^m``: expected share of the ``n`` examples that appear in the sample.

    With ``m = n`` (the default): 0.75 for n = 2, 0.651 for n = 10, → 1 - 1/e ≈ 0.632.
    """
    n = _count(n, "n", 1)
    return expected_unique(n, m) / n
