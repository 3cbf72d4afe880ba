"""Cross-check the compute modules against PyTorch, on demand.

quizzer's answers are only as good as its formulas, so every compute topic has a checker in
``quizzer.verification`` that draws random configurations and compares them with real torch
layers and functions.  torch is an optional extra: it is imported here, lazily, and nowhere in
the rest of the library.
"""

from __future__ import annotations

import importlib
import importlib.util
import zlib
from collections.abc import Callable, Iterable

from quizzer.errors import DependencyError, ExerciseError
from quizzer.verification import TOPICS, CheckResult

__all__ = ["DEFAULT_CASES", "available_topics", "verify"]

# Random configurations per checked function.  200 keeps a full run to a few seconds (most of it
# importing torch) while drawing thousands of configurations in all.
DEFAULT_CASES = 200

Progress = Callable[[str, int, int], None]


def available_topics() -> list[str]:
    """The topics, in report order, that have a cross-check module."""
    return [t for t in TOPICS if importlib.util.find_spec(f"quizzer.verification.{t}") is not None]


def _import_torch():
    try:
        import torch
    except ImportError:
        raise DependencyError("PyTorch is not installed; install the extra: pip install 'quizzer[torch]'") from None
    return torch


def verify(
    modules: Iterable[str] | None = None,
    cases: int = DEFAULT_CASES,
    seed: int = 0,
    progress: Progress | None = None,
) -> list[CheckResult]:
    """Cross-check ``modules`` (compute topic names; all available ones by default) against torch.

    Each topic draws its configurations from its own numpy generator seeded by ``seed`` and the
    topic's name, so a topic's cases do not depend on which other topics run.  ``progress``, if
    given, is called as ``progress(topic, done, total)`` after each topic, with ``done`` topics of
    ``total`` finished.  Returns one :class:`CheckResult` per checked function; a result with
    failures means quizzer and torch disagree.
    """
    if isinstance(cases, bool) or not isinstance(cases, int) or cases < 1:
        raise ExerciseError(f"cases must be a positive integer, not {cases!r}")
    available = available_topics()
    if modules is None:
        topics = available
    else:
        topics = list(dict.fromkeys(modules))
        for name in topics:
            if name not in TOPICS:
                raise ExerciseError(f"unknown topic {name!r}; choose from: {', '.join(TOPICS)}")
            if name not in available:
                raise ExerciseError(f"topic {name!r} has no cross-check yet; choose from: {', '.join(available)}")
    torch = _import_torch()
    import numpy as np

    results: list[CheckResult] = []
    for done, topic in enumerate(topics, start=1):
        checker = importlib.import_module(f"quizzer.verification.{topic}")
        rng = np.random.default_rng([seed, zlib.crc32(topic.encode())])
        results.extend(checker.run(torch, rng, cases))
        if progress is not None:
            progress(topic, done, len(topics))
    return results
