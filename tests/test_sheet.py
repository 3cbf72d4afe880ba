"""Exercise sheets: codes, drawing, rendering to Markdown/HTML/PDF, and grading."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.answers import check
from quizzer.errors import ExerciseError, ExportError
from quizzer.exercises.registry import KINDS, kinds
from quizzer.export import sheet_render
from quizzer.export.sheet import SheetSpec, build_sheet, grade, kinds_for, parse_answers, record_grading
from quizzer.export.sheet_render import find_cjk_font, render_html, render_markdown, write_sheet
from quizzer.export.typstmath import UnsupportedLatex, latex_to_typst
from tests.test_exercises_core import independent, typed

TODAY = dt.date(2026, 12, 6)
ALL = tuple(KINDS)


def spec(**kw) -> SheetSpec:
    base = dict(kinds=kinds_for(modules=["conv", "softmax", "information", "perceptron"]), count=12, seed=5, lang="en")
    base.update(kw)
    return SheetSpec(**base)


# --------------------------------------------------------------------------- the sheet code


@settings(max_examples=200, deadline=None)
@given(
    chosen=st.sets(st.sampled_from(ALL), min_size=1),
    count=st.integers(1, 500),
    difficulty=st.sampled_from([None, 1, 2, 3]),
    seed=st.integers(0, 2**32 - 1),
    lang=st.sampled_from(["zh", "en"]),
)
def test_a_code_gives_back_its_spec(chosen, count, difficulty, seed, lang):
    s = SheetSpec(tuple(chosen), count, difficulty, seed, lang)
    code = s.code
    assert re.fullmatch(r"S(-[0-9A-Z]{1,4})+", code)
    assert SheetSpec.from_code(code) == s
    assert SheetSpec.from_code(code.lower().replace("-", "")) == s  # typed loosely, still read


def test_a_mistyped_code_is_rejected_not_misread():
    code = spec().code
    chars = list(code)
    i = code.index("-", 3) + 1
    chars[i] = "7" if chars[i] != "7" else "8"
    with pytest.raises(ExportError, match="garbled"):
        SheetSpec.from_code("".join(chars))
    with pytest.raises(ExportError, match="not a sheet code"):
        SheetSpec.from_code("hello!")


def test_spec_rejects_what_no_sheet_can_be():
    with pytest.raises(ExportError, match="1 to 500"):
        spec(count=0)
    with pytest.raises(ExportError, match="difficulty"):
        spec(difficulty=4)
    with pytest.raises(ExerciseError, match="unknown exercise kind"):
        SheetSpec(("conv.nope",))
    with pytest.raises(ExportError, match="at least one"):
        SheetSpec(())


# --------------------------------------------------------------------------- drawing problems


def test_the_same_spec_gives_the_same_sheet_and_another_seed_another():
    a, b = build_sheet(spec()), build_sheet(spec())
    assert [(p.exercise.kind, p.exercise.seed, p.exercise.difficulty) for p in a.problems] == \
           [(p.exercise.kind, p.exercise.seed, p.exercise.difficulty) for p in b.problems]
    c = build_sheet(spec(seed=6))
    assert [p.exercise.prompt_en for p in a.problems] != [p.exercise.prompt_en for p in c.problems]


def test_a_mixed_sheet_draws_modules_in_proportion_never_repeats_and_goes_easy_to_hard():
    s = spec(kinds=kinds_for(modules=["conv", "softmax", "perceptron"]), count=30, seed=11)
    sheet = build_sheet(s)
    per_module = Counter(p.exercise.kind.split(".")[0] for p in sheet.problems)
    n_kinds = {m: len(kinds(m)) for m in ("conv", "softmax", "perceptron")}  # 6, 5, 4 of 15
    for m, n in n_kinds.items():
        assert abs(per_module[m] - 30 * n / sum(n_kinds.values())) < 1, per_module
    per_kind = Counter(p.exercise.kind for p in sheet.problems)
    assert max(per_kind.values()) - min(per_kind.values()) <= 1  # round-robin within a module
    assert len({(p.exercise.kind, p.exercise.prompt_en) for p in sheet.problems}) == 30
    difficulties = [p.exercise.difficulty for p in sheet.problems]
    assert difficulties == sorted(difficulties) and set(difficulties) == {1, 2, 3}
    assert [p.number for p in sheet.problems] == list(range(1, 31))


def test_a_short_sheet_still_covers_every_module():
    sheet = build_sheet(spec(count=4, seed=3))
    assert {p.exercise.kind.split(".")[0] for p in sheet.problems} == {"conv", "softmax", "information", "perceptron"}


def test_many_problems_of_one_kind_are_all_different():
    sheet = build_sheet(spec(kinds=("conv.output_size",), count=60, difficulty=2))
    assert len({p.exercise.prompt_en for p in sheet.problems}) == 60


def test_kinds_for_topics_modules_and_kinds():
    assert set(kinds_for(modules=["softmax"])) == {k.name for k in kinds("softmax")}
    assert kinds_for(kinds=["conv.macs", "softmax.value"]) == ("conv.macs", "softmax.value")
    conv_topic = kinds_for(topics=["convolution"])
    assert {k.name for k in kinds("conv")} <= set(conv_topic)
    assert kinds_for() == ALL
    with pytest.raises(ExportError, match="unknown topic 'nope'; topics: foundations"):
        kinds_for(topics=["nope"])
    with pytest.raises(ExerciseError, match="unknown module"):
        kinds_for(modules=["nope"])


def test_the_key_is_right_by_an_independent_computation_and_the_checker_accepts_it():
    sheet = build_sheet(spec(count=40, seed=99))
    for p in sheet.problems:
        e = p.exercise
        value = independent(e, with_torch=True)
        if isinstance(value, float):
            assert value == pytest.approx(e.answer.value, rel=1e-9, abs=1e-12), e.kind
        else:
            assert value == e.answer.value, e.kind
        assert check(e, e.answer.display()).correct, (e.kind, e.answer.display())


# --------------------------------------------------------------------------- grading


def _answers(sheet, pick) -> str:
    return "\n".join(f"{p.number}. {pick(p.exercise)}" for p in sheet.problems) + "\n"


def test_a_fully_correct_answers_file_scores_100_percent():
    sheet = build_sheet(spec(count=20, seed=8))
    result = grade(sheet, _answers(sheet, lambda e: e.answer.display()))
    assert (result.correct, result.total, result.score, result.errors) == (20, 20, 1.0, ())


def test_known_misconceptions_are_diagnosed():
    sheet = build_sheet(spec(count=30, seed=21))
    with_m = [p for p in sheet.problems if p.exercise.misconceptions]
    assert len(with_m) >= 10
    text = "\n".join(f"{p.number}) {typed(p.exercise.misconceptions[0].value, p.exercise, 'plain')}" for p in with_m)
    result = grade(sheet, text)
    by_number = {r.problem.number: r for r in result.results}
    for p in with_m:
        r = by_number[p.number]
        assert r.status == "incorrect", (p.exercise.kind, r.status)
        assert r.verdict.misconception == p.exercise.misconceptions[0].name
    assert result.correct == 0


def test_malformed_lines_are_reported_with_their_numbers_and_the_rest_is_graded():
    sheet = build_sheet(spec(count=5, seed=2))
    e = [p.exercise for p in sheet.problems]
    text = (f"# answers\n1. {e[0].answer.display()}\nthis is not numbered\n2) banana\n9. 4\n"
            f"1. 0\n3: {e[2].answer.display()}\n\n4.\n")
    result = grade(sheet, text)
    assert result.errors == (
        (3, "expected a problem number, then the answer (e.g. '3. 112'), got 'this is not numbered'"),
        (5, "there is no problem 9: the sheet has problems 1 to 5"),
        (6, "problem 1 was already answered on line 2; the first answer counts"),
    )
    assert [r.status for r in result.results] == ["correct", "unreadable", "correct", "unanswered", "unanswered"]
    assert "expected" in result.results[1].verdict.feedback().lower()  # says which format is expected
    assert result.correct == 2 and result.score == pytest.approx(0.4)


@pytest.mark.parametrize("line, number, text", [
    ("3. 112", 3, "112"), ("3) 16x16", 3, "16x16"), ("3: 0.25", 3, "0.25"), ("(3) 1e-3", 3, "1e-3"),
    ("3、 0.5", 3, "0.5"), ("３． 7", None, None), ("3.5", None, None), ("12 0.1 0.2", 12, "0.1 0.2"),
])
def test_answer_line_forms(line, number, text):
    answers, errors = parse_answers(line, 20)
    if number is None:
        assert not answers and errors
    else:
        assert answers[number].text == text and not errors


def test_recording_adds_drill_reviews_once(bundled_db):
    from sqlalchemy import func, select

    from quizzer.models import Review

    sheet = build_sheet(spec(count=8, seed=4))
    wrong = next(p for p in sheet.problems if p.exercise.misconceptions)
    text = _answers(sheet, lambda e: e.answer.display() if e is not wrong.exercise
                    else typed(e.misconceptions[0].value, e, "plain"))
    result = grade(sheet, text)
    assert result.correct == 7
    now = dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC)
    first = record_grading(bundled_db, "default", result, now)
    drilled = {p.exercise.kind for p in sheet.problems} - set(first.not_recorded)
    assert first.recorded == len(drilled) > 0
    with bundled_db.session() as s:
        rows = s.execute(select(Review.item_id, Review.rating, Review.source, Review.exercise_kind)).all()
    assert len(rows) == first.recorded and {r.source for r in rows} == {"sheet"}
    assert all(r.item_id.endswith(":drill") for r in rows)
    assert {r.rating for r in rows if r.exercise_kind == wrong.exercise.kind} <= {1}
    assert {r.rating for r in rows if r.exercise_kind != wrong.exercise.kind} == {3}
    again = record_grading(bundled_db, "default", result, now + dt.timedelta(minutes=5))
    assert again.recorded == 0
    with bundled_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Review)) == first.recorded


# --------------------------------------------------------------------------- rendering


def test_every_exercise_kind_converts_to_typst_math():
    from quizzer.exercises import generate

    pattern = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
    for kind in ALL:
        for d in (1, 2, 3):
            for seed in range(8):
                e = generate(kind, seed, d)
                for text in (e.prompt_zh, e.prompt_en, e.solution_zh, e.solution_en):
                    for m in pattern.finditer(text):
                        latex_to_typst(m.group(1) or m.group(2))  # raises UnsupportedLatex if not


@pytest.mark.parametrize("latex, typst", [
    (r"\frac{a}{b}", "frac(a, b)"),
    (r"\sqrt{\hat v_t} + \epsilon", "sqrt(hat(v)_t) + epsilon.alt"),
    (r"10^{-8}", "10^(- 8)"),
    (r"\theta_{t-1}", "theta_(t - 1)"),
    (r"\text{lr}\,x", '"lr" thin x'),
    (r"\text{output\_padding}", '"output_padding"'),
    (r"\left\lfloor 3.5 \right\rfloor", "⌊ 3.5 ⌋"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", 'mat(delim: "(", 1 , 2 ; 3 , 4)'),
    (r"x_{ij}", "x_(i j)"),
    (r"a/b, c", r"a \/ b \, c"),
    (r"\mathrm{softmax}(z)", 'upright("softmax") ( z )'),
])
def test_latex_to_typst(latex, typst):
    assert latex_to_typst(latex) == typst


def test_unknown_latex_is_refused_by_name():
    with pytest.raises(UnsupportedLatex, match=r"\\weird"):
        latex_to_typst(r"\weird{x}")
    with pytest.raises(UnsupportedLatex, match="missing"):
        latex_to_typst(r"\frac{a}{b")


def test_markdown_sheet_and_key():
    sheet = build_sheet(spec(count=6, seed=1))
    md = render_markdown(sheet, key=False, today=TODAY)
    key = render_markdown(sheet, key=True, today=TODAY)
    assert sheet.code in md and sheet.code in key and "2026-12-06" in md
    for p in sheet.problems:
        assert f"## {p.number}\n\n{p.exercise.prompt_en}" in md
        assert f"`{p.exercise.answer.display()}`" in key and p.exercise.solution_en in key
        assert p.exercise.solution_en not in md


def test_html_is_self_contained_with_mathml_and_a_print_stylesheet():
    sheet = build_sheet(spec(count=6, seed=1, lang="zh"))
    page = render_html(sheet, key=False, today=TODAY)
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    assert page.count("<math") >= 6 and "@media print" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) and "<script" not in page
    assert "$" not in re.sub(r"<code>.*?</code>", "", page)  # every formula became MathML
    for p in sheet.problems:
        assert re.findall(r"[\u4e00-\u9fff]{2,}", p.exercise.prompt_zh)[0] in page


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _plain_words(markdown: str) -> str:
    """The longest run of plain words outside math and code, the part a PDF gives back verbatim."""
    runs = re.split(r"\$[^$]*\$|`[^`]*`|[()（）,，。.?？:：]", markdown)
    return max((re.sub(r"\s+", " ", r).strip() for r in runs), key=len)


def test_pdf_sheet_holds_every_problem_and_the_code_rebuilds_it(tmp_path):
    s = spec(count=15, seed=31)
    files = write_sheet(s, tmp_path / "sheet.pdf", today=TODAY)
    assert files.key_path == tmp_path / "sheet-key.pdf"
    assert files.path.read_bytes().startswith(b"%PDF-") and files.key_path.read_bytes().startswith(b"%PDF-")
    text, key_text = _pdf_text(files.path), _pdf_text(files.key_path)
    assert s.code in text and s.code in key_text
    for p in files.sheet.problems:
        assert _plain_words(p.exercise.prompt_en) in text, p.exercise.prompt_en
        assert p.exercise.answer.display() in key_text
    again = write_sheet(SheetSpec.from_code(s.code), tmp_path / "again.pdf", today=TODAY)
    assert _pdf_text(again.path) == text and _pdf_text(again.key_path) == key_text


needs_cjk = pytest.mark.skipif(find_cjk_font() is None or shutil.which("pdftoppm") is None,
                               reason="needs a CJK font (fonts-noto-cjk) and pdftoppm (poppler-utils)")


@needs_cjk
def test_a_chinese_pdf_has_real_glyphs_where_the_text_is(tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    files = write_sheet(spec(count=5, seed=3, lang="zh"), tmp_path / "zh.pdf", today=TODAY)
    assert not files.warnings
    fonts = {str(f.get("/BaseFont", "")) for page in PdfReader(str(files.path)).pages
             for f in (page["/Resources"]["/Font"].get_object()).values()
             for f in [f.get_object()]}
    assert any("CJK" in name or "Han" in name for name in fonts), fonts
    assert "深度学习练习题" in _pdf_text(files.path)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(files.path), str(tmp_path / "page")],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    w, h = image.size
    title = image.crop((0, int(h * 0.05), w // 2, int(h * 0.10)))  # the Chinese title's band
    blank = image.crop((0, int(h * 0.96), w // 2, int(h * 0.99)))  # the empty strip under the footer
    ink = sum(title.histogram()[:128]) / (title.width * title.height)
    assert ink > 0.02, ink  # glyph strokes, not the thin outline of empty boxes
    assert sum(blank.histogram()[:128]) == 0


def test_a_chinese_pdf_without_a_cjk_font_falls_back_to_english(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_render, "find_cjk_font", lambda: None)
    base = spec(count=3, seed=3, lang="zh")
    files = write_sheet(base, tmp_path / "s.pdf", today=TODAY)
    assert files.sheet.spec.lang == "en"
    assert "fonts-noto-cjk" in files.warnings[0] and "English" in files.warnings[0]
    assert "Deep-learning exercises" in _pdf_text(files.path)


def test_bad_output_paths_leave_no_file_and_keep_the_old_one(tmp_path):
    sheet = spec(count=2)
    with pytest.raises(ExportError, match="does not exist"):
        write_sheet(sheet, tmp_path / "missing" / "s.pdf", today=TODAY)
    with pytest.raises(ExportError, match="cannot tell the format"):
        write_sheet(sheet, tmp_path / "s.txt", today=TODAY)
    with pytest.raises(ExportError, match="same file"):
        write_sheet(sheet, tmp_path / "s.md", key_path=tmp_path / "s.md", today=TODAY)
    with pytest.raises(ExportError, match="is a directory"):
        write_sheet(sheet, tmp_path, today=TODAY, fmt="md")
    old = tmp_path / "old.md"
    old.write_text("last week's sheet", encoding="utf-8")
    with pytest.raises(ExportError, match="does not exist"):  # the key cannot be written: the sheet is not either
        write_sheet(sheet, old, key_path=tmp_path / "nowhere" / "key.md", today=TODAY)
    assert old.read_text(encoding="utf-8") == "last week's sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.md"]


def test_no_escaped_underscore_inside_text_in_exercises():
    r"""MathJax (Anki) and latex2mathml (HTML sheets) show "\_" inside \text{} literally; such names
    are written \mathrm{max\_norm}, which every renderer reads."""
    from quizzer.exercises import generate

    for kind in ALL:
        for d in (1, 2, 3):
            e = generate(kind, 1, d)
            texts = (e.prompt_zh, e.prompt_en, e.solution_zh, e.solution_en,
                     *(t for m in e.misconceptions for t in (m.feedback_zh, m.feedback_en)))
            assert not any(re.search(r"\\text\{[^}]*\\_", t) for t in texts), kind


def test_markdown_blocks_become_balanced_typst_that_typesets():
    from quizzer.export.sheet_render import _pdf, markdown_to_typst

    markup = markdown_to_typst("### Step 1\nsome $x^2$ and `code`\n\n- a $y_1$\n- **b**\n\n$$\\frac{1}{2}$$")
    assert markup == '*Step 1*\n\nsome $x^2$ and #raw("code")\n\n- a $y_1$\n- *b*\n\n$ frac(1, 2) $'
    assert _pdf(markup + "\n").startswith(b"%PDF-")
