"""Markdown with ``$...$`` / ``$$...$$`` math, parsed once and rendered by every file front end.

The Anki export turns the math tokens into MathJax delimiters, the HTML sheet into MathML, the PDF
sheet into Typst math; all of them need the same rule for what counts as math, so it lives here.
Math is consumed whole: nothing inside it is touched by the Markdown parser.  markdown-it (which
``rich`` already depends on) is imported only when a parser is built.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["markdown_parser"]

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
    """A ``$$`` block starting a line and ending with ``$$`` at the end of the same or a later line."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    first = state.src[begin:state.eMarks[start]].rstrip()
    if not first.startswith("$$"):
        return False
    rest = first[2:]
    if rest.endswith("$$") and rest[:-2].strip():  # one line: $$ ... $$
        if "$$" in rest[:-2]:
            return False
        content, close = rest[:-2], start
    else:
        if "$$" in rest:
            return False  # "$$a$$ and more": inline display math in a paragraph
        close = start
        while True:
            close += 1
            if close >= end:
                return False  # never closed: leave it to the paragraph
            lo = state.bMarks[close] + state.tShift[close]
            hi = state.eMarks[close]
            if lo < hi and state.sCount[close] < state.blkIndent:
                return False
            line = state.src[lo:hi].rstrip()
            if line.endswith("$$"):
                if "$$" in line[:-2]:
                    return False
                middle = state.getLines(start + 1, close, state.sCount[start], False)
                content = "\n".join(part for part in (rest, middle, line[:-2]) if part.strip())
                break
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "$$"
    token.map = [start, close + 1]
    state.line = close + 1
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

