"""Markdown with ``$...$`` / ``$$...$$`` math, parsed once and rendered by every file front end.

The Anki export turns the math tokens into MathJax delimiters, the HTML sheet into MathML, the PDF
sheet into Typst math; all of them need the same rule for what counts as math, so it lives here.
Math is consumed whole: nothing inside it is touched by the Markdown parser.  Two renderers share
that rule: markdown-it (which ``rich`` already depends on) gives a token stream for the Typst and
MathML front ends, and :func:`markdown_to_html_many` renders HTML in bulk through cmark-gfm for the
Anki export, where a whole bank of text is rendered at once.  Both are imported only when used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["MathRender", "markdown_parser", "markdown_to_html_many"]

_INLINE_MATH = re.compile(r"\$(?![\s$])((?:[^$\\\n]|\\.)+?)(?<![\s\\])\$(?!\d)")
_INLINE_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)


def _math_inline_rule(state: Any, silent: bool) -> bool:
    """``$$...$$`` inside a paragraph (display) and ``$...$`` (inline), consumed whole."""
    src, pos = state.src, state.pos
    if src[pos] != "$":
        return False
    if src.startswith("$$", pos):
        m = _INLINE_DISPLAY.match(src, pos, state.posMax)
        kind = "math_display"
    else:
        m = _INLINE_MATH.match(src, pos, state.posMax)
        kind = "math_inline"
    if m is None or not m.group(1).strip():
        return False
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = m.group(1)
        token.markup = "$$" if kind == "math_display" else "$"
    state.pos = m.end()
    return True


def _math_block_rule(state: Any, start: int, end: int, silent: bool) -> bool:
    """A ``$$`` block starting a line and ending with ``$$`` at the end of the same or a later line
    (:func:`_math_block_at` decides, for this parser and the bulk renderer alike)."""
    begin = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4 or not state.src.startswith("$$", begin):
        return False
    lines = []
    for n in range(start, end):
        lo, hi = state.bMarks[n] + state.tShift[n], state.eMarks[n]
        if n > start and lo < hi and state.sCount[n] < state.blkIndent:
            break  # the enclosing block ends: no closing $$ inside it
        lines.append(state.src[lo:hi])
        if lines[-1].rstrip().endswith("$$") and (n > start or len(lines[-1].strip()) > 2):
            break  # the closing line (or a one-line block)
    block = _math_block_at(lines, 0)
    if block is None:
        return False
    if silent:
        return True
    content, last = block
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "$$"
    token.map = [start, start + last + 1]
    state.line = start + last + 1
    return True


def markdown_parser() -> MarkdownIt:
    """A new CommonMark parser (tables on, raw HTML off) that yields ``math_inline``,
    ``math_display`` (``$$`` inside a paragraph) and ``math_block`` tokens; callers add render rules."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.disable(["html_block", "html_inline"])  # no-ops with html=False; skipping them saves time
    md.inline.ruler.before("escape", "math", _math_inline_rule)
    md.block.ruler.before("fence", "math_block", _math_block_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return md



# --------------------------------------------------------------------------- fast HTML

# Math is swapped for private-use placeholders before the Markdown is rendered by cmark-gfm (C,
# about ten times faster than markdown-it in Python), then swapped back: the Markdown parser never
# sees the LaTeX, exactly as with the markdown-it rules above.
_PH_OPEN, _PH_CLOSE, _SEP = "\ue000", "\ue001", "\ue002"
_PLACEHOLDER = re.compile(_PH_OPEN + r"(\d+)" + _PH_CLOSE)
_BLOCK_PLACEHOLDER = re.compile(r"<p>" + _PH_OPEN + r"(\d+)" + _PH_CLOSE + r"</p>")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)*>")
_ALONE = re.compile(r"```|~~~|^ {0,3}\[[^\]]+\]:", re.M)  # fences and link definitions: not batched

MathRender = Callable[[str, str], str]  # (kind, latex) -> HTML; kind is "inline", "display" or "block"


def _protect(text: str, maths: list[tuple[str, str]]) -> str:
    """``text`` with every math span replaced by a placeholder (appended to ``maths``)."""
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    i = 0

    def flush() -> None:
        if prose:
            out.append(_protect_inline("\n".join(prose), maths))
            prose.clear()

    while i < len(lines):
        line = lines[i]
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            i += 1
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            fence = m.group(1)
            out.append(line)
            i += 1
            continue
        block = _math_block_at(lines, i)
        if block is None:
            prose.append(line)
            i += 1
            continue
        flush()
        content, end = block
        indent = line[: len(line) - len(line.lstrip())]
        maths.append(("block", content))
        out.extend(["", f"{indent}{_PH_OPEN}{len(maths) - 1}{_PH_CLOSE}", ""])
        i = end + 1
    flush()
    return "\n".join(out)


def _math_block_at(lines: list[str], start: int) -> tuple[str, int] | None:
    """The content and last line of a ``$$`` block starting at ``start`` (the markdown-it rule)."""
    first = lines[start].strip()
    if not first.startswith("$$"):
        return None
    rest = first[2:]
    if rest.endswith("$$") and rest[:-2].strip():
        return (rest[:-2], start) if "$$" not in rest[:-2] else None
    if "$$" in rest:
        return None
    for close in range(start + 1, len(lines)):
        line = lines[close].strip()
        if line.endswith("$$"):
            if "$$" in line[:-2]:
                return None
            parts = [rest, *(x.strip() for x in lines[start + 1:close]), line[:-2]]
            return "\n".join(p for p in parts if p.strip()), close
    return None


_BLANK_LINE = re.compile(r"\n[ \t]*\n")

# One pass over prose, alternatives in the order markdown-it tries them at a position: a backslash
# escape, a code span (closed by the same run of backticks, not across a blank line) or a bare run
# of backticks, display and inline math, a "$" that starts none, and "<" that would start a tag.
_INLINE = re.compile(
    r"(?=[\\`$<])"  # one cheap test at positions that start nothing
    r"(?:(?P<esc>\\.)"
    r"|(?P<code>(?P<ticks>`+)(?:[^`\n]|\n(?![ \t]*\n)|`)+?(?<!`)(?P=ticks)(?!`))|(?P<bare>`+)"
    r"|\$\$(?P<display>(?:[^$]|\$(?!\$))+)\$\$"
    # The same language as _INLINE_MATH: its content cannot hold an unescaped "$", so the lazy
    # match there and the possessive one here end at the same "$"; this one never backtracks.
    r"|\$(?![\s$])(?P<inline>(?:[^$\\\n]++|\\.)++)(?<![\s\\])\$(?!\d)"
    r"|(?P<dollar>\$)"
    r"|(?P<tag><(?=[A-Za-z/!?])))",
    re.S,
)


def _protect_inline(text: str, maths: list[tuple[str, str]]) -> str:
    """Placeholders for inline math in prose; escapes and code spans are left alone, as markdown-it does."""

    def repl(m: re.Match[str]) -> str:
        kind = m.lastgroup
        if kind == "display" or kind == "inline":
            latex = m.group(kind)
            if latex.strip() and not (kind == "display" and _BLANK_LINE.search(latex)):
                maths.append((kind, latex))
                return f"{_PH_OPEN}{len(maths) - 1}{_PH_CLOSE}"
            return m.group()
        if kind == "tag":
            return m.group() if _AUTOLINK.match(text, m.start()) else "&lt;"  # raw HTML shows as text
        return m.group()

    return _INLINE.sub(repl, text)


def markdown_to_html_many(texts: Sequence[str], math: MathRender) -> list[str]:
    """Render many Markdown texts (math through ``math``) with as few calls into cmark as it takes."""
    import cmarkgfm

    maths: list[tuple[str, str]] = []
    protected = [_protect(t.strip(), maths) for t in texts]

    def restore(html: str) -> str:
        html = _BLOCK_PLACEHOLDER.sub(
            lambda m: math(*maths[int(m.group(1))]) if maths[int(m.group(1))][0] == "block" else m.group(0), html)
        return _PLACEHOLDER.sub(lambda m: math(*maths[int(m.group(1))]), html)

    def cmark(text: str) -> str:
        return cmarkgfm.markdown_to_html_with_extensions(text, extensions=["table"])

    results: list[str | None] = [None] * len(texts)
    batch = [i for i, t in enumerate(protected) if not _ALONE.search(t)]
    for i in set(range(len(texts))) - set(batch):
        results[i] = restore(cmark(protected[i])).strip()
    if batch:
        joined = cmark(f"\n\n{_SEP}\n\n".join(protected[i] for i in batch))
        pieces = joined.split(f"<p>{_SEP}</p>\n")
        if len(pieces) != len(batch):  # a construct crossed a separator: render one by one
            pieces = [cmark(protected[i]) for i in batch]
        for i, piece in zip(batch, pieces, strict=True):
            results[i] = restore(piece).strip()
    return [r or "" for r in results]
