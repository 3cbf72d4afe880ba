"""Exercise sheets and their answer keys as Markdown, self-contained HTML, or PDF.

* Markdown keeps the ``$...$`` math as it is.
* HTML is one file with no outside references: math becomes MathML (latex2mathml), which browsers
  render offline, and a print stylesheet gives clean pages with room to write.
* PDF is typeset by Typst through the ``typst`` package (no external binary); math is converted by
  :mod:`quizzer.export.typstmath`.  Chinese needs a CJK font on the machine: one is looked for with
  fontconfig and in the usual font folders; with none, the sheet falls back to English and says
  which package to install, rather than print empty boxes.

Files are written next to their destination and moved into place, so a failure leaves no partial
file.  typst and latex2mathml are imported only when used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizzer.errors import ExportError
from quizzer.exercises import Exercise
from quizzer.export.files import write_all_atomically
from quizzer.export.sheet import Sheet, SheetSpec, build_sheet

__all__ = ["FORMATS", "SheetFiles", "find_cjk_font", "render_html", "render_markdown", "render_typst", "write_sheet"]

FORMATS = ("pdf", "md", "html")
_SUFFIX = {".pdf": "pdf", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
CJK_FONT_HINT = ("no Chinese (CJK) font found; install one (Debian/Ubuntu: apt install fonts-noto-cjk; "
                 "Fedora: dnf install google-noto-sans-cjk-fonts; macOS and Windows ship one)")

_TEXT = {
    "title": ("深度学习练习题", "Deep-learning exercises"),
    "key": ("答案与解析", "Answer key"),
    "code": ("题卷代码", "Sheet code"),
    "problems": ("题", "problems"),
    "difficulty": ("难度", "difficulty"),
    "mixed": ("混合", "mixed"),
    "name": ("姓名", "Name"),
    "score": ("得分", "Score"),
    "format": ("答案格式", "Answer format"),
    "answer": ("答案", "Answer"),
    "solution": ("解析", "Solution"),
    "grade": ("批改：把答案写成每行一题（如 “3. 112”），运行", "To grade: write one answer per line (e.g. '3. 112') and run"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _subtitle(sheet: Sheet, today: dt.date) -> str:
    lang = sheet.spec.lang
    d = sheet.spec.difficulty
    level = f"{_t('difficulty', lang)} {d}" if d else f"{_t('difficulty', lang)} {_t('mixed', lang)}"
    count = f"{len(sheet.problems)} {_t('problems', lang)}" if lang == "en" else f"共 {len(sheet.problems)} {_t('problems', lang)}"
    return f"{today.isoformat()} · {count} · {level}"


def _hint(e: Exercise, lang: str) -> str:
    return e.answer.format_hint_zh if lang == "zh" else e.answer.format_hint_en


def _grade_command(sheet: Sheet) -> str:
    return f"quizzer sheet grade answers.txt --code {sheet.code}"


# --------------------------------------------------------------------------- Markdown


def render_markdown(sheet: Sheet, *, key: bool, today: dt.date) -> str:
    lang = sheet.spec.lang
    title = _t("title", lang) + (f" · {_t('key', lang)}" if key else "")
    out = [f"# {title}", "", f"{_subtitle(sheet, today)}  ", f"{_t('code', lang)}: `{sheet.code}`", ""]
    if not key:
        out += [f"{_t('name', lang)}: ______________　{_t('score', lang)}: ______", ""]
    for p in sheet.problems:
        e = p.exercise
        out += [f"## {p.number}", "", e.prompt(lang), ""]
        if key:
            out += [f"**{_t('answer', lang)}:** `{e.answer.display()}`", "",
                    f"**{_t('solution', lang)}:** {e.solution(lang)}", "",
                    f"<sub>{e.kind} · seed {e.seed} · {_t('difficulty', lang)} {e.difficulty}</sub>", ""]
        else:
            out += [f"*{_t('format', lang)}: {_hint(e, lang)}*", "", f"{_t('answer', lang)}: ________________", ""]
    if not key:
        out += ["---", "", f"{_t('grade', lang)} `{_grade_command(sheet)}`", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", Georgia, "Times New Roman", serif;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.55; color: #111; }
header { border-bottom: 2px solid #111; margin-bottom: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
.meta { color: #444; margin: .2rem 0; } code { font-size: .92em; background: #f3f3f3; padding: 0 .2em; }
.fill { margin: .8rem 0 1rem; }
.problem { margin: 0 0 1.6rem; break-inside: avoid; page-break-inside: avoid; }
.problem h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
.hint { color: #555; font-size: .9em; font-style: italic; }
.room { border: 1px solid #999; border-radius: 4px; height: 5.5rem; margin-top: .5rem; }
.answer { font-weight: bold; } .origin { color: #777; font-size: .8em; }
footer { border-top: 1px solid #999; margin-top: 2rem; padding-top: .5rem; color: #444; font-size: .9em; }
math[display="block"] { margin: .4rem 0; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  @page { size: A4; margin: 18mm 16mm; }
  a { color: inherit; text-decoration: none; }
  .room { height: 6.5rem; }
  code { background: none; }
}
"""


def _mathml(latex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(latex, display="block" if display else "inline")
    except Exception:  # an unknown macro: show the source rather than fail the whole sheet
        return f"<code>{html.escape(latex)}</code>"


@functools.cache
def _html_markdown() -> Any:
    from quizzer.export.markup import markdown_parser

    md = markdown_parser()
    md.add_render_rule("math_inline", lambda self, tokens, i, options, env: _mathml(tokens[i].content, False))
    md.add_render_rule("math_display", lambda self, tokens, i, options, env: _mathml(tokens[i].content.strip(), True))
    md.add_render_rule("math_block", lambda self, tokens, i, options, env: _mathml(tokens[i].content.strip(), True) + "\n")
    return md


def render_html(sheet: Sheet, *, key: bool, today: dt.date) -> str:
    lang = sheet.spec.lang
    md = _html_markdown()
    title = _t("title", lang) + (f" · {_t('key', lang)}" if key else "")
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
        f"<title>{esc(title)} · {esc(sheet.code)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
        f"<h1>{esc(title)}</h1>", f'<p class="meta">{esc(_subtitle(sheet, today))}</p>',
        f'<p class="meta">{esc(_t("code", lang))}: <code>{esc(sheet.code)}</code></p>',
    ]
    if not key:
        parts.append(f'<p class="fill">{esc(_t("name", lang))}: ________________　{esc(_t("score", lang))}: ________</p>')
    parts.append("</header>")
    for p in sheet.problems:
        e = p.exercise
        parts += [f'<section class="problem" id="p{p.number}">', f"<h2>{p.number}.</h2>", md.render(e.prompt(lang))]
        if key:
            parts += [f'<p class="answer">{esc(_t("answer", lang))}: <code>{esc(e.answer.display())}</code></p>',
                      f"<div><strong>{esc(_t('solution', lang))}:</strong>", md.render(e.solution(lang)), "</div>",
                      f'<p class="origin">{esc(e.kind)} · seed {e.seed} · {esc(_t("difficulty", lang))} {e.difficulty}</p>']
        else:
            parts += [f'<p class="hint">{esc(_t("format", lang))}: {md.renderInline(_hint(e, lang))}</p>',
                      '<div class="room"></div>']
        parts.append("</section>")
    if not key:
        parts.append(f"<footer>{esc(_t('grade', lang))} <code>{esc(_grade_command(sheet))}</code></footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# --------------------------------------------------------------------------- Typst / PDF

_TYPST_ESCAPE = re.compile(r"([\\*_`#$@<>\[\]~/=+\-])")


def _typst_text(text: str) -> str:
    return _TYPST_ESCAPE.sub(r"\\\1", text)


def _typst_math(latex: str, display: bool) -> str:
    from quizzer.export.typstmath import UnsupportedLatex, latex_to_typst

    try:
        body = latex_to_typst(latex)
    except UnsupportedLatex:
        return "#raw(" + _typst_string(latex) + ")"
    return f"$ {body} $" if display else f"${body}$"


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@functools.cache
def _parser() -> Any:
    """One markdown-it parser for the whole process: building it costs more than parsing a text."""
    from quizzer.export.markup import markdown_parser

    return markdown_parser()


def markdown_to_typst(text: str) -> str:
    """Card/exercise Markdown as Typst markup: paragraphs, emphasis, code, lists and math."""
    tokens = _parser().parse(text)
    out: list[str] = []
    lists: list[str] = []
    for tok in tokens:
        t = tok.type
        if t == "inline":
            out.append(_typst_inline(tok.children or []))
        elif t == "paragraph_close":
            out.append("\n" if lists else "\n\n")
        elif t == "heading_open":
            out.append("*")  # a heading inside a problem is set in bold, not as a document heading
        elif t == "heading_close":
            out.append("*\n\n")
        elif t == "bullet_list_open":
            lists.append("-")
        elif t == "ordered_list_open":
            lists.append("+")
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            out.append("\n")
        elif t == "list_item_open":
            out.append("  " * (len(lists) - 1) + lists[-1] + " ")
        elif t == "math_block":
            out.append(_typst_math(tok.content.strip(), True) + "\n\n")
        elif t in ("fence", "code_block"):
            out.append("#raw(block: true, " + _typst_string(tok.content.rstrip("\n")) + ")\n\n")
        elif t == "hr":
            out.append("#line(length: 100%)\n\n")
    return "".join(out).strip()


def _typst_inline(children: list[Any]) -> str:
    out = []
    for c in children:
        t = c.type
        if t == "text":
            out.append(_typst_text(c.content))
        elif t == "code_inline":
            out.append("#raw(" + _typst_string(c.content) + ")")
        elif t in ("strong_open", "strong_close"):
            out.append("*")
        elif t in ("em_open", "em_close"):
            out.append("_")
        elif t == "softbreak":
            out.append(" ")
        elif t == "hardbreak":
            out.append(" \\\n")
        elif t == "math_inline":
            out.append(_typst_math(c.content, False))
        elif t == "math_display":
            out.append(_typst_math(c.content.strip(), True))
        else:
            out.append(_typst_text(c.content))
    return "".join(out)


def render_typst(sheet: Sheet, *, key: bool, today: dt.date, cjk_font: str | None = None) -> str:
    lang = sheet.spec.lang
    fonts = ["Libertinus Serif", *([cjk_font] if cjk_font else [])]
    title = _t("title", lang) + (f" · {_t('key', lang)}" if key else "")
    font_list = ", ".join(_typst_string(f) for f in fonts)
    out = [
        f'#set document(title: {_typst_string(title + " " + sheet.code)})',
        f'#set text(font: ({font_list},), size: 10.5pt, lang: "{lang}")',
        f'#show raw: set text(font: ("DejaVu Sans Mono", {font_list}), size: 9pt)',
        "#set par(justify: false, leading: 0.7em)",
        f'#set page(paper: "a4", margin: (x: 18mm, y: 20mm), footer: context [#set text(8pt, fill: gray); '
        f'{_typst_text(sheet.code)} #h(1fr) #counter(page).display("1 / 1", both: true)])',
        f"#text(16pt, weight: \"bold\")[{_typst_text(title)}]",
        "",
        f"{_typst_text(_subtitle(sheet, today))} #h(1fr) {_typst_text(_t('code', lang))}: #raw({_typst_string(sheet.code)})",
        "",
    ]
    if not key:
        out += [f"{_typst_text(_t('name', lang))}: #box(width: 5cm, repeat[\\_]) #h(1cm) "
                f"{_typst_text(_t('score', lang))}: #box(width: 2cm, repeat[\\_])", ""]
    out += ["#line(length: 100%, stroke: 1pt)", ""]
    for p in sheet.problems:
        e = p.exercise
        body = markdown_to_typst(e.prompt(lang))
        if key:
            solution = markdown_to_typst(e.solution(lang))
            origin = f"{e.kind} · seed {e.seed} · {_t('difficulty', lang)} {e.difficulty}"
            out.append(
                f"#block(breakable: true, below: 1.2em)[*{p.number}.* {body}\n\n"
                f"*{_typst_text(_t('answer', lang))}:* #raw({_typst_string(e.answer.display())})\n\n"
                f"{solution}\n\n#text(8pt, fill: gray)[{_typst_text(origin)}]]"
            )
        else:
            hint = _typst_text(f"{_t('format', lang)}: {_hint(e, lang)}")
            out.append(
                f"#block(breakable: false, below: 1.4em)[*{p.number}.* {body}\n\n"
                f"#text(9pt, fill: luma(90))[_{hint}_]\n\n"
                "#rect(width: 100%, height: 2.6cm, stroke: 0.5pt + luma(150), radius: 3pt)]"
            )
    if not key:
        out += ["#line(length: 100%, stroke: 0.5pt)",
                f"#text(9pt)[{_typst_text(_t('grade', lang))} #raw({_typst_string(_grade_command(sheet))})]"]
    return "\n\n".join(out) + "\n"


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    preferred = ["Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC",
                 "Noto Serif SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN",
                 "Songti SC", "PingFang SC", "Heiti SC", "STSong", "Microsoft YaHei", "SimSun", "SimHei"]
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        families = {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}
        for name in preferred:
            if name in families:
                return name
        if families:
            return sorted(families)[0]
    return _scan_font_folders()


def _scan_font_folders() -> str | None:
    known = {"notoserifcjk": "Noto Serif CJK SC", "notosanscjk": "Noto Sans CJK SC", "sourcehanserif": "Source Han Serif SC",
             "sourcehansans": "Source Han Sans SC", "wqy-zenhei": "WenQuanYi Zen Hei", "wqy-microhei": "WenQuanYi Micro Hei",
             "msyh": "Microsoft YaHei", "simsun": "SimSun", "songti": "Songti SC", "pingfang": "PingFang SC"}
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
               Path.home() / ".local/share/fonts", Path("/System/Library/Fonts"), Path("/Library/Fonts"),
               Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            name = path.name.lower().replace("_", "").replace(" ", "")
            for stem, family in known.items():
                if name.startswith(stem) and path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    return family
    return None


def _pdf(source: str) -> bytes:
    import typst

    try:
        return typst.compile(source.encode("utf-8"))  # in memory: no source file, no output file
    except Exception as exc:  # typst raises its own error types
        raise ExportError(f"Typst could not typeset the sheet: {str(exc).strip().splitlines()[0]}") from exc


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SheetFiles:
    path: Path
    key_path: Path
    format: str
    sheet: Sheet
    warnings: tuple[str, ...] = ()


def output_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    try:
        return _SUFFIX[path.suffix.lower()]
    except KeyError:
        raise ExportError(f"{path}: cannot tell the format from the file name; end it in .pdf, .md or .html "
                          "or pass --format") from None


def default_key_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-key{path.suffix}")


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name such as {path / 'sheet.pdf'}")
    if not path.parent.is_dir():
        raise ExportError(f"directory {path.parent} does not exist; create it or choose another path")


def write_sheet(
    spec: SheetSpec,
    output: Path | str,
    *,
    fmt: str | None = None,
    key_path: Path | str | None = None,
    today: dt.date,
) -> SheetFiles:
    """Build the sheet ``spec`` stands for and write it with its key.  A Chinese PDF on a machine
    without a CJK font is written in English instead (the warning says so and what to install)."""
    output = Path(output)
    fmt = output_format(output, fmt)
    key = Path(key_path) if key_path is not None else default_key_path(output)
    for target in (output, key):
        _check_target(target)
    if output.resolve() == key.resolve():
        raise ExportError("the sheet and its key would be the same file; choose another --key")
    warnings: list[str] = []
    cjk = None
    if fmt == "pdf" and spec.lang == "zh":
        cjk = find_cjk_font()
        if cjk is None:
            warnings.append(f"{CJK_FONT_HINT}; writing the sheet in English")
            spec = dataclasses.replace(spec, lang="en")
    sheet = build_sheet(spec)
    if fmt == "md":
        docs = [render_markdown(sheet, key=k, today=today).encode() for k in (False, True)]
    elif fmt == "html":
        docs = [render_html(sheet, key=k, today=today).encode() for k in (False, True)]
    else:
        docs = [_pdf(render_typst(sheet, key=k, today=today, cjk_font=cjk)) for k in (False, True)]
    write_all_atomically([(output, docs[0]), (key, docs[1])])
    return SheetFiles(output, key, fmt, sheet, tuple(warnings))
