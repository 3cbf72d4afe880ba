"""Reading typed answers and checking them: every notation, every rule, the feedback."""

from __future__ import annotations

import dataclasses
import math
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quizzer.answer_parser
import quizzer.answers
from quizzer.answer_parser import MAX_CHARS, read
from quizzer.answers import Status, Verdict, check, parse
from quizzer.errors import AnswerFormatError
from quizzer.exercises.types import Exercise, Expected, Misconception, Rule

INF = math.inf
CJK = re.compile(r"[\u4e00-\u9fff]")


def same_value(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def exercise(answer: Expected, *misconceptions: Misconception) -> Exercise:
    return Exercise("conv.output_size", 1, 2, "题", "question", "解", "solution", answer, tuple(misconceptions))


# --------------------------------------------------------------------------------------------
# parse: every accepted notation

NOTATIONS = [
    # whole numbers and decimals
    ("42", 42), ("-7", -7), ("+3", 3), ("  42  ", 42), ("1_000", 1000), ("0.25", 0.25), (".5", 0.5),
    ("5.", 5.0), ("-1.5", -1.5), ("0", 0),
    # scientific notation
    ("1e-3", 1e-3), ("1E-3", 1e-3), ("1.2E5", 1.2e5), ("1.2e+5", 1.2e5), ("1.2×10^-3", 1.2e-3),
    ("1.2x10^-3", 1.2e-3), ("1.2 x 10^-3", 1.2e-3), ("1.2*10**-3", 1.2e-3), ("1.2*10^-3", 1.2e-3),
    ("1.2·10⁻³", 1.2e-3), ("1.2×10⁻³", 1.2e-3), ("1.2 × 10^(-3)", 1.2e-3), ("10⁶", 10**6), ("2x10^3", 2000),
    # fractions and percentages
    ("3/4", 0.75), ("-3/4", -0.75), ("1/3", 1 / 3), ("63.2%", 0.632), ("50%", 0.5), ("6.32e1%", 0.632),
    ("-5%", -0.05),
    # infinities and nan
    ("inf", INF), ("Inf", INF), ("INF", INF), ("infinity", INF), ("∞", INF), ("-inf", -INF), ("+inf", INF),
    ("-∞", -INF), ("负无穷", -INF), ("无穷大", INF), ("nan", math.nan), ("NaN", math.nan),
    # lists and vectors
    ("[0.1, 0.2]", (0.1, 0.2)), ("0.1 0.2", (0.1, 0.2)), ("(0.1, 0.2)", (0.1, 0.2)), ("0.1; 0.2", (0.1, 0.2)),
    ("0.1,0.2", (0.1, 0.2)), ("[0.1 0.2]", (0.1, 0.2)), ("0.1 -0.2", (0.1, -0.2)), ("[ 0.1 -0.2]", (0.1, -0.2)),
    ("(16,)", (16,)), ("[0.5]", (0.5,)), ("0.1、0.2", (0.1, 0.2)), ("[1, 2, 3,]", (1, 2, 3)),
    ("{1, 2}", (1, 2)), ("[nan, inf]", (math.nan, INF)), ("[1/2, 2^-2]", (0.5, 0.25)),
    # sizes: x, × or "by" between plain whole numbers
    ("16x16", (16, 16)), ("16×16", (16, 16)), ("16 x 16", (16, 16)), ("16X16", (16, 16)), ("16 by 16", (16, 16)),
    ("(16, 16)", (16, 16)), ("16x16x3", (16, 16, 3)), ("3 × 3 × 64", (3, 3, 64)), ("2x10", (2, 10)),
    # '*' multiplies; x between anything but plain whole numbers multiplies
    ("16*16", 256), ("16*16*3", 768), ("0.5x2", 1.0), ("3x3x64x128+128", 73856), ("(2+2)x4", 16),
    # expressions
    ("2^10", 1024), ("2**10", 1024), ("-2^2", -4), ("2^-1", 0.5), ("2^3^2", 512), ("(1+2)*3", 9),
    ("1 - 0.2", 0.8), ("e", math.e), ("pi", math.pi), ("π", math.pi), ("PI", math.pi), ("2π", 2 * math.pi),
    ("2pi", 2 * math.pi), ("ln(2)", math.log(2)), ("log(2)", math.log(2)), ("ln 2", math.log(2)),
    ("2ln2", 2 * math.log(2)), ("2*ln(2)", 2 * math.log(2)), ("log2(8)", 3.0), ("log₂(8)", 3.0),
    ("log_2(8)", 3.0), ("log10(1000)", 3.0), ("exp(1)", math.e), ("exp(-1)", math.exp(-1)),
    ("sqrt(2)", math.sqrt(2)), ("√2", math.sqrt(2)), ("√(2)", math.sqrt(2)), ("2√2", 2 * math.sqrt(2)),
    ("1/(1+exp(-2))", 1 / (1 + math.exp(-2))), ("e^-1", math.exp(-1)), ("e⁻¹", math.exp(-1)), ("16²", 256),
    ("sqrt(2)^2", 2.0000000000000004), ("2(3+1)", 8), ("(2)e", 2 * math.e), ("2*e", 2 * math.e), ("ln(0)", -INF), ("exp(-inf)", 0.0), ("-(-3)", 3),
    # full-width forms and Chinese punctuation
    ("０．５", 0.5), ("１６×１６", (16, 16)), ("１６ｘ１６", (16, 16)), ("（０．１，０．２）", (0.1, 0.2)),
    ("［1，2］", (1, 2)), ("【1, 2】", (1, 2)), ("－3", -3), ("＋3", 3), ("−3", -3), ("３／４", 0.75),
    ("６３．２％", 0.632), ("0.1；0.2", (0.1, 0.2)), ("１，０００", 1000), ("2＊3", 6), ("2＾3", 8),
    ("3÷4", 0.75), ("1\u00a0000", (1, 0)), ("0.5\u3000", 0.5),
    # labels, "= result", quotes and a final full stop
    ("= 0.5", 0.5), ("3/4 = 0.75", 0.75), ("H_out = 16", 16), ("答案：0.5", 0.5), ("answer: 16", 16),
    ("≈ 0.693", 0.693), ("ln 2 ≈ 0.693", 0.693), ("~0.5", 0.5), ("0.5。", 0.5), ("0.5.", 0.5), ('"0.5"', 0.5),
    # thousands separators: the whole answer is one number grouped in threes
    ("1,000", 1000), ("1,000,000", 1000000), ("12,345.5", 12345.5), ("-1,000", -1000), ("1,000%", 10.0),
    ("16,16", (16, 16)), ("1,2", (1, 2)), ("0,632", (0, 632)), ("1, 000", (1, 0)), ("1,0000", (1, 0)),
    ("[1,000]", (1, 0)),
    # words, for choices
    ("ReLU", "relu"), ("Max  Pool", "max pool"), ("  Overflow ", "overflow"), ("上溢", "上溢"),
    ("float32", "float32"), ("ＡＤＡＭ", "adam"), ("log-softmax", "log-softmax"), ("x", None),
]


@pytest.mark.parametrize(("text", "expected"), [n for n in NOTATIONS if n[1] is not None])
def test_parse_notation(text, expected):
    assert same_value(parse(text), expected), parse(text)


@pytest.mark.parametrize(("text", "kind"), [
    ("16", int), ("16.0", float), ("2*8", int), ("6/3", float), ("1e3", float), ("2^10", int), ("1,000", int),
    ("50%", float), ("16x16", tuple), ("ReLU", str),
])
def test_parse_keeps_whole_numbers_whole(text, kind):
    assert type(parse(text)) is kind


def test_thousands_switched_off_reads_a_list():
    assert read("1,000", thousands=False).value == (1, 0)
    assert read("1,000").grouped and not read("1,000", thousands=False).grouped


def test_reading_records_how_it_was_written():
    assert read("16x16").sizes and not read("(16, 16)").sizes
    assert read("0.0632").sig_digits == 3
    assert read("-6.320e-2").sig_digits == 4
    assert read("63.2%").sig_digits == 3
    assert read("2*ln(2)").sig_digits is None
    assert read("0,5").decimal_comma and not read("0.5, 0.6").decimal_comma


# --------------------------------------------------------------------------------------------
# parse: errors say what went wrong and what is expected

ERRORS = [
    ("", "the answer is empty"), ("   ", "the answer is empty"), ("=", "the answer is empty"),
    ("1/0", "divides by zero"), ("0^-1", "divides by zero"), ("ln(-1)", "ln of a negative number"),
    ("sqrt(-4)", "sqrt of a negative number"), ("(-8)^(1/3)", "fractional power"),
    ("inf - inf", "undefined"), ("0*inf", "undefined"), ("nan + 1", "nan can only be given on its own"),
    ("-nan", "nan can only"), ("ln(nan)", "nan can only"), ("16 px", "unknown name 'px'"),
    ("1.2.3", "unexpected '.3'"), ("(1, 2", "missing ')'"), ("ln(2", "missing ')'"), ("ln", "ln needs an argument"),
    ("sqrt()", "unexpected ')'"), ("[[1, 2]]", "lists cannot be nested"), ("(1, 2) * 3", "a list cannot be part"),
    ("1,,2", "unexpected ','"), ("2 +", "ends too early"), ("[]", "the list is empty"), ("1)", "unexpected ')'"),
    ("16x16, 8x8", "write one size"), ("1。5", "unexpected character '。'"), ("5 $", "unexpected character '$'"),
    ("(" * 30 + "1" + ")" * 30, "nested too deeply"), ("-" * 40 + "1", "nested too deeply"),
    ("1" * (MAX_CHARS + 1), f"at most {MAX_CHARS}"), ("x", "unexpected 'x'"), ("inf-inf", "undefined"),
    ("1e", "'1e' is unfinished: write 1e-3 for scientific notation or 1*e for a product"), ("2.5E", "'2.5e' is unfinished"),
]


@pytest.mark.parametrize(("text", "reason"), ERRORS)
def test_parse_error_says_why_and_what_is_expected(text, reason):
    with pytest.raises(AnswerFormatError) as info:
        parse(text)
    message = str(info.value)
    assert message.startswith("Could not read ")
    assert reason in message
    for example in ("0.25", "1.2×10^-3", "3/4", "63.2%", "[0.1, 0.2]", "16x16"):
        assert example in message
    assert CJK.search(info.value.zh) and "16x16" in info.value.zh


def test_parse_rejects_python_code(tmp_path):
    target = tmp_path / "x"
    for code in (f"__import__('os').system('touch {target}')", f"open('{target}', 'w')", "().__class__",
                 f"exec(\"open('{target}','w')\")", "eval('1')", "(lambda: 1)()", "1 if 1 else 2", "[i for i in (1,)]"):
        with pytest.raises(AnswerFormatError):
            parse(code)
    assert not target.exists()


def test_parser_source_never_evaluates_text():
    for module in (quizzer.answer_parser, quizzer.answers):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"(?<![.\w])(eval|exec|compile|literal_eval|__import__)\s*\(", source)


@pytest.mark.parametrize(("text", "expected"), [
    ("10^999999", INF), ("-10^999999", -INF), ("9^9^9", INF), ("(-2)^1000000", INF), ("(-2)^999999.0", -INF),
    ("(-2)^1000001", -INF), ("1e999999", INF), ("-1e999999", -INF), ("10^-999999", 0.0), ("1e-999999", 0.0),
    ("exp(1e6)", INF), ("2^2^2^2^2", INF), ("10^400/10^399", None), ("1" * 200, int("1" * 200)),
    ("9" * 99 + "^9", INF), ("9" * 99 + "*" + "9" * 99, int("9" * 99) ** 2), ("1^999999999", 1), ("(-1)^999999999", -1), ("0^999999999", 0),
])
def test_parse_bounds_the_work(text, expected):
    start = time.perf_counter()
    if expected is None:
        with pytest.raises(AnswerFormatError, match="undefined"):
            parse(text)
    else:
        assert parse(text) == expected
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------------------------
# check: the rules

@pytest.mark.parametrize(("text", "status"), [
    ("16", "correct"), ("16.0", "correct"), ("32/2", "correct"), ("2^4", "correct"), ("1.6e1", "correct"),
    ("１６", "correct"), ("16.5", "incorrect"), ("18", "incorrect"), ("15", "incorrect"), ("16.000001", "incorrect"),
    ("sixteen", "unreadable"), ("16 px", "unreadable"), ("", "unreadable"),
])
def test_exact_integer(text, status):
    assert check(Expected(16, Rule.EXACT), text).status.value == status


def test_exact_difference_is_reported():
    v = check(Expected(16, Rule.EXACT), "18")
    assert v.feedback_en == "Incorrect. 18 is 2 too high."
    assert v.feedback_zh == "不对。18 比正确答案大 2。"
    assert "3 too low" in check(Expected(16, Rule.EXACT), "13").feedback_en
    assert "小 3" in check(Expected(16, Rule.EXACT), "13").feedback_zh


@pytest.mark.parametrize("text", ["16x16", "16×16", "(16, 16)", "16,16", "16 16", "[16, 16]", "16 by 16", "１６×１６"])
def test_size_tuple_notations(text):
    assert check(Expected((16, 16), Rule.EXACT), text).correct


def test_scalar_answer_to_a_square_size_is_assumed_square():
    v = check(Expected((16, 16), Rule.EXACT), "16")
    assert v.correct and "Assumed 16×16." in v.feedback_en and "按 16×16 理解" in v.feedback_zh
    assert v.given == 16
    wrong = check(Expected((16, 16), Rule.EXACT), "15")
    assert wrong.status is Status.INCORRECT
    assert "Assumed 15×15." in wrong.feedback_en and "15 is 1 too low." in wrong.feedback_en
    assert check(Expected((16, 16, 16), Rule.EXACT), "16").correct


def test_scalar_answer_to_an_unequal_size_is_a_shape_error():
    v = check(Expected((16, 8), Rule.EXACT), "16")
    assert v.status is Status.INCORRECT
    assert v.feedback_en == "Incorrect. Expected 2 numbers, but got 1."
    assert "应填 2 个数" in v.feedback_zh
    # A vector question does not guess a size either.
    assert not check(Expected((0.5, 0.5)), "0.5").correct


@pytest.mark.parametrize(("expected", "text", "count"), [
    ((16, 16), "16x16x3", 3), ((0.1, 0.2, 0.7), "0.1 0.2", 2), ((0.1, 0.2), "[0.1, 0.2, 0.7]", 3),
])
def test_wrong_number_of_entries(expected, text, count):
    v = check(Expected(expected), text)
    assert v.status is Status.INCORRECT
    assert f"Expected {len(expected)} numbers, but got {count}." in v.feedback_en


def test_one_entry_answers_a_one_entry_vector():
    assert check(Expected((0.5,)), "0.5").correct
    assert check(Expected((0.5,)), "[0.5]").correct
    assert check(Expected(0.5), "[0.5]").correct


def test_size_answer_to_a_one_number_question():
    v = check(Expected(576, Rule.EXACT), "3x3x64")
    assert v.correct and "Read 3×3×64 as the product 576." in v.feedback_en
    v = check(Expected(16, Rule.EXACT), "16x16")
    assert v.correct and "Only one number was asked: 16." in v.feedback_en
    v = check(Expected(100, Rule.EXACT), "16x8")
    assert v.status is Status.INCORRECT and "product 128" in v.feedback_en and "28 too high" in v.feedback_en


@pytest.mark.parametrize(("text", "ok"), [
    ("1.01", True), ("0.99", True), ("1.0101", False), ("0.9899", False), ("1", True), ("101%", True),
])
def test_relative_tolerance_edges(text, ok):
    assert check(Expected(1.0, Rule.TOLERANCE, rel_tol=0.01), text).correct is ok


@pytest.mark.parametrize(("text", "ok"), [("0.001", True), ("-0.001", True), ("0.0011", False), ("0", True)])
def test_absolute_tolerance_edges(text, ok):
    assert check(Expected(0.0, Rule.TOLERANCE, rel_tol=0.01, abs_tol=1e-3), text).correct is ok


def test_the_larger_of_the_tolerances_applies():
    expected = Expected(100.0, Rule.TOLERANCE, rel_tol=0.01, abs_tol=5)
    assert check(expected, "104.9").correct and not check(expected, "105.1").correct
    expected = Expected(1e6, Rule.TOLERANCE, rel_tol=0.01, abs_tol=5)
    assert check(expected, "1.009e6").correct and not check(expected, "1.011e6").correct


def test_tolerance_is_element_wise():
    expected = Expected((0.1, 0.2, 0.7), Rule.TOLERANCE, rel_tol=0.01)
    assert check(expected, "[0.1, 0.2, 0.7]").correct
    assert check(expected, "0.1 0.2 0.7").correct
    assert check(expected, "（0.1，0.2，0.7）").correct
    v = check(expected, "0.1, 0.2, 0.75")
    assert v.status is Status.INCORRECT
    assert "1 of 3 entries is wrong. Entry 3: 0.75 is 7.1% too high." in v.feedback_en
    assert "第 3 项" in v.feedback_zh


@pytest.mark.parametrize(("expected", "text", "ok"), [
    (INF, "inf", True), (INF, "∞", True), (INF, "10^999999", True), (INF, "-inf", False), (INF, "1e308", False),
    (-INF, "-inf", True), (-INF, "负无穷", True), (-INF, "inf", False), (1.0, "inf", False),
    (math.nan, "nan", True), (math.nan, "NaN", True), (math.nan, "0", False), (0.0, "nan", False),
])
def test_infinities_and_nan(expected, text, ok):
    assert check(Expected(expected), text).correct is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("0.632", True), ("0.6321", True), ("0.63249", True), ("0.6315", True), ("0.6325", True), ("63.2%", True),
    ("0.6314", False), ("0.6326", False), ("0.63", False), ("0.633", False), ("6.32e-1", True),
])
def test_significant_figures(text, ok):
    assert check(Expected(0.632, Rule.SIGFIGS, sig_figs=3), text).correct is ok


def test_significant_figures_near_a_power_of_ten():
    expected = Expected(9.996, Rule.SIGFIGS, sig_figs=3)  # rounds to 10.0
    assert check(expected, "10.0").correct and check(expected, "10.04").correct and check(expected, "10").correct
    assert not check(expected, "9.96").correct and not check(expected, "10.1").correct


def test_significant_figures_a_tie_may_round_either_way():
    # 0.6325 as a float is a hair below 0.6325; a learner rounding half up writes 0.633.
    expected = Expected(0.6325, Rule.SIGFIGS, sig_figs=3)
    assert check(expected, "0.632").correct and check(expected, "0.633").correct
    assert not check(expected, "0.634").correct


def test_too_few_significant_figures_says_so():
    v = check(Expected(0.632, Rule.SIGFIGS, sig_figs=3), "0.63")
    assert v.status is Status.INCORRECT
    assert "Give 3 significant figures; 0.63 has only 2." in v.feedback_en
    assert "请保留 3 位有效数字" in v.feedback_zh
    v = check(Expected(0.632, Rule.TOLERANCE, rel_tol=0.01), "0.6")
    assert "0.6 is rounded too early; give more digits." in v.feedback_en


CHOICE = Expected("overflow", Rule.CHOICE, choices=("overflow|inf|上溢", "underflow|0|下溢", "log-softmax|stable"))


@pytest.mark.parametrize(("text", "status"), [
    ("overflow", "correct"), ("Overflow", "correct"), ("  OVERFLOW  ", "correct"), ("ＯＶＥＲＦＬＯＷ", "correct"),
    ("over flow", "correct"), ("inf", "correct"), ("上溢", "correct"), ("overflow。", "correct"),
    ("underflow", "incorrect"), ("下溢", "incorrect"), ("0", "incorrect"), ("0.0", "incorrect"),
    ("Log Softmax", "incorrect"), ("bananas", "unreadable"), ("", "unreadable"), ("x" * 300, "unreadable"),
])
def test_choice(text, status):
    assert check(CHOICE, text).status.value == status


def test_choice_feedback():
    v = check(CHOICE, "下溢")
    assert v.feedback_en == "Incorrect: the answer is not underflow." and v.given == "下溢"
    v = check(CHOICE, "bananas")
    assert "'bananas' is not one of the choices: overflow, underflow, log-softmax." in v.feedback_en
    assert "不在选项中" in v.feedback_zh
    # With a single accepted entry, any other word is simply wrong.
    v = check(Expected("yes", Rule.CHOICE, choices=("yes|y|是",)), "no")
    assert v.status is Status.INCORRECT and check(Expected("yes", Rule.CHOICE, choices=("yes|y|是",)), "是").correct
    # Numbers among the aliases compare by value.
    assert check(Expected("zero", Rule.CHOICE, choices=("zero|0", "one|1")), "0.0").correct
    assert check(Expected("zero", Rule.CHOICE), "Zero").correct


def test_choice_misconception():
    ex = exercise(CHOICE, Misconception("thinks-underflow", "underflow", "下溢发生在很小的数上。",
                                        "Underflow happens for tiny numbers."))
    v = check(ex, "underflow")
    assert v.misconception == "thinks-underflow" and "tiny numbers" in v.feedback_en


# --------------------------------------------------------------------------------------------
# check: known wrong answers and how far off

def test_misconception_diagnosis():
    ex = exercise(Expected((16, 16), Rule.EXACT),
                  Misconception("no-floor", (15, 15), "忘了向下取整。", "Forgot the floor."),
                  Misconception("no-padding", (14, 14), "忘了补零。", "Forgot the padding."),
                  Misconception("also-15", (15, 15), "不会出现。", "Never reported: the first match wins."))
    for text in ("15x15", "(15, 15)", "15"):
        v = check(ex, text)
        assert v.status is Status.INCORRECT and v.misconception == "no-floor"
        assert v.feedback_en == "Incorrect. Forgot the floor." and v.feedback_zh == "不对。忘了向下取整。"
    assert check(ex, "14x14").misconception == "no-padding"
    assert check(ex, "13x13").misconception is None
    assert check(ex, "16x16").misconception is None and check(ex, "16x16").correct
    # A bare Expected has no misconceptions to compare with.
    assert check(ex.answer, "15x15").misconception is None


def test_misconception_uses_the_same_tolerance():
    ex = exercise(Expected(0.5, Rule.TOLERANCE, rel_tol=0.02),
                  Misconception("forgot-scale", 0.25, "忘了除以 1-p。", "Forgot to divide by 1-p."),
                  Misconception("too-close", 0.505, "不会出现。", "Within tolerance of the answer."))
    assert check(ex, "0.252").misconception == "forgot-scale"
    assert check(ex, "0.26").misconception is None
    assert check(ex, "0.505").correct  # right wins over a known wrong answer that is close to it


def test_misconception_on_a_wrong_shape():
    ex = exercise(Expected((16, 8), Rule.EXACT), Misconception("one-dim", 16, "只算了一维。", "Only one dimension."))
    assert check(ex, "16").misconception == "one-dim"


@pytest.mark.parametrize(("expected", "text", "en", "zh"), [
    (2.0, "4", "4 is off by a factor of 2.0 (too high).", "约为正确值的 2.0 倍"),
    (2.0, "1", "1 is off by a factor of 2.0 (too low).", "约为正确值的 1/2.0"),
    (1.0, "1.12", "1.12 is 12% too high.", "偏大约 12%"),
    (1.0, "0.95", "0.95 is 5.0% too low.", "偏小约 5.0%"),
    (0.632, "63.2", "Did you leave out the % sign?", "漏了 % 号"),
    (0.632, "0.632%", "Is there a stray % sign?", "多写了 % 号"),
    (1.0, "1.4427", "nats use ln, bits use log2", "nat 用 ln"),
    (1.0, "2.3026", "log means ln here", "log10"),
    (0.5, "-0.5", "-0.5 has the wrong sign; its size is right.", "符号反了，大小是对的"),
    (0.5, "-2", "-2 has the wrong sign.", "符号反了。"),
    (0.0, "0.003", "0.003 is off by 0.003.", "差了 0.003"),
    (0.5, "0", "The answer is not 0.", "答案不是 0"),
    (1.0, "inf", "The answer is a finite number.", "有限的数"),
    (1e-300, "1e300", "1e+300 is far too high.", "大得太多了"),
])
def test_how_far_off(expected, text, en, zh):
    v = check(Expected(expected, Rule.TOLERANCE, rel_tol=0.01), text)
    assert v.status is Status.INCORRECT and v.misconception is None
    assert en in v.feedback_en and zh in v.feedback_zh


def test_grouped_commas_are_explained_when_wrong():
    assert check(Expected(1000000, Rule.EXACT), "1,000,000").correct
    assert check(Expected((1, 234), Rule.EXACT), "1,234").correct  # a list is expected: commas separate
    v = check(Expected(1.234), "1,234")
    assert v.status is Status.INCORRECT and "read as thousands separators (1234)" in v.feedback_en


# --------------------------------------------------------------------------------------------
# check: unreadable answers cost nothing and say which format is expected

def test_unreadable_gives_the_parse_error_and_the_format_hint():
    expected = Expected(0.25, format_hint_en="a probability, e.g. 0.25", format_hint_zh="一个概率，如 0.25")
    v = check(expected, "0.25 px")
    assert v.status is Status.UNREADABLE and not v.correct and v.given is None
    assert v.feedback_en.startswith("Could not read '0.25 px': unknown name 'px'")
    assert v.feedback_en.endswith("Expected: a probability, e.g. 0.25.")
    assert v.feedback_zh.startswith("无法识别“0.25 px”") and v.feedback_zh.endswith("请按此格式作答：一个概率，如 0.25。")


@pytest.mark.parametrize(("expected", "hint_en", "hint_zh"), [
    (Expected(16, Rule.EXACT), "a whole number, e.g. 42", "一个整数"),
    (Expected((16, 16), Rule.EXACT), "2 whole numbers, e.g. 16x16 or (16, 16)", "2 个整数"),
    (Expected((0.1, 0.2, 0.3, 0.4)), "4 numbers, e.g. [0.1, 0.2, 0.3, ...]", "4 个数"),
    (Expected(0.632, Rule.SIGFIGS, sig_figs=3), "a number to 3 significant figures, e.g. 0.123", "3 位有效数字"),
    (Expected(0.632), "a number, e.g. 0.25, 1e-3, 3/4 or 63.2%", "一个数"),
    (CHOICE, "one of overflow, underflow, log-softmax", "以下之一"),
])
def test_default_format_hints(expected, hint_en, hint_zh):
    v = check(expected, "")
    assert v.status is Status.UNREADABLE
    assert f"Expected: {hint_en}." in v.feedback_en and hint_zh in v.feedback_zh


@pytest.mark.parametrize(("expected", "text", "en"), [
    (Expected(0.632), "0,632", "write the decimal point as '.', e.g. 0.632."),
    (Expected(0.632), "０，６３２", "e.g. 0.632."),
    (Expected(1.386), "2 ln 2", "Expected one number, but read 2: (2, 0.693147). Write a product with '*'"),
    (Expected(1.0), "1 -2", "Expected one number, but read 2: (1, -2)."),
    (Expected(16, Rule.EXACT), "sixteen", "Expected a number, but read the word 'sixteen'."),
    (Expected((16, 16), Rule.EXACT), "16x", "ends too early"),
])
def test_unreadable_shapes(expected, text, en):
    v = check(expected, text)
    assert v.status is Status.UNREADABLE and en in v.feedback_en and CJK.search(v.feedback_zh)


# --------------------------------------------------------------------------------------------
# the verdict value

def test_verdict_is_a_frozen_value_with_a_json_form():
    v = check(exercise(Expected(16, Rule.EXACT)), "16", lang="zh")
    assert isinstance(v, Verdict) and v.correct and v.status == "correct" and v.expected == "16"
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.status = Status.INCORRECT  # type: ignore[misc]
    assert v.to_dict() == {"correct": True, "status": "correct", "feedback": "正确。", "misconception": None}
    assert v.to_dict("en")["feedback"] == "Correct."
    assert check(Expected(16, Rule.EXACT), "17", lang="en").to_dict() == {
        "correct": False, "status": "incorrect", "feedback": "Incorrect. 17 is 1 too high.", "misconception": None}
    assert check(Expected(16, Rule.EXACT), "?", lang="zh-CN").to_dict()["status"] == "unreadable"
    assert check(Expected(16, Rule.EXACT), "?", lang="zh-CN").feedback().startswith("无法识别")


def test_correct_feedback_shows_the_exact_answer_when_it_differs():
    v = check(Expected(0.6931471805599453), "0.69")
    assert v.correct and v.feedback_en == "Correct. The exact answer is 0.693147." and "准确答案是 0.693147" in v.feedback_zh
    assert check(Expected(0.75), "3/4").feedback_en == "Correct."


def test_numpy_and_list_values_from_a_generator_compare_like_typed_ones():
    import numpy as np

    assert check(Expected(np.int64(16), Rule.EXACT), "16").correct
    assert check(Expected(np.float64(0.632), Rule.SIGFIGS, sig_figs=3), "0.6321").correct
    v = check(Expected(np.array([16, 16]), Rule.EXACT), "16")
    assert v.correct and v.expected == "(16, 16)" and "Assumed 16×16." in v.feedback_en
    assert "2 whole numbers" in check(Expected(np.array([16, 16]), Rule.EXACT), "abc").feedback_en
    assert check(Expected([0.1, 0.2]), "0.1 0.2").correct  # type: ignore[arg-type]
    ex = exercise(Expected(np.float64(0.5)), Misconception("half", np.float64(0.25), "一半。", "Half."))
    assert check(ex, "0.25").misconception == "half"


def test_check_needs_an_exercise_or_an_expected():
    with pytest.raises(TypeError):
        check(16, "16")  # type: ignore[arg-type]


def test_every_feedback_is_filled_in_both_languages():
    ex = exercise(Expected((16, 16), Rule.EXACT), Misconception("no-floor", (15, 15), "忘了向下取整。", "Forgot the floor."))
    for text in ("16", "15", "14x14", "16x16x3", "abc", "", "1/0", "0,5"):
        v = check(ex, text)
        assert v.feedback_en and v.feedback_zh and CJK.search(v.feedback_zh), text
        assert not CJK.search(v.feedback_en.replace("“", "")) or text == "abc", text


# --------------------------------------------------------------------------------------------
# properties

SLOW = settings(max_examples=400, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
GRAMMAR = st.text(alphabet="0123456789.eE+-*/^%()[],; x×√∞πlnogsqrtexpinfa²⁻³，．（）－　", max_size=60)


@SLOW
@given(st.one_of(st.text(max_size=MAX_CHARS + 20), GRAMMAR))
def test_parse_raises_only_answer_format_error(text):
    try:
        value = parse(text)
    except AnswerFormatError as err:
        assert str(err).startswith("Could not read")
        return
    assert isinstance(value, int | float | str | tuple)
    if isinstance(value, tuple):
        assert value and all(isinstance(x, int | float) for x in value)


@SLOW
@given(st.one_of(st.text(max_size=80), GRAMMAR))
def test_check_never_crashes(text):
    for expected in (Expected(16, Rule.EXACT), Expected((16, 16), Rule.EXACT), Expected(0.632, Rule.SIGFIGS, sig_figs=3),
                     Expected((0.1, 0.9)), CHOICE):
        v = check(expected, text)
        assert v.status in Status and v.feedback_en and v.feedback_zh


@SLOW
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_round_trip(x):
    grouped = f"{x:,}" if abs(x) < 1e15 else repr(x)
    for text in (repr(x), f"{x:.6g}", "%e" % x, f"{x:.17g}", grouped):  # noqa: UP031 -- %e is one of the forms
        assert same_value(parse(text), float(text.replace(",", ""))), text


@SLOW
@given(st.lists(st.integers(min_value=0, max_value=10**30), min_size=2, max_size=4))
def test_int_tuples_round_trip(sizes):
    for text in ("x".join(map(str, sizes)), " × ".join(map(str, sizes)), "(" + ", ".join(map(str, sizes)) + ")"):
        assert parse(text) == tuple(sizes)


NUMBERS = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False, min_value=-1e300, max_value=1e300)
EXPECTED = st.one_of(
    st.builds(Expected, st.integers(-10**40, 10**40), st.just(Rule.EXACT)),
    st.builds(Expected, st.lists(st.integers(0, 10**6), min_size=1, max_size=4).map(tuple), st.just(Rule.EXACT)),
    st.builds(Expected, st.one_of(NUMBERS, st.integers(-10**9, 10**9), st.sampled_from([INF, -INF, math.nan])),
              st.just(Rule.TOLERANCE), rel_tol=st.floats(1e-5, 0.1)),
    st.builds(Expected, NUMBERS, st.just(Rule.TOLERANCE), rel_tol=st.just(0.0), abs_tol=st.floats(1e-3, 1.0),
              ).filter(lambda e: abs(e.value) < 100),  # six significant figures stay within abs_tol
    st.builds(Expected, st.lists(NUMBERS, min_size=1, max_size=5).map(tuple), st.just(Rule.TOLERANCE),
              rel_tol=st.floats(1e-5, 0.1)),
    st.builds(Expected, NUMBERS, st.just(Rule.SIGFIGS), sig_figs=st.integers(1, 6)),
    st.builds(lambda w, alias: Expected(w, Rule.CHOICE, choices=(f"{w}|{alias}", "other|autre")),
              st.from_regex(r"[a-z][a-z0-9 ]{0,10}[a-z]", fullmatch=True), st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
)


@SLOW
@given(EXPECTED)
def test_the_displayed_answer_is_correct(expected):
    v = check(expected, expected.display())
    assert v.correct, (expected, v)
    assert check(exercise(expected), expected.display()).correct


@settings(max_examples=2000, deadline=None)
@given(st.from_regex(r"\A[ \t]{0,2}[+-]?(?:[0-9]{1,14}(?:\.[0-9]{1,9})?|\.[0-9]{1,6})(?:[eE][+-]?[0-9]{1,3})?[ \t]{0,2}\Z"))
def test_the_plain_number_shortcut_reads_exactly_as_the_grammar(text):
    from quizzer.answer_parser import _read, read

    fast, full = read(text), _read(text)
    assert fast == full and type(fast.value) is type(full.value), (text, fast, full)
