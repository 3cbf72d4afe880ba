"""Cross-check of ``quizzer.compute.norms`` against ``torch.linalg.vector_norm`` and ``matrix_norm``.

Random float64 arrays of up to three dimensions, reduced over everything or over one dimension,
for the orders quizzer's exercises use (0, 1, 2, inf) and the others torch accepts; plus edge
cases (zeros, a single entry, large and small entries).  Reals must agree to 1e-12 relative.
Entries stay within 1e-90..1e90: beyond, torch's unscaled sums of powers (up to the cube) overflow or underflow
while quizzer's scaled ones do not.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.compute import norms
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]

VECTOR_ORDS = [0, 1, 2, math.inf, -math.inf, 0.5, 3, -1, 1.5]
MATRIX_ORDS = ["fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2]


def _array(rng, ndim: int) -> np.ndarray:
    shape = tuple(int(rng.integers(1, 5)) for _ in range(ndim))
    x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3)
    x[rng.random(shape) < 0.2] = 0.0  # zeros matter for L0 and negative orders
    return x


def _edge_vectors() -> list[np.ndarray]:
    # Not [1e200, 1e200]: torch's unscaled sum of squares overflows there, quizzer's does not.
    return [np.zeros(3), np.array([-7.0]), np.array([3.0, -4.0, 0.0, 12.0]), np.array([1e90, -1e90]),
            np.array([1e-90, 1e-90]), np.array([1e90, 1.0]), np.array([-2.0, -9.0, 5.0])]


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare vector, matrix and Frobenius norms with torch on ``cases`` random arrays each."""
    vec = Tally("norms", "vector_norm")
    mat = Tally("norms", "matrix_norm")
    fro = Tally("norms", "frobenius_norm")
    vectors = _edge_vectors() + [_array(rng, int(rng.integers(1, 4))) for _ in range(cases)]
    for x in vectors:
        t = torch.from_numpy(x)
        for ord_ in VECTOR_ORDS:
            label = f"x={np.array2string(x.ravel()[:4], precision=3)} ord={ord_}"
            vec.real(label, norms.vector_norm(x, ord_), torch.linalg.vector_norm(t, ord_).item())
        if x.ndim > 1:
            dim = int(rng.integers(-x.ndim, x.ndim))
            ord_ = VECTOR_ORDS[int(rng.integers(len(VECTOR_ORDS)))]
            vec.real(f"shape={x.shape} ord={ord_} dim={dim}", norms.vector_norm(x, ord_, dim=dim),
                     torch.linalg.vector_norm(t, ord_, dim=dim).numpy())
    for k in range(cases):
        a = _array(rng, 2 + (k % 5 == 0))
        t = torch.from_numpy(a)
        scale = float(np.max(np.abs(a))) or 1.0
        for ord_ in MATRIX_ORDS:
            # Singular values are computed by different LAPACK calls: allow for their rounding,
            # relative to the largest entry (the smallest singular value can be ~0).
            mat.real(f"shape={a.shape} ord={ord_}", norms.matrix_norm(a, ord_),
                     torch.linalg.matrix_norm(t, ord_).numpy(), floor=scale)
        if a.ndim == 2:
            fro.real(f"A={np.array2string(a.ravel()[:4], precision=3)}", norms.frobenius_norm(a),
                     torch.linalg.matrix_norm(t, "fro").item())
    for bad in ([1.0, 2.0],):
        try:
            norms.matrix_norm(bad)
            mat.check("1-D input", False, "quizzer accepted a 1-D input for a matrix norm")
        except ValueError:
            try:
                torch.linalg.matrix_norm(torch.tensor(bad))
                mat.check("1-D input", False, "torch accepted a 1-D input that quizzer rejects")
            except RuntimeError:
                mat.check("1-D input", True)
    return [vec.result, mat.result, fro.result]
