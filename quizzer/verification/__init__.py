"""Cross-checks of the compute modules against PyTorch, one module per compute topic.

Each ``quizzer.verification.<topic>`` module defines ``run(torch, rng, cases) -> list[CheckResult]``
that draws ``cases`` random configurations (plus fixed edge cases) from the numpy ``rng``,
evaluates them with quizzer and with torch, and reports the largest disagreement.  Only
``quizzer.verify`` imports these modules, and only after torch imported successfully.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CheckResult", "TOPICS"]

# Topic modules, in the order `quizzer verify` reports them.
TOPICS = [
    "conv", "softmax", "information", "perceptron",
    "norms", "init", "clipping", "optim", "batchnorm", "dropout", "bagging",
    "activations", "layers", "separable", "memory",
]


@dataclass
class CheckResult:
    """Outcome of cross-checking one compute function."""

    module: str  # compute topic, e.g. "conv"
    function: str  # e.g. "conv_output_size"
    cases: int = 0
    max_error: float = 0.0  # max relative error (0 for exact integer results)
    failures: list[str] = field(default_factory=list)  # one line per disagreeing case (first few)

    @property
    def ok(self) -> bool:
        return not self.failures
