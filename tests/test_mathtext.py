"""LaTeX math becomes readable Unicode in the terminal."""

from __future__ import annotations

import pytest

from quizzer.mathtext import latex_to_unicode, render_math


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"\sigma(x)=\frac{1}{1+e^{-x}}", "σ(x)=1/(1+e⁻ˣ)"),
        (r"\tanh z=2\sigma(2z)-1", "tanh z=2σ(2z)-1"),  # a named function keeps its space before a letter
        (r"\max(0,z)", "max(0,z)"),  # and drops it before a parenthesis
        (r"1-\tanh^2 z", "1-tanh² z"),
        (r"\log_2 x + \ln 2", "log₂ x + ln 2"),
        (r"(R/\gamma)^2", "(R/γ)²"),
        (r"\frac{4R^2}{\gamma^2}", "4R²/γ²"),
        (r"\hat m_t = m_t/(1-\beta_1^t)", "m̂ₜ = mₜ/(1-β₁ᵗ)"),
        (r"\|w\|_2", "‖w‖₂"),
        (r"\mathbf{x}^\top \mathbf{w}", "xᵀw"),
        (r"W \in \mathbb{R}^{m \times n}", "W ∈ℝ^(m ×n)"),
        (r"\sqrt{\hat v}", "√v̂"),
        (r"\sqrt{a+b}", "√(a+b)"),
        (r"\frac{(x-\mu)^2}{2\sigma^2}", "(x-μ)²/(2σ²)"),
        (r"\frac{\partial C}{\partial w}", "∂C/∂w"),
        (r"\tfrac12", "1/2"),
        (r"a \ne b", "a ≠b"),
    ],
)
def test_formulas(latex, text):
    assert latex_to_unicode(latex) == text


def test_broken_formula_never_raises():
    assert isinstance(latex_to_unicode(r"\frac{"), str)
    assert isinstance(latex_to_unicode(r"\left( x"), str)


def test_render_math_inline_and_display_and_dollar_amounts():
    out = render_math(r"bound $(R/\gamma)^2$ and $$\frac{a}{b+c}$$ costs $5 and $6")
    assert "bound (R/γ)² and" in out
    assert "\n    a/(b+c)\n" in out
    assert out.endswith("costs $5 and $6")
