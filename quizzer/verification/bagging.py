"""Cross-check of ``quizzer.compute.bagging`` by enumerating bootstrap samples with torch.

For small ``n`` and ``m`` every one of the ``n^m`` equally likely samples is listed as a tensor,
so the mean number of distinct examples and the share of samples that miss example 0 are the
exact expectations (up to float64 rounding of a mean): they must agree to 1e-12.  For larger
``n`` torch draws random bootstrap samples, whose mean must lie within six standard errors.
"""

from __future__ import annotations

from quizzer.compute import bagging
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


def _all_samples(torch, n: int, m: int):
    """Every sequence of ``m`` draws from ``range(n)``, one per row: shape ``(n**m, m)``."""
    idx = torch.arange(n**m, dtype=torch.int64)
    return torch.stack([(idx // n**j) % n for j in range(m)], dim=1) if m else torch.zeros((1, 0), dtype=torch.int64)


def _distinct(torch, samples, n: int):
    """Number of distinct values in each row."""
    hits = torch.zeros(samples.shape[0], n, dtype=torch.float64)
    if samples.shape[1]:
        hits.scatter_(1, samples, 1.0)
    return hits.sum(dim=1)


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Exact enumeration for small bootstrap samples, random draws for large ones."""
    unique = Tally("bagging", "expected_unique")
    left = Tally("bagging", "prob_left_out")
    share = Tally("bagging", "unique_share")
    monte = Tally("bagging", "expected_unique[sampled]")
    pairs = [(n, m) for n in range(1, 7) for m in range(0, 7) if n**m <= 50000]
    for n, m in pairs:
        samples = _all_samples(torch, n, m)
        distinct = _distinct(torch, samples, n)
        label = f"n={n} m={m}"
        unique.real(label, bagging.expected_unique(n, m), distinct.mean().item())
        missed = (samples != 0).all(dim=1).double().mean().item()
        left.real(label, bagging.prob_left_out(n, m), missed, floor=1e-12)
        share.real(label, bagging.unique_share(n, m), distinct.mean().item() / n)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(rng.integers(2**31)))
        for _ in range(max(1, cases // 10)):
            n = int(rng.integers(20, 3000))
            m = int(n * rng.uniform(0.2, 3.0)) or 1
            rows = 200
            distinct = _distinct(torch, torch.randint(n, (rows, m)), n)
            mean, sd = distinct.mean().item(), distinct.std().item()
            ours = bagging.expected_unique(n, m)
            bound = 6 * max(sd, 1.0) / rows**0.5
            monte.check(f"n={n} m={m}", abs(mean - ours) <= bound, f"torch mean {mean:.6g}, quizzer {ours:.6g}, 6 s.e. {bound:.3g}")
    return [unique.result, left.result, share.result, monte.result]
