"""LaTeX math as readable Unicode for the terminal, built on pylatexenc.

pylatexenc does the parsing and symbol tables; this module only teaches it the few things a
terminal reader needs and its defaults drop: fractions keep their grouping ``(a+b)/(c+d)``,
sub- and superscripts become Unicode (``x²``, ``β₁``) or keep their grouping (``e^(-x)``), and
norms keep their bars.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["latex_to_unicode", "render_math"]

_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True))
_SUB = dict(zip("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SIMPLE = re.compile(r"^[\w.\u0300-\u036f]+$")  # word characters, with accents such as m̂


_SCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"
# One factor: a number, or one symbol with accents and scripts (x, m̂, σ², wˡⱼₖ).
_ATOM = re.compile(rf"^[∂∇Δ]?(\d+(\.\d+)?|[^\W\d_][\u0300-\u036f]*)[{_SCRIPTS}]*$")


def _group(text: str) -> str:
    text = text.strip()
    return text if _SIMPLE.match(text) or len(text) <= 1 else f"({text})"


def _top_level_has(text: str, chars: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in chars:
            return True
    return False


def _numerator(text: str) -> str:
    """Parenthesize a numerator only when it has a top-level sum: (a+b)/c, but (x-μ)²/c."""
    text = text.strip()
    return f"({text})" if _top_level_has(text, "+-−=<>±") or (" " in text and not _ATOM.match(text)) else text


def _factor(text: str) -> str:
    """Parenthesize a denominator unless it is a single factor: a/(2σ²), not a/2σ²."""
    text = text.strip()
    return text if _ATOM.match(text) else f"({text})"


def _script(table: dict[str, str], marker: str, text: str) -> str:
    text = text.strip()
    if text and all(ch in table.values() for ch in text):  # already a script, e.g. \top -> ᵀ
        return text
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return marker + _group(text)


# Named functions end in a marker that becomes a space only before a letter or digit, so that
# "\\tanh z" reads "tanh z" while "\\max(0, z)" and "\\log_2 x" stay tight.
_FN = "\x01"
_FUNCTIONS = ("log", "ln", "exp", "max", "min", "det", "arg", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sup",
              "inf", "lim", "Pr", "dim", "ker")
_FN_SPACE = re.compile(_FN + "([" + re.escape("".join({*_SUP.values(), *_SUB.values()})) + r"]*)(?=[A-Za-z0-9\u0370-\u03ff])")


@functools.lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    wdb = latexwalker.get_default_latex_context_db()
    wdb.add_context_category(
        "quizzer-scripts",
        specials=[
            macrospec.SpecialsSpec("^", args_parser=macrospec.MacroStandardArgsParser("{")),
            macrospec.SpecialsSpec("_", args_parser=macrospec.MacroStandardArgsParser("{")),
        ],
        prepend=True,
    )

    def arg_text(n: Any, l2t: Any, i: int) -> str:
        args = n.nodeargd.argnlist if n.nodeargd else []
        return l2t.nodelist_to_text([args[i]]) if i < len(args) and args[i] is not None else ""

    def frac(n: Any, l2tobj: Any) -> str:
        return f"{_numerator(arg_text(n, l2tobj, 0))}/{_factor(arg_text(n, l2tobj, 1))}"

    def sqrt(n: Any, l2tobj: Any) -> str:
        args = n.nodeargd.argnlist if n.nodeargd else []
        root = l2tobj.nodelist_to_text([args[0]]) if args and args[0] is not None else ""
        body = l2tobj.nodelist_to_text([args[-1]]) if args else ""
        prefix = {"3": "∛", "4": "∜"}.get(root.strip(), (_script(_SUP, "", root) if root else "") + "√")
        return prefix + _group(body)

    def script(table: dict[str, str], marker: str) -> Any:
        return lambda n, l2tobj: _script(table, marker, arg_text(n, l2tobj, 0))

    tdb = get_default_latex_context_db()
    tdb.add_context_category(
        "quizzer-math",
        macros=[
            MacroTextSpec("frac", simplify_repl=frac),
            MacroTextSpec("dfrac", simplify_repl=frac),
            MacroTextSpec("tfrac", simplify_repl=frac),
            MacroTextSpec("sqrt", simplify_repl=sqrt),
            MacroTextSpec("|", simplify_repl="‖"),
            MacroTextSpec("lVert", simplify_repl="‖"),
            MacroTextSpec("rVert", simplify_repl="‖"),
            MacroTextSpec("Vert", simplify_repl="‖"),
            MacroTextSpec("left", simplify_repl=""),
            MacroTextSpec("right", simplify_repl=""),
            MacroTextSpec("top", simplify_repl="ᵀ"),
            MacroTextSpec("intercal", simplify_repl="ᵀ"),
            MacroTextSpec("odot", simplify_repl="⊙"),
            MacroTextSpec("operatorname", simplify_repl="%(1)s"),
            MacroTextSpec("mathrm", simplify_repl="%(1)s"),
            MacroTextSpec("text", simplify_repl="%(1)s"),
            MacroTextSpec("mathbf", simplify_repl="%(1)s"),
            MacroTextSpec("boldsymbol", simplify_repl="%(1)s"),
            *(MacroTextSpec(name, simplify_repl=name + _FN) for name in _FUNCTIONS),
            MacroTextSpec("ne", simplify_repl="≠"),
            MacroTextSpec("iff", simplify_repl="⇔"),
            MacroTextSpec("xrightarrow", simplify_repl="─%(1)s→"),
            MacroTextSpec("quad", simplify_repl="  "),
            MacroTextSpec("qquad", simplify_repl="    "),
            MacroTextSpec(",", simplify_repl=" "),
            MacroTextSpec(";", simplify_repl=" "),
            MacroTextSpec("!", simplify_repl=""),
        ],
        specials=[
            SpecialsTextSpec("^", simplify_repl=script(_SUP, "^")),
            SpecialsTextSpec("_", simplify_repl=script(_SUB, "_")),
        ],
        prepend=True,
    )
    for name in ("operatorname", "mathrm", "text", "mathbf", "boldsymbol", "xrightarrow"):
        wdb.add_context_category(f"quizzer-arg-{name}", macros=[macrospec.MacroSpec(name, "{")], prepend=True)
    for name in ("frac", "dfrac", "tfrac"):
        wdb.add_context_category(f"quizzer-arg-{name}", macros=[macrospec.MacroSpec(name, "{{")], prepend=True)

    def convert(latex: str) -> str:
        walker = latexwalker.LatexWalker(latex, latex_context=wdb, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        return LatexNodes2Text(latex_context=tdb, math_mode="text", strict_latex_spaces=False).nodelist_to_text(nodes)

    return convert


def latex_to_unicode(latex: str) -> str:
    """One LaTeX math expression (without the $ delimiters) as Unicode text."""
    try:
        text = _converter()(latex)
    except Exception:  # a formula the parser cannot read is shown as written rather than lost
        return latex
    text = _FN_SPACE.sub(r"\1 ", text).replace(_FN, "")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(?!\s)([^$\n]+?)(?<!\s)\$", re.S)


def render_math(markdown: str) -> str:
    """Replace ``$...$`` and ``$$...$$`` in Markdown with Unicode (display math on its own line)."""

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return "\n\n    " + latex_to_unicode(m.group(1)).replace("\n", " ") + "\n\n"
        return latex_to_unicode(m.group(2))

    return _MATH.sub(repl, markdown)
