"""Checking a typed answer against what an exercise expects.

Every front end (terminal study, exercise sheets, scripts) asks the same question -- was this
answer right? -- and must get the same, fair verdict.  The expected answer carries its rule
(exact, tolerance, significant figures, choice); this module applies it, recognises known wrong
answers, and otherwise says how far off the answer is, in English and in Chinese.  An answer that
cannot be read is *unreadable*, not wrong: callers do not record it, and the feedback says which
format is expected.

Decisions worth knowing:

* A single number for a size whose entries are all equal counts as that size: ``16`` answers
  ``(16, 16)``, with the note "assumed 16×16".
* A size written with ``x`` for a question asking one number is read as the product
  (``3x3x64`` is 576).
* More than one number for a one-number question, or a decimal comma (``0,5``), is unreadable.
* Significant figures: both numbers are rounded to the asked figures; an answer written with more
  figures that rounds to the expected one is right, and at an exact tie either rounding is right.
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from quizzer.answer_parser import ReadError, Reading, normalize, read, word_key
from quizzer.exercises.types import (
    Exercise,
    Expected,
    Misconception,
    Rule,
    Value,
    format_value,
)

__all__ = ["Status", "Verdict", "check", "parse"]


def parse(text: str) -> Value:
    """What a person typed, read as a number, a tuple of numbers or a lower-case word.

    Raises ``AnswerFormatError`` whose message says what was wrong and which formats are read.
    See :mod:`quizzer.answer_parser` for the notation rules.
    """
    return read(text).value


class Status(enum.StrEnum):
    """What became of an answer."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    UNREADABLE = "unreadable"  # not recorded: the person is asked to type it again


@dataclass(frozen=True)
class Verdict:
    """The result of checking one answer, with feedback in both languages."""

    status: Status
    feedback_en: str
    feedback_zh: str
    misconception: str | None = None  # the name of the known wrong answer it matched
    given: Value | None = None  # the answer as read; None when it could not be read
    expected: str = ""  # the expected answer as a person would write it
    lang: str = "en"  # the language asked for when checking

    @property
    def correct(self) -> bool:
        return self.status is Status.CORRECT

    def feedback(self, lang: str | None = None) -> str:
        """The feedback in ``lang`` (default: the language asked for when checking)."""
        return self.feedback_zh if _lang(lang or self.lang) == "zh" else self.feedback_en

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "status": self.status.value,
            "feedback": self.feedback(lang),
            "misconception": self.misconception,
        }


def check(target: Exercise | Expected, text: str, lang: str = "en") -> Verdict:
    """Check ``text`` against an exercise (using its known wrong answers) or a bare expected answer."""
    if isinstance(target, Exercise):
        checker = _Checker(target.answer, target.misconceptions, _lang(lang))
    elif isinstance(target, Expected):
        checker = _Checker(target, (), _lang(lang))
    else:
        raise TypeError(f"check() needs an Exercise or an Expected, not {type(target).__name__}")
    if _is_choice(checker.expected):
        return checker.choice(text)
    return checker.number(text)


def _is_choice(expected: Expected) -> bool:
    return expected.rule is Rule.CHOICE or isinstance(expected.value, str)


def _lang(lang: str) -> str:
    return "zh" if str(lang).lower().startswith("zh") else "en"


@dataclass(frozen=True)
class _Fit:
    """The answer brought to the expected shape, with a note on how."""

    value: Value
    note_en: str = ""
    note_zh: str = ""


class _Checker:
    def __init__(self, expected: Expected, misconceptions: tuple[Misconception, ...], lang: str):
        self.expected = expected
        self.value = _plain(expected.value)
        self.shown = format_value(self.value)
        self.misconceptions = misconceptions
        self.lang = lang

    def verdict(self, status: Status, en: str, zh: str, given: Value | None = None,
                misconception: str | None = None) -> Verdict:
        return Verdict(status, en, zh, misconception, given, self.shown, self.lang)

    def unreadable(self, en: str, zh: str) -> Verdict:
        hint_en, hint_zh = _hint(self.expected, self.value)
        return self.verdict(Status.UNREADABLE, f"{en} Expected: {hint_en.rstrip('. ')}.",
                            f"{zh}请按此格式作答：{hint_zh.rstrip('。')}。")

    def number(self, text: str) -> Verdict:
        try:
            reading = read(text, thousands=not isinstance(self.value, tuple))
        except ReadError as err:
            return self.unreadable(str(err), err.zh)
        fit = self.fit(reading, text)
        if isinstance(fit, Verdict):
            return fit
        given, e = reading.value, self.value
        if self.same(fit.value, e):
            en, zh = ["Correct.", fit.note_en], ["正确。", fit.note_zh]
            if format_value(fit.value) != self.shown:
                en.append(f"The exact answer is {self.shown}.")
                zh.append(f"准确答案是 {self.shown}。")
            return self.verdict(Status.CORRECT, _join(en), "".join(zh), given)
        known = self.known_wrong(fit.value, given)
        if known is not None:
            return known
        if isinstance(e, tuple) and not isinstance(given, tuple) and self.sizes_alike():
            off_en, off_zh = _off(given, e[0], exact=True)  # type: ignore[arg-type]
        else:
            off_en, off_zh = self.how_far(fit.value)
        few_en, few_zh = self.too_few_digits(reading, fit.value)
        group_en = group_zh = ""
        if reading.grouped:
            group_en = f"The commas were read as thousands separators ({format_value(given)}); write decimals with '.'."
            group_zh = f"逗号被当作千位分隔符（读作 {format_value(given)}）；小数点请写成“.”。"
        return self.verdict(Status.INCORRECT, _join(["Incorrect.", fit.note_en, group_en, off_en, few_en]),
                            f"不对。{fit.note_zh}{group_zh}{off_zh}{few_zh}", given)

    def fit(self, reading: Reading, text: str) -> _Fit | Verdict:
        e, g = self.value, reading.value
        if isinstance(g, str):
            return self.unreadable(f"Expected a number, but read the word {g!r}.", f"这里要填数字，但读到的是文字“{g}”。")
        if not isinstance(e, tuple):
            if not isinstance(g, tuple):
                return _Fit(g)
            if len(g) == 1:
                return _Fit(g[0])
            if reading.sizes:
                product = math.prod(g)
                if not self.same(product, e) and all(x == g[0] for x in g) and self.same(g[0], e):
                    return _Fit(g[0], f"Only one number was asked: {g[0]}.", f"只需填一个数：{g[0]}。")
                size = "×".join(map(str, g))
                return _Fit(product, f"Read {size} as the product {product}.", f"按乘积 {size} = {product} 理解。")
            if reading.decimal_comma:
                meant = normalize(text).replace(",", ".")
                return self.unreadable(f"A comma separates list entries; write the decimal point as '.', e.g. {meant}.",
                                       f"逗号用来分隔列表中的数；小数点请写成“.”，如 {meant}。")
            shown = format_value(g)
            return self.unreadable(f"Expected one number, but read {len(g)}: {shown}. Write a product with '*', "
                                   "e.g. 2*ln(2).", f"这里只要一个数，但读到了 {len(g)} 个：{shown}。乘积请用“*”，如 2*ln(2)。")
        if not isinstance(g, tuple):
            if len(e) == 1:
                return _Fit((g,))
            if self.sizes_alike():
                size = "×".join([format_value(g)] * len(e))
                return _Fit((g,) * len(e), f"Assumed {size}.", f"按 {size} 理解。")
            return self.wrong_shape(g, 1)
        if len(g) != len(e):
            return self.wrong_shape(g, len(g))
        return _Fit(g)

    def sizes_alike(self) -> bool:
        """Whether the expected answer is a size with all entries equal, like (16, 16)."""
        e = self.value
        return (self.expected.rule is Rule.EXACT and isinstance(e, tuple) and len(e) >= 2
                and all(isinstance(x, int) and x > 0 and x == e[0] for x in e))

    def wrong_shape(self, given: Value, count: int) -> Verdict:
        known = self.known_wrong(given, given)
        if known is not None:
            return known
        n = len(self.value)  # type: ignore[arg-type]
        return self.verdict(Status.INCORRECT, f"Incorrect. Expected {n} numbers, but got {count}.",
                            f"不对。应填 {n} 个数，你填了 {count} 个。", given)

    def known_wrong(self, value: Value, given: Value) -> Verdict | None:
        for m in self.misconceptions:
            wrong = _plain(m.value)
            if self.same(value, wrong) or (given != value and self.same(given, wrong)):
                return self.verdict(Status.INCORRECT, _join(["Incorrect.", m.feedback_en]),
                                    "不对。" + m.feedback_zh, given, m.name)
        return None

    def same(self, a: Value, e: Value) -> bool:
        """Whether ``a`` counts as ``e`` under the expected answer's rule."""
        if isinstance(a, str) or isinstance(e, str):
            return isinstance(a, str) and isinstance(e, str) and word_key(a) in _aliases(e)
        if isinstance(a, tuple) or isinstance(e, tuple):
            return (isinstance(a, tuple) and isinstance(e, tuple) and len(a) == len(e)
                    and all(self.same(x, y) for x, y in zip(a, e, strict=True)))
        if _isnan(a) or _isnan(e):
            return _isnan(a) and _isnan(e)
        if _isinf(a) or _isinf(e):
            return a == e
        rule = self.expected.rule
        if rule is Rule.EXACT:
            return a == e if isinstance(a, int) and isinstance(e, int) else _diff(a, e) <= 1e-12 * _scale(a, e)
        if rule is Rule.SIGFIGS and self.expected.sig_figs:
            return _sig_equal(a, e, self.expected.sig_figs)
        tol = max(self.expected.rel_tol * abs(_float(e)), self.expected.abs_tol)
        return _diff(a, e) <= tol + 1e-12 * _scale(a, e)

    def how_far(self, value: Value) -> tuple[str, str]:
        e = self.value
        exact = self.expected.rule is Rule.EXACT
        if not isinstance(value, tuple) or not isinstance(e, tuple):
            return _off(value, e, exact)  # type: ignore[arg-type]
        wrong = [i for i, (a, x) in enumerate(zip(value, e, strict=True)) if not self.same(a, x)]
        en = [f"{len(wrong)} of {len(e)} entries {'is' if len(wrong) == 1 else 'are'} wrong."]
        zh = [f"{len(e)} 项中有 {len(wrong)} 项不对。"]
        for i in wrong[:3]:
            off_en, off_zh = _off(value[i], e[i], exact)  # type: ignore[arg-type]
            en.append(f"Entry {i + 1}: {off_en}")
            zh.append(f"第 {i + 1} 项：{off_zh}")
        return _join(en), "".join(zh)

    def too_few_digits(self, reading: Reading, value: Value) -> tuple[str, str]:
        """A note when the answer is the right one rounded too early."""
        e, k = self.value, reading.sig_digits
        if (k is None or isinstance(value, (tuple, str)) or isinstance(e, (tuple, str)) or _isnan(e) or _isinf(e)
                or self.expected.rule is Rule.EXACT or not _sig_equal(value, e, k)):
            return "", ""
        shown = format_value(value)
        n = self.expected.sig_figs if self.expected.rule is Rule.SIGFIGS else None
        if n is not None and k < n:
            return (f"Give {n} significant figures; {shown} has only {k}.",
                    f"请保留 {n} 位有效数字；{shown} 只有 {k} 位。")
        return (f"{shown} is rounded too early; give more digits.", f"{shown} 舍入得太早了，请多保留几位。")

    def choice(self, text: str) -> Verdict:
        try:
            key, word = word_key(text), " ".join(normalize(text).casefold().split())
        except ReadError as err:
            return self.unreadable(str(err), err.zh)
        if not key:
            return self.unreadable("The answer is empty.", "答案是空的。")
        e = str(self.expected.value)
        options = [entry for entry in self.expected.choices if entry.strip()]
        right = [o for o in options if _aliases(o) & _aliases(e)] + [e]
        if any(_word_matches(text, key, o) for o in right):
            return self.verdict(Status.CORRECT, "Correct.", "正确。", word)
        for m in self.misconceptions:
            if _word_matches(text, key, str(m.value)):
                return self.verdict(Status.INCORRECT, _join(["Incorrect.", m.feedback_en]),
                                    "不对。" + m.feedback_zh, word, m.name)
        for o in options:
            if _word_matches(text, key, o):
                name = o.split("|")[0].strip()
                return self.verdict(Status.INCORRECT, f"Incorrect: the answer is not {name}.",
                                    f"不对，答案不是 {name}。", word)
        if len(options) >= 2:
            names = [o.split("|")[0].strip() for o in options]
            return self.unreadable(f"{word!r} is not one of the choices: {', '.join(names)}.",
                                   f"“{word}”不在选项中：{'、'.join(names)}。")
        return self.verdict(Status.INCORRECT, f"Incorrect: the answer is not {word!r}.", f"不对，答案不是“{word}”。", word)


def _plain(value: Any) -> Any:
    """Plain Python numbers and tuples, so numpy values or lists from a generator compare like typed ones."""
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, int):
        return int(value)  # also turns True into 1
    return float(value) if isinstance(value, float) else value


@functools.lru_cache(maxsize=1024)
def _aliases(entry: str) -> frozenset[str]:
    # The same few choice lists are compared again and again; their keys are computed once.
    return frozenset(word_key(a) for a in entry.split("|") if a.strip())


def _word_matches(text: str, key: str, entry: str) -> bool:
    """Whether a typed word is one of an entry's aliases; numbers compare by value ("2.0" is "2")."""
    if key in _aliases(entry):
        return True
    try:
        given = read(text).value
    except ReadError:
        return False
    for alias in entry.split("|"):
        try:
            value = read(alias).value
        except ReadError:
            continue
        if isinstance(value, (str, tuple)) or isinstance(given, (str, tuple)) or _isnan(value) or _isnan(given):
            continue
        if given == value or (not _isinf(given) and not _isinf(value)
                              and _diff(given, value) <= 1e-12 * _scale(given, value)):
            return True
    return False


def _hint(expected: Expected, v: Value) -> tuple[str, str]:
    """How to write the answer: the exercise's own hint, else one derived from the expected value."""
    if expected.format_hint_en or expected.format_hint_zh:
        return expected.format_hint_en or expected.format_hint_zh, expected.format_hint_zh or expected.format_hint_en
    if _is_choice(expected):
        names = [c.split("|")[0].strip() for c in expected.choices if c.strip()]
        if len(names) >= 2:
            return f"one of {', '.join(names)}", f"以下之一：{'、'.join(names)}"
        return "a word", "一个词"
    if isinstance(v, tuple):
        n = len(v)
        if all(isinstance(x, int) for x in v):
            size, listed = "x".join(["16"] * n), ", ".join(["16"] * n)
            return f"{n} whole numbers, e.g. {size} or ({listed})", f"{n} 个整数，如 {size} 或 ({listed})"
        listed = ", ".join(f"0.{i + 1}" for i in range(min(n, 3))) + (", ..." if n > 3 else "")
        return f"{n} numbers, e.g. [{listed}]", f"{n} 个数，如 [{listed}]"
    if expected.rule is Rule.EXACT and isinstance(v, int):
        return "a whole number, e.g. 42", "一个整数，如 42"
    if expected.rule is Rule.SIGFIGS and expected.sig_figs:
        example = f"{0.123456789:.{expected.sig_figs}g}"
        return (f"a number to {expected.sig_figs} significant figures, e.g. {example}",
                f"保留 {expected.sig_figs} 位有效数字的数，如 {example}")
    return "a number, e.g. 0.25, 1e-3, 3/4 or 63.2%", "一个数，如 0.25、1e-3、3/4 或 63.2%"


def _off(a: float, e: float, exact: bool) -> tuple[str, str]:
    """How far a wrong number is from the expected one, as a sentence in each language."""
    ga = format_value(a)
    if _isnan(a) or _isnan(e) or _isinf(a) or _isinf(e):
        if _isnan(e) or _isinf(e):
            return f"The answer is {format_value(e)}.", f"答案是 {format_value(e)}。"
        return "The answer is a finite number.", "答案是一个有限的数。"
    if exact and isinstance(e, int) and (isinstance(a, int) or a.is_integer()):
        d = int(a) - e
        return ((f"{ga} is {abs(d)} too high." if d > 0 else f"{ga} is {abs(d)} too low."),
                (f"{ga} 比正确答案大 {abs(d)}。" if d > 0 else f"{ga} 比正确答案小 {abs(d)}。"))
    if e == 0:
        return f"{ga} is off by {abs(_float(a)):.3g}.", f"{ga} 差了 {abs(_float(a)):.3g}。"
    if a == 0:
        return "The answer is not 0.", "答案不是 0。"
    try:
        r = _float(a) / _float(e)
    except (OverflowError, ZeroDivisionError):
        r = math.inf
    if r < 0:
        size_right = abs(abs(r) - 1) <= 0.01
        return ((f"{ga} has the wrong sign" + ("; its size is right." if size_right else ".")),
                (f"{ga} 的符号反了" + ("，大小是对的。" if size_right else "。")))
    high = r > 1
    factor = r if high else 1 / r if r else math.inf
    if math.isinf(factor):
        en, zh = f"{ga} is far too {'high' if high else 'low'}.", f"{ga} {'大' if high else '小'}得太多了。"
    elif factor >= 1.5:
        fac = f"{factor:.1f}" if factor < 10 else f"{factor:.0f}" if factor < 1e6 else f"{factor:.2g}"
        en = f"{ga} is off by a factor of {fac} (too {'high' if high else 'low'})."
        zh = f"{ga} 偏大，约为正确值的 {fac} 倍。" if high else f"{ga} 偏小，约为正确值的 1/{fac}。"
    else:
        p = abs(r - 1) * 100
        pct = f"{p:.0f}%" if p >= 10 else f"{p:.1f}%" if p >= 1 else f"{p:.2g}%"
        en = f"{ga} is {pct} too {'high' if r > 1 else 'low'}."
        zh = f"{ga} {'偏大' if r > 1 else '偏小'}约 {pct}。"
    hint_en, hint_zh = _ratio_hint(r)
    return _join([en, hint_en]), zh + hint_zh


def _ratio_hint(r: float) -> tuple[str, str]:
    """Ratios that betray a known slip: a missing or stray % sign, the wrong logarithm base."""

    def near(target: float) -> bool:
        return abs(r / target - 1) < 0.005

    if near(100):
        return "Did you leave out the % sign?", "是不是漏了 % 号？"
    if near(0.01):
        return "Is there a stray % sign?", "是不是多写了 % 号？"
    if near(1 / math.log(2)) or near(math.log(2)):
        return "Check the base of the logarithm: nats use ln, bits use log2.", "检查对数的底：nat 用 ln，bit 用 log2。"
    if near(math.log(10)) or near(1 / math.log(10)):
        return ("Check the base of the logarithm: log means ln here; write log10 for base 10.",
                "检查对数的底：这里 log 指 ln，以 10 为底请写 log10。")
    return "", ""


def _sig_equal(a: float, e: float, n: int) -> bool:
    """Whether ``a`` and ``e`` agree to ``n`` significant figures (an exact tie may round either way)."""
    if a == 0 or e == 0:
        return a == e
    with localcontext() as ctx:
        ctx.prec = 60
        mine = {_round_sig(_decimal(a), n, mode) for mode in (ROUND_HALF_UP, ROUND_HALF_DOWN)}
        # The expected value both as the exact binary float and as its shortest decimal form.
        forms = {Decimal(e), _decimal(e)}
        theirs = {_round_sig(d, n, mode) for d in forms for mode in (ROUND_HALF_UP, ROUND_HALF_DOWN)}
        return bool(mine & theirs)


def _decimal(x: float) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _round_sig(d: Decimal, n: int, mode: str) -> Decimal:
    return d.quantize(Decimal(1).scaleb(d.adjusted() - n + 1), rounding=mode).normalize()


def _isnan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _isinf(x: object) -> bool:
    return isinstance(x, float) and math.isinf(x)


def _float(x: float) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _diff(a: float, e: float) -> float:
    if isinstance(a, int) and isinstance(e, int):
        return _float(abs(a - e))
    return abs(_float(a) - _float(e))


def _scale(a: float, e: float) -> float:
    return max(abs(_float(a)), abs(_float(e)))


def _join(parts: list[str]) -> str:
    return " ".join(p for p in parts if p)
