"""``quizzer calc``: a calculator with worked steps, for checking one's own work."""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["calc"]


class SizeType(click.ParamType):
    """An int, or one int per dimension: ``224``, ``224x224``, ``224,224``."""

    name = "SIZE"

    def __init__(self, words: tuple[str, ...] = ()):
        self.words = words

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, (int, tuple)):
            return value
        text = str(value).strip().lower()
        if text in self.words:
            return text
        parts = [p for p in text.replace("×", "x").replace("x", ",").split(",")]
        try:
            nums = tuple(int(p) for p in parts)
        except ValueError:
            extra = f", or {' / '.join(self.words)}" if self.words else ""
            self.fail(f"{value!r} is not a size: write an integer such as 3, or one per dimension such as 3x3{extra}",
                      param, ctx)
        return nums[0] if len(nums) == 1 else nums


class VectorType(click.ParamType):
    """Numbers as a person writes them: ``0.5,0.25,0.25``, ``[1, 2, 3]``, ``1/4``, ``1e3``."""

    name = "NUMBERS"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, list):
            return value
        from quizzer.answer_parser import read
        from quizzer.errors import AnswerFormatError

        try:
            v = read(str(value), thousands=False).value
        except AnswerFormatError:
            self.fail(f"{value!r} is not a list of numbers: write them like 0.5,0.25,0.25 or [1, 2, 3]", param, ctx)
        values = list(v) if isinstance(v, tuple) else [v]
        if any(isinstance(x, str) for x in values):
            self.fail(f"{value!r} is not a list of numbers", param, ctx)
        return [float(x) for x in values]


SIZE = SizeType()
PADDING = SizeType(("same", "valid"))
NUMBERS = VectorType()


def _vector(args: tuple[str, ...], name: str) -> list[float]:
    """Positional numbers: several arguments (``0.5 0.25``) or one list (``0.5,0.25``)."""
    if not args:
        raise click.UsageError(f"give the {name}, e.g. 0.5 0.25 0.25")
    values: list[float] = []
    for a in args:
        values += NUMBERS.convert(a, None, None)
    return values


def _show(worked: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(worked.to_dict(), ensure_ascii=False, indent=1))
        return
    click.secho(worked.title, bold=True)
    click.echo(f"  {worked.formula}")
    for i, step in enumerate(worked.steps, start=1):
        click.echo(f"  {i}. {step}")
    click.secho(f"= {worked.result_text}", bold=True)


_json = click.option("--json", "as_json", is_flag=True, help="Print JSON: inputs, steps and result.")


@click.group()
def calc() -> None:
    """Calculator with worked steps, to check your own work.

    Sizes take one integer or one per dimension (224 or 224x224).  Numbers may be written as
    0.5,0.25,0.25 or as separate arguments; fractions like 1/4 are fine.

    \b
    Examples:
      quizzer calc conv --input 224 --kernel 7 --stride 2 --padding 3
      quizzer calc pool --input 7 --kernel 2 --stride 2 --ceil
      quizzer calc softmax 1000 1001 1002
      quizzer calc kl --p 0.5,0.5 --q 0.9,0.1 --base 2
      quizzer calc perceptron --radius 5 --margin 0.5
    """


@calc.command("conv")
@click.option("--input", "-i", "input_size", type=SIZE, required=True, help="Input size (e.g. 224 or 224x224).")
@click.option("--kernel", "-k", type=SIZE, required=True, help="Kernel size.")
@click.option("--stride", "-s", type=SIZE, default=1, show_default=True, help="Stride.")
@click.option("--padding", "-p", type=PADDING, default=0, show_default=True, help="Padding per side, or same / valid.")
@click.option("--dilation", "-d", type=SIZE, default=1, show_default=True, help="Dilation.")
@_json
def calc_conv(input_size: Any, kernel: Any, stride: Any, padding: Any, dilation: Any, as_json: bool) -> None:
    """Output size of a convolution (torch.nn.ConvNd rules).

    \b
    Example:
      quizzer calc conv -i 32 -k 3 -p 2 -d 2
    """
    from quizzer.calc import conv_size

    _show(conv_size(input_size, kernel, stride, padding, dilation), as_json)


@calc.command("convt")
@click.option("--input", "-i", "input_size", type=SIZE, required=True, help="Input size.")
@click.option("--kernel", "-k", type=SIZE, required=True, help="Kernel size.")
@click.option("--stride", "-s", type=SIZE, default=1, show_default=True, help="Stride.")
@click.option("--padding", "-p", type=SIZE, default=0, show_default=True, help="Padding (removed from the output).")
@click.option("--output-padding", type=SIZE, default=0, show_default=True, help="Extra rows on one side.")
@click.option("--dilation", "-d", type=SIZE, default=1, show_default=True, help="Dilation.")
@_json
def calc_convt(input_size: Any, kernel: Any, stride: Any, padding: Any, output_padding: Any, dilation: Any,
               as_json: bool) -> None:
    """Output size of a transposed convolution (torch.nn.ConvTransposeNd).

    \b
    Example:
      quizzer calc convt -i 16 -k 4 -s 2 -p 1
    """
    from quizzer.calc import conv_transpose_size

    _show(conv_transpose_size(input_size, kernel, stride, padding, output_padding, dilation), as_json)


@calc.command("pool")
@click.option("--input", "-i", "input_size", type=SIZE, required=True, help="Input size.")
@click.option("--kernel", "-k", type=SIZE, required=True, help="Window size.")
@click.option("--stride", "-s", type=SIZE, default=None, help="Stride [default: the window size].")
@click.option("--padding", "-p", type=SIZE, default=0, show_default=True, help="Padding per side (≤ kernel // 2).")
@click.option("--dilation", "-d", type=SIZE, default=1, show_default=True, help="Dilation.")
@click.option("--ceil", "ceil_mode", is_flag=True, help="ceil_mode=True: keep a last partial window.")
@_json
def calc_pool(input_size: Any, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
              as_json: bool) -> None:
    """Output size of max pooling (torch.nn.MaxPoolNd), floor or ceil mode.

    \b
    Example:
      quizzer calc pool -i 112 -k 3 -s 2 -p 1
    """
    from quizzer.calc import pool_size

    _show(pool_size(input_size, kernel, stride, padding, dilation, ceil_mode), as_json)


@calc.command("receptive-field")
@click.argument("layers", nargs=-1, required=True)
@_json
def calc_receptive_field(layers: tuple[str, ...], as_json: bool) -> None:
    """Receptive field of a stack of layers, each written kernel,stride[,dilation].

    \b
    Example (three 3x3 convs, the middle one with stride 2):
      quizzer calc receptive-field 3,1 3,2 3,1
    """
    from quizzer.calc import receptive_field

    parsed = []
    for text in layers:
        try:
            values = tuple(int(v) for v in text.split(","))
        except ValueError:
            raise click.BadParameter(f"{text!r}: write each layer as kernel,stride[,dilation], e.g. 3,2",
                                     param_hint="LAYERS") from None
        if not 2 <= len(values) <= 3:
            raise click.BadParameter(f"{text!r}: write each layer as kernel,stride[,dilation], e.g. 3,2",
                                     param_hint="LAYERS")
        parsed.append(values)
    _show(receptive_field(parsed), as_json)


@calc.command("softmax")
@click.argument("x", nargs=-1)
@click.option("--temperature", "-t", type=float, default=1.0, show_default=True, help="Divide the logits by T first.")
@_json
def calc_softmax(x: tuple[str, ...], temperature: float, as_json: bool) -> None:
    """Softmax of the logits X, the stable way, and whether the textbook formula fails.

    \b
    Example:
      quizzer calc softmax 1000 1001 1002
    """
    from quizzer.calc import softmax

    _show(softmax(_vector(x, "logits"), temperature), as_json)


_base = click.option("--base", type=float, default=None, help="Logarithm base: 2 for bits [default: e, nats].")
_normalize = click.option("--normalize", is_flag=True, help="Rescale the entries to sum to 1 (e.g. counts).")


@calc.command("entropy")
@click.argument("p", nargs=-1)
@_base
@_normalize
@_json
def calc_entropy(p: tuple[str, ...], base: float | None, normalize: bool, as_json: bool) -> None:
    """Entropy H(P) of a distribution.

    \b
    Example:
      quizzer calc entropy 1/2 1/4 1/4 --base 2
    """
    from quizzer.calc import entropy

    _show(entropy(_vector(p, "probabilities"), base, normalize), as_json)


@calc.command("cross-entropy")
@click.option("--p", "p", type=NUMBERS, required=True, help="The true distribution P, e.g. 1,0,0.")
@click.option("--q", "q", type=NUMBERS, required=True, help="The model's distribution Q.")
@_base
@_normalize
@_json
def calc_cross_entropy(p: list[float], q: list[float], base: float | None, normalize: bool, as_json: bool) -> None:
    """Cross-entropy H(P, Q) = H(P) + KL(P‖Q).

    \b
    Example:
      quizzer calc cross-entropy --p 1,0,0 --q 0.7,0.2,0.1
    """
    from quizzer.calc import cross_entropy

    _show(cross_entropy(p, q, base, normalize), as_json)


@calc.command("kl")
@click.option("--p", "p", type=NUMBERS, required=True, help="Distribution P (the one the expectation is over).")
@click.option("--q", "q", type=NUMBERS, required=True, help="Distribution Q.")
@_base
@_normalize
@_json
def calc_kl(p: list[float], q: list[float], base: float | None, normalize: bool, as_json: bool) -> None:
    """KL divergence D_KL(P‖Q), and the reverse for comparison.

    \b
    Example:
      quizzer calc kl --p 0.5,0.5 --q 0.9,0.1
    """
    from quizzer.calc import kl_divergence

    _show(kl_divergence(p, q, base, normalize), as_json)


@calc.command("perceptron")
@click.option("--radius", "-R", type=float, required=True, help="R = max ‖x_i‖.")
@click.option("--margin", "-g", type=float, required=True, help="γ: the geometric margin (or band width with --band).")
@click.option("--band", is_flag=True, help="γ is the width of the empty band (the 4R²/γ² form).")
@_json
def calc_perceptron(radius: float, margin: float, band: bool, as_json: bool) -> None:
    """Novikoff's bound on the perceptron's number of updates.

    \b
    Example:
      quizzer calc perceptron --radius 5 --margin 0.5
    """
    from quizzer.calc import perceptron_bound

    _show(perceptron_bound(radius, margin, band), as_json)
