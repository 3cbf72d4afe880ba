"""Reading what a person typed into a number, a tuple of numbers or a word.

People type answers the way they write them on paper or with a Chinese input method: 1.2×10⁻³,
63.2%, 3/4, 2ln2, 16x16, full-width digits and commas.  This module reads all of that with a small
recursive-descent parser of its own; typed text is never handed to ``eval`` or to Python's parser.
Work is bounded: at most ``MAX_CHARS`` characters, ``MAX_DEPTH`` levels of nesting, and numbers
too large for a float become ``inf`` instead of being computed.

Decisions on the ambiguous notations:

* ``x``, ``×`` or ``by`` between plain whole numbers, and nothing else, is a size: ``16x16`` and
  ``3 × 3 × 64`` are tuples.  Anywhere else ``x``/``×`` is a multiplication (``0.5x2``,
  ``3x3x64 + 1``), and ``1.2x10^-3`` is scientific notation.  ``*`` always multiplies:
  ``16*16`` is 256.
* ``log`` is the natural logarithm, as in numpy and PyTorch; ``log2``/``log10`` name their base.
* Commas, semicolons and spaces separate list entries.  A comma is a thousands separator only when
  the whole answer is one number grouped in threes, like ``1,000`` or ``12,345.6``; callers that
  expect a list switch that off, so there ``1,000`` is two entries.
* ``+``/``-`` after a space and directly before a number start a new entry, as in numpy's and
  MATLAB's printed arrays: ``0.1 -0.2`` is two entries, ``0.1 - 0.2`` is one subtraction.
* Juxtaposition multiplies only without a space: ``2pi`` and ``2(3+1)`` are products, ``2 pi`` is
  a list of two entries.
* ``nan`` is accepted only on its own (it can be an answer), never inside arithmetic.
* Full-width forms (``０-９``, ``．``, ``，``, ``（）``, ``－``, ``％``) are read as their ASCII
  counterparts; ``、`` separates entries like a comma; ``。`` is never a decimal point.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, replace

from quizzer.errors import AnswerFormatError
from quizzer.exercises.types import Value

__all__ = ["MAX_CHARS", "MAX_DEPTH", "ReadError", "Reading", "normalize", "read", "word_key"]

MAX_CHARS = 200
MAX_DEPTH = 24
_MAX_INT_BITS = 1023  # larger whole numbers would not survive conversion to float; they become inf

EXAMPLES_EN = (
    "Type a number such as 42, 0.25, -1.5e-3, 1.2×10^-3, 3/4, 63.2% or 2*ln(2); "
    "a list such as [0.1, 0.2]; a size such as 16x16; or a word."
)
EXAMPLES_ZH = "请输入数字（如 42、0.25、-1.5e-3、1.2×10^-3、3/4、63.2%、2*ln(2)）、列表（如 [0.1, 0.2]）、尺寸（如 16x16）或单词。"


class ReadError(AnswerFormatError):
    """A typed answer could not be read; carries the reason in English and in Chinese."""

    def __init__(self, text: str, reason_en: str, reason_zh: str):
        shown = text.strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        self.reason_en, self.reason_zh = reason_en, reason_zh
        self.zh = f"无法识别“{shown}”：{reason_zh}。{EXAMPLES_ZH}"
        super().__init__(f"Could not read {shown!r}: {reason_en}. {EXAMPLES_EN}")


@dataclass(frozen=True)
class Reading:
    """A typed answer read, with what the checker needs to know about how it was written."""

    value: Value
    sizes: bool = False  # written as a size with x/×, e.g. 16x16
    sig_digits: int | None = None  # significant digits, when the answer is one written-out number
    decimal_comma: bool = False  # looks like "0,5": maybe a decimal comma, read as a list
    grouped: bool = False  # commas were read as thousands separators, as in 1,000


_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPER_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# Applied after NFKC, which already maps the full-width forms to ASCII.
_CHARS = str.maketrans({
    "−": "-", "–": "-", "—": "-", "‒": "-", "✕": "×", "✖": "×", "⨯": "×", "·": "*", "⋅": "*", "∙": "*", "∗": "*",
    "÷": "/", "⁄": "/", "∕": "/", "、": ",", "【": "[", "】": "]", "{": "[", "}": "]",
    "≈": "=", "≃": "=", "≅": "=", "→": "=", "⇒": "=",
})
_LABEL = re.compile(r"[^\W\d_]\w*(?: [^\W\d_]\w*)? ?: ?")
_QUOTES = "\"'`“”‘’「」『』"
_THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?%?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_WORD = re.compile(r"[^\W\d_](?:[\w' -]*[^\W_])?")
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<num>(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>log_?(?:2|10)(?![0-9])|[^\W\d_]+)"
    r"|(?P<op>\*\*|[-+*/^%()\[\],;×√∞])"
)
_CONSTANTS = {
    "e": math.e, "pi": math.pi, "π": math.pi, "inf": math.inf, "infinity": math.inf, "∞": math.inf, "nan": math.nan,
    "无穷": math.inf, "无穷大": math.inf, "正无穷": math.inf, "正无穷大": math.inf, "负无穷": -math.inf, "负无穷大": -math.inf,
}
_FUNCTIONS = {"ln": "ln", "log": "ln", "log2": "log2", "log_2": "log2", "log10": "log10", "log_10": "log10",
              "exp": "exp", "sqrt": "sqrt", "√": "sqrt"}
_LOGS = {"ln": math.log, "log2": math.log2, "log10": math.log10}
_TIMES_WORDS = {"x", "by", "×"}
_KNOWN_NAMES = {*_CONSTANTS, *_FUNCTIONS, *_TIMES_WORDS}
_NAN_ALONE = ("nan can only be given on its own", "nan 只能单独作为答案")
_UNKNOWN_EN = "(known: e, pi, inf, nan, ln, log, log2, log10, exp, sqrt; write numbers without units)"
_UNKNOWN_ZH = "（可用：e、pi、inf、nan、ln、log、log2、log10、exp、sqrt；数字后面不要写单位）"


def normalize(text: str) -> str:
    """Map full-width and typographic forms to ASCII, drop labels like "答案:" and "= ", trim."""
    if len(text) > MAX_CHARS:
        raise ReadError(text[:40], f"it is {len(text)} characters long; at most {MAX_CHARS} are read",
                        f"答案太长（{len(text)} 个字符，最多 {MAX_CHARS} 个）")
    s = _SUPER_RUN.sub(lambda m: "^(" + m.group().translate(_SUPER) + ")", text)
    s = " ".join(unicodedata.normalize("NFKC", s).translate(_CHARS).split())
    parts = [p.strip() for p in s.split("=") if p.strip()]
    s = parts[-1] if parts else ""
    label = _LABEL.match(s)
    if label and label.end() < len(s):
        s = s[label.end():]
    s = s.strip(_QUOTES).strip().lstrip("~").rstrip("。.!").strip()
    return s


@functools.lru_cache(maxsize=2048)
def word_key(text: str) -> str:
    """A word for comparison: normalized, case-folded, without spaces, hyphens or underscores."""
    return re.sub(r"[\s_-]+", "", normalize(text).casefold())


# A plain decimal literal, the commonest answer by far, read without the full grammar; _read
# gives the same Reading for it (a test holds the two to that).
_PLAIN = re.compile(r"[ \t]*([+-]?)((?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?)[ \t]*")


def read(text: str, *, thousands: bool = True) -> Reading:
    """Read a typed answer; raise :class:`ReadError` (an ``AnswerFormatError``) saying why not."""
    if type(text) is str and len(text) <= 40 and (m := _PLAIN.fullmatch(text)):
        sign, lit = m.groups()
        v: int | float = float(lit) if ("." in lit or "e" in lit or "E" in lit) else _whole(int(lit))
        return Reading(-v if sign == "-" else v, sig_digits=_sig_digits(lit))
    return _read(text, thousands=thousands)


def _read(text: str, *, thousands: bool = True) -> Reading:
    if not isinstance(text, str):
        raise TypeError(f"an answer is text, not {type(text).__name__}")
    s = normalize(text)
    if not s:
        raise ReadError(text, "the answer is empty", "答案是空的")
    decimal_comma = grouped = False
    if thousands and _THOUSANDS.fullmatch(s):
        s, grouped = s.replace(",", ""), True
    elif _DECIMAL_COMMA.fullmatch(s):
        decimal_comma = True
    try:
        reading = _Parser(s, text).answer(decimal_comma)
        return replace(reading, grouped=True) if grouped else reading
    except ReadError:
        # A word must hold a name that is no constant or function: "inf-inf" stays an error.
        names = re.findall(r"[^\W\d_]+", s.casefold())
        if _WORD.fullmatch(s) and any(n not in _KNOWN_NAMES for n in names):
            return Reading(" ".join(s.casefold().split()))
        raise


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "name", "op"
    text: str
    space_before: bool
    space_after: bool


@dataclass(frozen=True)
class _Num:
    """An intermediate number with how it was written (literal text, size chain, nan literal)."""

    v: int | float
    lit: str | None = None  # the literal as typed, for a single written-out number
    chain: tuple[int, ...] | None = None  # factors of a size written with x/×
    nan: bool = False

    @property
    def plain_int(self) -> bool:
        return self.lit is not None and isinstance(self.v, int) and self.chain is None


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Num, ...]


def _tokens(s: str, text: str) -> list[_Tok]:
    raw: list[tuple[str, str]] = []
    spaces: list[bool] = []
    pos, space = 0, False
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            raise ReadError(text, f"unexpected character {s[pos]!r}", f"无法识别的字符“{s[pos]}”")
        pos = m.end()
        if m.lastgroup == "space":
            space = True
            continue
        kind, tok = m.lastgroup or "op", m.group()
        if tok in ("∞", "√"):
            kind = "name"
        if kind == "name":
            tok = tok.casefold()
            if tok in _TIMES_WORDS:
                kind, tok = "op", "x"
            elif tok not in _KNOWN_NAMES:
                raise ReadError(text, f"unknown name {tok!r} {_UNKNOWN_EN}", f"不认识“{tok}”{_UNKNOWN_ZH}")
        elif tok == "×":
            tok = "x"
        raw.append((kind, tok))
        spaces.append(space)
        space = False
    spaces.append(True)
    return [_Tok(k, t, spaces[i], spaces[i + 1]) for i, (k, t) in enumerate(raw)]


def _float(v: float) -> float:
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _whole(v: int) -> int | float:
    """Keep whole numbers exact while a float could still hold them; beyond that they are inf."""
    return v if v.bit_length() <= _MAX_INT_BITS else _float(v)


def _sig_digits(lit: str) -> int | None:
    mantissa = re.split("[eE]", lit)[0].replace(".", "").lstrip("0")
    return len(mantissa) or None


class _Parser:
    """answer := seq; seq := expr ((',' | ';' | space) expr)*; expr := term (('+'|'-') term)*;
    term := factor (('*'|'/'|'x') factor | factor-without-space)*; factor := ('+'|'-') factor | power;
    power := postfix (('^'|'**') factor)?; postfix := primary '%'?;
    primary := number | constant | function (paren | factor) | '(' seq ')' | '[' seq ']'."""

    def __init__(self, s: str, text: str):
        self.text = text
        self.toks = _tokens(s, text)
        self.i = 0
        self.depth = 0

    def fail(self, en: str, zh: str) -> ReadError:
        return ReadError(self.text, en, zh)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.fail("the answer ends too early", "答案不完整")
        self.i += 1
        return tok

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("it is nested too deeply", "嵌套太深")

    def answer(self, decimal_comma: bool) -> Reading:
        items, _ = self.seq(None)
        if self.peek() is not None:
            tok = self.take()
            raise self.fail(f"unexpected {tok.text!r}", f"此处不应出现“{tok.text}”")
        if len(items) == 1:
            only = items[0]
            if isinstance(only, _Seq):
                return Reading(tuple(n.v for n in only.items))
            if only.chain is not None:
                return Reading(only.chain, sizes=True)
            sig = _sig_digits(only.lit) if only.lit is not None else None
            return Reading(only.v, sig_digits=sig)
        return Reading(tuple(self.entry(n).v for n in items), decimal_comma=decimal_comma)

    def entry(self, item: _Num | _Seq) -> _Num:
        if isinstance(item, _Seq):
            raise self.fail("lists cannot be nested", "列表不能嵌套")
        if item.chain is not None:
            raise self.fail("write one size such as 16x16, or a list such as (16, 16)",
                            "请只写一个尺寸（如 16x16）或一个列表（如 (16, 16)）")
        return item

    def seq(self, closer: str | None) -> tuple[list[_Num | _Seq], bool]:
        """The entries up to ``closer``, and whether a separator trailed them, as in "(16,)"."""
        items: list[_Num | _Seq] = []
        while True:
            tok = self.peek()
            if tok is None or tok.text == closer:
                if not items:
                    raise self.fail("the list is empty", "列表是空的")
                return items, False
            if items:
                if tok.text in (",", ";"):
                    self.take()
                    tok = self.peek()
                    if tok is None or tok.text == closer:
                        return items, True
                elif not tok.space_before:
                    raise self.fail(f"unexpected {tok.text!r}", f"此处不应出现“{tok.text}”")
            items.append(self.expr(in_seq=True))

    def expr(self, in_seq: bool) -> _Num | _Seq:
        left = self.term()
        while (tok := self.peek()) is not None and tok.text in ("+", "-"):
            if in_seq and tok.space_before and not tok.space_after:
                break  # "0.1 -0.2": a new entry
            self.take()
            left = self.arith(tok.text, left, self.term())
        return left

    def term(self) -> _Num | _Seq:
        left = self.factor()
        while (tok := self.peek()) is not None:
            if tok.text in ("*", "/", "x"):
                self.take()
                right = self.factor()
                if tok.text == "x" and isinstance(left, _Num) and isinstance(right, _Num) and right.plain_int \
                        and (left.plain_int or left.chain is not None):
                    chain = (left.chain or (int(left.v),)) + (int(right.v),)
                    left = _Num(self.arith("*", left, right).v, lit=None, chain=chain)
                else:
                    left = self.arith("/" if tok.text == "/" else "*", left, right)
            elif not tok.space_before and (tok.kind == "name" or tok.text == "("):
                if tok.text == "e" and self.toks[self.i - 1].kind == "num":
                    n = self.toks[self.i - 1].text
                    raise self.fail(f"'{n}e' is unfinished: write {n}e-3 for scientific notation or {n}*e for a product",
                                    f"“{n}e”不完整：科学记数法请写 {n}e-3，乘以 e 请写 {n}*e")
                left = self.arith("*", left, self.power())  # 2pi, 2ln2, 2(3+1)
            else:
                return left
        return left

    def factor(self) -> _Num | _Seq:
        tok = self.peek()
        if tok is not None and tok.text in ("+", "-"):
            self.take()
            self.enter()
            operand = self.factor()
            self.depth -= 1
            num = self.number(operand)
            if tok.text == "+":
                return _Num(num.v, lit=num.lit, nan=num.nan)
            return _Num(-self.number(operand, arithmetic=True).v, lit=num.lit)
        return self.power()

    def power(self) -> _Num | _Seq:
        base = self.postfix()
        tok = self.peek()
        if tok is not None and tok.text in ("^", "**"):
            self.take()
            self.enter()
            exponent = self.factor()
            self.depth -= 1
            return self.arith("^", base, exponent)
        return base

    def postfix(self) -> _Num | _Seq:
        value = self.primary()
        tok = self.peek()
        if tok is not None and tok.text == "%":
            self.take()
            num = self.number(value, arithmetic=True)
            if num.lit is not None:  # shift the exponent so 63.2% is exactly the float 0.632
                m = re.fullmatch(r"([0-9.]+)(?:[eE]([+-]?[0-9]+))?", num.lit)
                if m:
                    return _Num(float(f"{m[1]}e{int(m[2] or 0) - 2}"), lit=num.lit)
            return _Num(num.v / 100)
        return value

    def primary(self) -> _Num | _Seq:
        tok = self.take()
        if tok.kind == "num":
            lit = tok.text.replace("_", "")
            if "." in lit or "e" in lit or "E" in lit:
                return _Num(float(lit), lit=lit)
            return _Num(_whole(int(lit)), lit=lit)
        if tok.kind == "name" and tok.text in _CONSTANTS:
            value = _CONSTANTS[tok.text]
            return _Num(value, nan=math.isnan(value))
        if tok.kind == "name":
            return self.call(_FUNCTIONS[tok.text], tok.text)
        if tok.text in ("(", "["):
            closer = ")" if tok.text == "(" else "]"
            self.enter()
            items, trailing = self.seq(closer)
            self.depth -= 1
            end = self.peek()
            if end is None or end.text != closer:
                raise self.fail(f"missing {closer!r}", f"缺少“{closer}”")
            self.take()
            if tok.text == "(" and len(items) == 1 and not trailing:
                return items[0]
            return _Seq(tuple(self.entry(n) for n in items))
        raise self.fail(f"unexpected {tok.text!r}", f"此处不应出现“{tok.text}”")

    def call(self, func: str, name: str) -> _Num:
        nxt = self.peek()
        if nxt is None or nxt.text in (")", "]", ",", ";"):
            raise self.fail(f"{name} needs an argument, e.g. {name}(2)", f"{name} 需要参数，如 {name}(2)")
        self.enter()
        if nxt.text == "(":
            self.take()
            arg = self.expr(in_seq=False)
            end = self.peek()
            if end is None or end.text != ")":
                raise self.fail("missing ')'", "缺少“)”")
            self.take()
        else:
            arg = self.factor()
        self.depth -= 1
        x = _float(self.number(arg, arithmetic=True).v)
        if func == "exp":
            try:
                return _Num(math.exp(x))
            except OverflowError:
                return _Num(math.inf)
        if x < 0:
            raise self.fail(f"{name} of a negative number is not a real number", f"负数的 {name} 不是实数")
        if func == "sqrt":
            return _Num(math.sqrt(x))
        return _Num(_LOGS[func](x) if x else -math.inf)

    def number(self, item: _Num | _Seq, arithmetic: bool = False) -> _Num:
        """A number to compute with; ``arithmetic`` when it is an operand, which nan cannot be."""
        if isinstance(item, _Seq):
            raise self.fail("a list cannot be part of arithmetic", "列表不能参与运算")
        if arithmetic and item.nan:
            raise self.fail(*_NAN_ALONE)
        return item

    def arith(self, op: str, left: _Num | _Seq, right: _Num | _Seq) -> _Num:
        x, y = self.number(left, arithmetic=True).v, self.number(right, arithmetic=True).v
        ints = isinstance(x, int) and isinstance(y, int)
        if op == "/" and y == 0:
            raise self.fail("it divides by zero", "除数为零")
        if op == "^":
            result = self.power_of(x, y)
        elif op == "/":
            try:
                result = x / y
            except OverflowError:
                result = math.inf if (x > 0) == (y > 0) else -math.inf
        elif ints:
            result = _whole(x + y if op == "+" else x - y if op == "-" else x * y)
        else:
            fx, fy = _float(x), _float(y)
            result = fx + fy if op == "+" else fx - fy if op == "-" else fx * fy
        if isinstance(result, float) and math.isnan(result):
            raise self.fail("the result is undefined (like inf - inf or 0 * inf)", "结果无定义（如 inf - inf 或 0 * inf）")
        return _Num(result)

    def power_of(self, x: float, y: float) -> float:
        if isinstance(x, int) and isinstance(y, int) and y >= 0:
            if abs(x) <= 1 or y * x.bit_length() <= 2 * _MAX_INT_BITS:
                return _whole(x**y)
            return -math.inf if x < 0 and y % 2 else math.inf
        fx, fy = _float(x), _float(y)
        if fx == 0 and fy < 0:
            raise self.fail("it divides by zero", "除数为零")
        try:
            return math.pow(fx, fy)
        except OverflowError:
            odd = fy.is_integer() and abs(fy) < 2**53 and int(fy) % 2 == 1
            return -math.inf if fx < 0 and odd else math.inf
        except ValueError:
            raise self.fail("a negative number to a fractional power is not a real number",
                            "负数的分数次幂不是实数") from None
