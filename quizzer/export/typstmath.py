"""LaTeX math, as written in cards and exercises, turned into Typst math for the PDF sheets.

Typst has its own math syntax (``frac(a, b)``, ``sqrt(x)``, ``x_(i j)``), and the one converter
packaged for it (mitex) would be downloaded at compile time, which quizzer never does.  The LaTeX
that quizzer writes is a small, known subset, so this module reads it with a little recursive
parser and writes Typst.  Anything outside the subset raises :class:`UnsupportedLatex` naming the
macro; the renderer then prints that formula as code instead of guessing, and a test keeps every
exercise kind inside the subset.
"""

from __future__ import annotations

import re

__all__ = ["UnsupportedLatex", "latex_to_typst"]


class UnsupportedLatex(ValueError):
    """The formula uses LaTeX this converter does not know."""


# Macros that stand for one symbol.  Unicode characters are valid Typst math and need no lookup.
_SYMBOLS: dict[str, str] = {
    # Greek
    "alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta", "epsilon": "epsilon.alt",
    "varepsilon": "epsilon", "zeta": "zeta", "eta": "eta", "theta": "theta", "vartheta": "theta.alt",
    "iota": "iota", "kappa": "kappa", "lambda": "lambda", "mu": "mu", "nu": "nu", "xi": "xi", "pi": "pi",
    "rho": "rho", "sigma": "sigma", "tau": "tau", "upsilon": "upsilon", "phi": "phi.alt", "varphi": "phi",
    "chi": "chi", "psi": "psi", "omega": "omega", "Gamma": "Gamma", "Delta": "Delta", "Theta": "Theta",
    "Lambda": "Lambda", "Xi": "Xi", "Pi": "Pi", "Sigma": "Sigma", "Phi": "Phi", "Psi": "Psi", "Omega": "Omega",
    # operators and relations
    "times": "×", "cdot": "⋅", "div": "÷", "pm": "±", "mp": "∓", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "neq": "≠", "ne": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ll": "≪", "gg": "≫",
    "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "ast": "∗", "star": "⋆",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "iff": "⇔", "implies": "⇒", "mapsto": "↦",
    "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "emptyset": "∅",
    "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩",
    "mid": "|", "vert": "|", "Vert": "‖", "|": "‖", "top": "⊤", "prime": "′", "ell": "ℓ",
    "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "#": "#", "$": "$",
    # large operators and named functions: Typst knows these by name
    "sum": "sum", "prod": "product", "int": "integral", "lim": "lim", "log": "log", "ln": "ln", "exp": "exp",
    "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "min": "min",
    "max": "max", "sup": "sup", "inf": "inf", "arg": "arg", "det": "det", "dim": "dim", "Pr": "Pr",
    "argmax": 'op("arg max", limits: #true)', "argmin": 'op("arg min", limits: #true)',
}
_SPACES = {",": "thin", ":": "med", ">": "med", ";": "thick", "!": "", " ": "space", "quad": "quad",
           "qquad": "wide"}
_ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "macron",
            "overline": "overline", "underline": "underline", "vec": "arrow", "dot": "dot", "ddot": "dot.double"}
_FONTS = {"mathrm": "upright", "operatorname": "upright", "mathbf": "bold", "boldsymbol": "bold",
          "mathit": "italic", "mathcal": "cal", "mathbb": "bb"}
_FRACS = {"frac", "tfrac", "dfrac"}
_MATRICES = {"matrix": "#none", "pmatrix": '"("', "bmatrix": '"["', "Bmatrix": '"{"', "vmatrix": '"|"',
             "Vmatrix": '"‖"'}
_IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
            "textstyle", "limits", "nolimits"}
# Characters with a meaning in Typst math that must be written escaped to appear as themselves.
_ESCAPE = {",": "\\,", ";": "\\;", "/": "\\/", '"': '\\"', "#": "\\#", "$": "\\$", "@": "\\@", "\\": "\\\\"}

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\s+|.", re.S)


def latex_to_typst(latex: str) -> str:
    """The Typst math for a LaTeX formula (without its dollar signs)."""
    return _Parser(latex).convert()


class _Parser:
    def __init__(self, latex: str):
        self.latex = latex
        self.tokens = [t for t in _TOKEN.findall(latex)]
        self.pos = 0

    def convert(self) -> str:
        out = self._sequence(stop=())
        if self.pos < len(self.tokens):
            raise UnsupportedLatex(f"unbalanced '{self.tokens[self.pos]}' in {self.latex!r}")
        return out

    # -- reading ---------------------------------------------------------------------------

    def _peek(self) -> str | None:
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> str:
        tok = self._peek()
        if tok is None:
            raise UnsupportedLatex(f"formula ends too early: {self.latex!r}")
        self.pos += 1
        return tok

    def _group_text(self) -> str:
        """The raw characters of a ``{...}`` argument (for \\text and \\begin)."""
        if self._next() != "{":
            raise UnsupportedLatex(f"expected '{{' in {self.latex!r}")
        depth, parts = 1, []
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            depth += tok == "{"
            depth -= tok == "}"
            if depth == 0:
                return "".join(parts)
            parts.append(tok)
        raise UnsupportedLatex(f"missing '}}' in {self.latex!r}")

    def _argument(self) -> str:
        """One macro argument: a braced group or a single token, as Typst."""
        tok = self._peek()
        if tok == "{":
            self._next()
            return self._sequence(stop=("}",), closing=True)
        return self._atom(self._next())

    def _optional(self) -> str | None:
        if self._peek() != "[":
            return None
        self._next()
        return self._sequence(stop=("]",), closing=True)

    # -- writing ---------------------------------------------------------------------------

    def _sequence(self, stop: tuple[str, ...], closing: bool = False, grid: tuple[str, str] | None = None) -> str:
        """Atoms up to a stop token; ``grid`` gives the Typst for ``&`` and ``\\\\`` in an environment."""
        atoms: list[str] = []
        while True:
            tok = self._peek()
            if tok is None:
                if closing:
                    raise UnsupportedLatex(f"missing '{stop[0]}' in {self.latex!r}")
                break
            if tok in stop:
                if closing:
                    self.pos += 1
                break
            if grid is not None and tok in ("&", "\\\\"):
                self.pos += 1
                atoms.append(grid[0] if tok == "&" else grid[1])
                continue
            self.pos += 1
            if tok in ("^", "_"):
                arg = self._script_argument()
                if not atoms:
                    atoms.append('""')
                atoms[-1] += tok + arg
                continue
            atoms.append(self._atom(tok))
        return _join(atoms)

    def _script_argument(self) -> str:
        tok = self._peek()
        if tok == "{":
            self._next()
            inner = self._sequence(stop=("}",), closing=True)
            return f"({inner})"
        tok = self._next()
        if re.fullmatch(r"[A-Za-z0-9]", tok):
            return tok
        return f"({self._atom(tok)})"

    def _atom(self, tok: str) -> str:
        if tok == "{":
            return self._sequence(stop=("}",), closing=True)
        if tok.startswith("\\") and len(tok) > 1:
            return self._macro(tok[1:])
        if tok == "~":
            return "space"
        if tok == "'":
            return "'"
        if tok == "&":
            return "&"
        if re.fullmatch(r"[A-Za-z]", tok):
            return tok
        return _ESCAPE.get(tok, tok)

    def _macro(self, name: str) -> str:
        star = name.endswith("*")
        name = name.rstrip("*")
        if name in _SPACES:
            return _SPACES[name]
        if name in _IGNORED:
            return ""
        if name in _FRACS:
            num, den = self._argument(), self._argument()
            return f"frac({num}, {den})"
        if name == "sqrt":
            index = self._optional()
            body = self._argument()
            return f"root({index}, {body})" if index else f"sqrt({body})"
        if name in ("text", "textrm", "mathrm", "textit", "textbf", "operatorname") and self._is_plain_text_next():
            text = _unescape_text(self._group_text())
            quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if name == "operatorname":
                return f'op({quoted}, limits: #{"true" if star else "false"})'
            if name == "textbf":
                return f"bold({quoted})"
            if name == "textit":
                return f"italic({quoted})"
            return f"upright({quoted})" if name == "mathrm" and len(text) > 1 else quoted
        if name in _FONTS:
            return f"{_FONTS[name]}({self._argument()})"
        if name in _ACCENTS:
            return f"{_ACCENTS[name]}({self._argument()})"
        if name == "begin":
            return self._environment(self._group_text())
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        raise UnsupportedLatex(f"no Typst form for \\{name} in {self.latex!r}")

    def _is_plain_text_next(self) -> bool:
        return self._peek() == "{"

    def _environment(self, env: str) -> str:
        if env in _MATRICES:
            body = self._sequence(stop=("\\end",), closing=True, grid=(",", ";"))
            self._group_text()  # {name} of \end
            return f"mat(delim: {_MATRICES[env]}, {body.strip().rstrip(';')})"
        if env == "cases":
            body = self._sequence(stop=("\\end",), closing=True, grid=("&", ","))
            self._group_text()
            return f"cases({body.strip().rstrip(',')})"
        if env in ("aligned", "align", "align*", "gathered", "split"):
            body = self._sequence(stop=("\\end",), closing=True, grid=("&", "\\"))
            self._group_text()
            return body
        raise UnsupportedLatex(f"no Typst form for the environment {env!r} in {self.latex!r}")


def _unescape_text(text: str) -> str:
    text = re.sub(r"\\([_%&#${}])", r"\1", text)
    text = text.replace("\\,", "\u2009").replace("~", "\u00a0").replace("\\ ", " ")
    if "\\" in text:
        raise UnsupportedLatex(f"a macro inside text: {text!r}")
    return text


def _join(atoms: list[str]) -> str:
    """Join atoms with spaces, except inside a number (so ``3.14`` and ``1024`` stay whole)."""
    out = ""
    for atom in atoms:
        if not atom:
            continue
        if out and not (_numeric_end(out) and _numeric_start(atom)):
            out += " "
        out += atom
    return out


def _numeric_end(text: str) -> bool:
    return bool(re.search(r"(^|[^A-Za-z_^])[0-9.]$", text)) or text in "0123456789"


def _numeric_start(atom: str) -> bool:
    return bool(re.match(r"[0-9.]", atom))
