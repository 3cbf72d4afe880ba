"""Cross-check of ``quizzer.compute.memory`` against tensor shapes and storage sizes torch reports.

Element sizes against ``Tensor.element_size()``; the inputs of a flattened image against the
shape ``flatten`` gives; the weights of a dense layer against ``nn.Linear`` parameters; and the
bytes of a weight tensor against ``untyped_storage().nbytes()`` of a tensor of that many elements.
Everything lives on torch's ``meta`` device, so a 144 GB layer costs no memory.  Counts are exact.
"""

from __future__ import annotations

from quizzer.compute import memory
from quizzer.verification import CheckResult
from quizzer.verification._checks import Tally, single_threaded

__all__ = ["run"]


@single_threaded
def run(torch, rng, cases: int) -> list[CheckResult]:
    """Compare sizes and byte counts with torch meta tensors on ``cases`` random layers."""
    sizes = Tally("memory", "DTYPE_BYTES")
    inputs = Tally("memory", "image_inputs")
    weights = Tally("memory", "dense_weights")
    nbytes = Tally("memory", "tensor_bytes")
    for name, size in memory.DTYPE_BYTES.items():
        sizes.exact(name, size, torch.empty(0, dtype=getattr(torch, name)).element_size())
    configs = [(4000, 3000, 3, 1000, "float32", False)] + [
        (int(rng.integers(1, 5000)), int(rng.integers(1, 5000)), int(rng.choice([1, 3, 4])), int(rng.integers(1, 5000)),
         str(rng.choice(list(memory.DTYPE_BYTES))), bool(rng.random() < 0.5))
        for _ in range(cases)
    ]
    for h, w, c, units, dtype, bias in configs:
        label = f"{h}x{w}x{c} -> {units} {dtype} bias={bias}"
        n_in = memory.image_inputs(h, w, c)
        inputs.exact(label, n_in, torch.empty(1, c, h, w, device="meta").flatten(1).shape[1])
        layer = torch.nn.Linear(n_in, units, bias=bias, device="meta")
        n_weights = memory.dense_weights(n_in, units, bias)
        weights.exact(label, n_weights, sum(p.numel() for p in layer.parameters()))
        tensor = torch.empty(n_weights, dtype=getattr(torch, dtype), device="meta")
        nbytes.exact(label, memory.tensor_bytes(n_weights, dtype), tensor.untyped_storage().nbytes())
    return [sizes.result, inputs.result, weights.result, nbytes.result]
