"""Anki packages (``.apkg``) of the question bank and of seeded exercise variants, built with genanki.

What ends up in a package, and why it can be imported again without duplicates:

* Two note types with fixed ids: *quizzer question* (fields Question, Answer, Stars, Topic, Source,
  Id) and *quizzer exercise* (Prompt, Answer, Solution, Kind, Seed).  Changing an id would make Anki
  see a different note type, so they are constants.
* One deck per topic under the parent deck ``Deep Learning Interview``; the sub-deck carries the
  topic's English name (its Chinese name when the export is Chinese only).  Deck ids come from a
  hash of the topic id.  Anki matches decks by name when it imports.
* A question note's GUID is ``guid_for("quizzer", card id)``; an exercise note's is
  ``guid_for("quizzer", kind, seed, difficulty)``.  Exercise variants use seeds 1..N, so exporting
  again gives the same GUIDs and Anki updates the notes it already has.
* Anki replaces an existing note only when the incoming one is *newer* (its modification time, in
  whole seconds, is greater).  Every note therefore carries the export's wall-clock time; two
  exports within the same second cannot update each other.
* Markdown becomes HTML through markdown-it (tables enabled, raw HTML escaped); ``$...$`` and
  ``$$...$$`` become MathJax's ``\\(...\\)`` and ``\\[...\\]``, Anki's own math, and nothing inside
  them is touched by the Markdown parser.

genanki is imported only when a package is built.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import sqlite3
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.errors import ExportError
from quizzer.export.files import write_atomically
from quizzer.export.markup import markdown_to_html_many

if TYPE_CHECKING:
    from quizzer.content import CardSpec, ContentBundle, TopicSpec
    from quizzer.exercises import Exercise

__all__ = [
    "EXERCISE_DIFFICULTY",
    "EXERCISE_MODEL_ID",
    "PARENT_DECK",
    "QUESTION_MODEL_ID",
    "AnkiExport",
    "PreparedNote",
    "deck_id",
    "deck_name",
    "export_anki",
    "markdown_to_html",
    "prepare_notes",
    "select_cards",
    "write_package",
]

# Fixed for good: Anki identifies note types by these ids.
QUESTION_MODEL_ID = 1_733_402_611
EXERCISE_MODEL_ID = 1_733_402_612
PARENT_DECK = "Deep Learning Interview"
PARENT_DECK_ID = 1_733_402_600
# The difficulty of exported exercise variants: the default of `quizzer exercise`, so the command
# printed on the back of an exercise card re-creates it.
EXERCISE_DIFFICULTY = 2
GUID_NAMESPACE = "quizzer"
LANGS = ("zh", "en", "both")

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- Markdown and math


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _mathjax(kind: str, latex: str) -> str:
    """Anki's own math: ``\\(..\\)`` inline, ``\\[..\\]`` display; HTML-escaped, since it sits in HTML."""
    if kind == "inline":
        return rf"\({_escape(latex)}\)"
    if kind == "display":
        return rf"\[{_escape(latex.strip())}\]"
    return f'<div class="math">\\[{_escape(latex.strip())}\\]</div>'


def markdown_to_html_bulk(texts: Sequence[str]) -> list[str]:
    """Many Markdown texts as HTML for Anki, rendered together (the fast way for a whole bank)."""
    return markdown_to_html_many(texts, _mathjax)


def markdown_to_html(text: str) -> str:
    """Card Markdown as HTML for Anki, with math as MathJax delimiters (``\\(..\\)``, ``\\[..\\]``)."""
    return markdown_to_html_bulk([text])[0]


# --------------------------------------------------------------------------- decks and notes


def _stable_id(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def deck_id(topic_id: str) -> int:
    """The fixed id of a topic's deck (from a hash of the topic id)."""
    return _stable_id("quizzer-deck", topic_id)


def deck_name(topic: TopicSpec, lang: str) -> str:
    """``Deep Learning Interview::<English topic name>``; the Chinese name for a Chinese-only export."""
    return f"{PARENT_DECK}::{topic.name_zh if lang == 'zh' else topic.name_en}"


def _tag(text: str) -> str:
    return "_".join(text.split())  # Anki tags are separated by spaces


Render = Callable[[str], str]


def _sides(lang: str, zh: str, en: str, render: Render = markdown_to_html) -> str:
    """One side of a note: Chinese, English, or both (Chinese first) in separated blocks."""
    parts = []
    if lang in ("zh", "both") and zh.strip():
        parts.append(f'<div class="lang lang-zh" lang="zh-Hans">{render(zh)}</div>')
    if lang in ("en", "both") and en.strip():
        parts.append(f'<div class="lang lang-en" lang="en">{render(en)}</div>')
    return '\n<hr class="lang-sep">\n'.join(parts)


def _topic_label(topic: TopicSpec, lang: str) -> str:
    if lang == "zh":
        return topic.name_zh
    if lang == "en":
        return topic.name_en
    return f"{topic.name_zh} · {topic.name_en}"


@dataclass(frozen=True)
class PreparedNote:
    """A note ready for genanki: which note type, which deck, its field strings, tags and GUID."""

    model: str  # "question" or "exercise"
    topic: str  # topic id, selects the deck
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    guid: str


@dataclass(frozen=True)
class AnkiExport:
    """What ``export_anki`` wrote."""

    path: Path
    question_notes: int
    exercise_notes: int
    decks: tuple[str, ...]  # the parent deck and one deck per exported topic
    size: int  # bytes
    lang: str

    @property
    def notes(self) -> int:
        return self.question_notes + self.exercise_notes


def select_cards(bundle: ContentBundle, topics: Sequence[str] = (), stars: int | None = None) -> list[CardSpec]:
    """The cards of ``topics`` (all when empty) with exactly ``stars`` stars (any when None), in bank order."""
    known = [t.id for t in bundle.topics]
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise ExportError(f"unknown topic {', '.join(map(repr, unknown))}; the topics are: {', '.join(known)}")
    cards = [c for c in bundle.cards if (not topics or c.topic in topics) and (stars is None or c.stars == stars)]
    if not cards:
        what = f"topic {', '.join(topics)}" if topics else "the content"
        raise ExportError(f"no cards with {stars} stars in {what}; nothing to export (try another --stars)")
    return cards


def _question_note(card: CardSpec, topic: TopicSpec, lang: str, render: Render) -> PreparedNote:
    from genanki import guid_for

    tags = [f"topic::{card.topic}", f"stars::{card.stars}", *(_tag(t) for t in card.tags)]
    if card.exercise:
        tags.append(f"exercise::{card.exercise}")
    fields = (
        _sides(lang, card.question_zh, card.question_en, render),
        _sides(lang, card.answer_zh, card.answer_en, render),
        "★" * card.stars,
        _escape(_topic_label(topic, lang)),
        _escape(card.source),
        _escape(card.id),
    )
    return PreparedNote("question", card.topic, fields, tuple(dict.fromkeys(tags)), guid_for(GUID_NAMESPACE, card.id))


def _exercise_note(ex: Exercise, cards: list[CardSpec], lang: str, render: Render) -> PreparedNote:
    from genanki import guid_for

    kind, seed = ex.kind, ex.seed
    stars = max(c.stars for c in cards)
    tags = [f"topic::{cards[0].topic}", f"stars::{stars}", f"exercise::{kind}", *(f"card::{c.id}" for c in cards)]
    fields = (
        _sides(lang, ex.prompt_zh, ex.prompt_en, render),
        _escape(ex.answer.display()),
        _sides(lang, ex.solution_zh, ex.solution_en, render),
        _escape(kind),
        str(seed),
    )
    return PreparedNote("exercise", cards[0].topic, fields, tuple(dict.fromkeys(tags)),
                        guid_for(GUID_NAMESPACE, kind, seed, EXERCISE_DIFFICULTY))


def prepare_notes(
    bundle: ContentBundle,
    cards: Iterable[CardSpec],
    *,
    lang: str = "both",
    variants: int = 5,
    progress: Progress | None = None,
) -> list[PreparedNote]:
    """Question notes for ``cards`` and ``variants`` exercise notes (seeds 1..N) per exercise kind they name.

    A kind named by several cards gets one set of variants, in the deck of the first of them.
    ``progress(done, total)`` is called as the notes are made.
    """
    if lang not in LANGS:
        raise ExportError(f"language must be zh, en or both, not {lang!r}")
    if not 0 <= variants <= 100:
        raise ExportError(f"variants must be between 0 and 100, not {variants}")
    cards = list(cards)
    topics = {t.id: t for t in bundle.topics}
    by_kind: dict[str, list[CardSpec]] = {}
    for card in cards:
        if card.exercise:
            by_kind.setdefault(card.exercise, []).append(card)
    total = len(cards) + len(by_kind) * variants
    from quizzer.exercises import generate

    # Generate first (the slow part, so it drives the progress bar), then render every distinct
    # Markdown text of the export in one go, then assemble the notes.
    exercises: list[tuple[Exercise, list[CardSpec]]] = []
    for kind, named_by in by_kind.items():
        for seed in range(1, variants + 1):
            exercises.append((generate(kind, seed, EXERCISE_DIFFICULTY), named_by))
            if progress is not None:
                progress(len(exercises), total)
    texts: list[str] = []
    for card in cards:
        texts += [card.question_zh, card.question_en, card.answer_zh, card.answer_en]
    for ex, _ in exercises:
        texts += [ex.prompt_zh, ex.prompt_en, ex.solution_zh, ex.solution_en]
    distinct = list(dict.fromkeys(texts))
    rendered = dict(zip(distinct, markdown_to_html_bulk(distinct), strict=True))
    render = rendered.__getitem__
    notes = []
    for card in cards:
        notes.append(_question_note(card, topics[card.topic], lang, render))
        if progress is not None:
            progress(len(exercises) + len(notes), total)
    notes += [_exercise_note(ex, named_by, lang, render) for ex, named_by in exercises]
    return notes


# --------------------------------------------------------------------------- note types

_CSS = """\
.card {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
    "WenQuanYi Micro Hei", sans-serif;
  font-size: 18px;
  line-height: 1.6;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  max-width: 46em;
  margin: 0 auto;
  padding: 0.8em 1em;
  overflow-wrap: break-word;
}
.meta { font-size: 0.8em; color: #656d76; margin-bottom: 0.6em; }
.stars { color: #bf8700; letter-spacing: 0.1em; margin-right: 0.5em; }
.kind { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.lang-sep { border: none; border-top: 1px dashed #d0d7de; margin: 1em 0; }
hr#answer { border: none; border-top: 2px solid #d0d7de; margin: 1.2em 0; }
h1, h2, h3, h4 { font-size: 1.05em; margin: 1em 0 0.4em; }
p, ul, ol { margin: 0.5em 0; }
ul, ol { padding-left: 1.4em; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
  font-size: 0.9em; background: #f3f4f6; border-radius: 4px; }
code { padding: 0.1em 0.3em; }
pre { padding: 0.6em 0.8em; overflow-x: auto; }
pre code { padding: 0; background: none; }
table { border-collapse: collapse; margin: 0.6em 0; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.3em 0.6em; }
th { background: #f6f8fa; }
.math { overflow-x: auto; overflow-y: hidden; margin: 0.5em 0; }
mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; }
.value { font-size: 1.4em; font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.footer { margin-top: 1.2em; font-size: 0.75em; color: #656d76; }
.footer code { background: none; }
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e6edf3; background-color: #1e1f22;
}
.nightMode .meta, .night_mode .meta, .nightMode .footer, .night_mode .footer { color: #9198a1; }
.nightMode .stars, .night_mode .stars { color: #e3b341; }
.nightMode code, .night_mode code, .nightMode pre, .night_mode pre { background: #2d2f34; }
.nightMode pre code, .night_mode pre code { background: none; }
.nightMode th, .night_mode th { background: #2d2f34; }
.nightMode th, .night_mode th, .nightMode td, .night_mode td { border-color: #3d444d; }
.nightMode .lang-sep, .night_mode .lang-sep, .nightMode hr#answer, .night_mode hr#answer { border-top-color: #3d444d; }
@media (max-width: 480px) { .card { font-size: 16px; padding: 0.5em 0.6em; } }
"""

_QUESTION_FRONT = """\
<div class="meta"><span class="stars">{{Stars}}</span><span class="topic">{{Topic}}</span></div>
<div class="question">{{Question}}</div>"""

_QUESTION_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
<div class="footer">{{#Source}}<span class="source">{{Source}}</span> · {{/Source}}<span class="card-id">{{Id}}</span></div>"""

_EXERCISE_FRONT = """\
<div class="meta"><span class="kind">{{Kind}}</span> · seed {{Seed}}</div>
<div class="prompt">{{Prompt}}</div>"""

_EXERCISE_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="value">{{Answer}}</div>
<div class="solution">{{Solution}}</div>
<div class="footer"><code>quizzer exercise {{Kind}} --seed {{Seed}} --solution</code></div>"""


@functools.cache
def _models() -> dict[str, Any]:
    import genanki

    question = genanki.Model(
        QUESTION_MODEL_ID,
        "quizzer question",
        fields=[{"name": n} for n in ("Question", "Answer", "Stars", "Topic", "Source", "Id")],
        templates=[{"name": "Question", "qfmt": _QUESTION_FRONT, "afmt": _QUESTION_BACK}],
        css=_CSS,
    )
    exercise = genanki.Model(
        EXERCISE_MODEL_ID,
        "quizzer exercise",
        fields=[{"name": n} for n in ("Prompt", "Answer", "Solution", "Kind", "Seed")],
        templates=[{"name": "Exercise", "qfmt": _EXERCISE_FRONT, "afmt": _EXERCISE_BACK}],
        css=_CSS,
    )
    return {"question": question, "exercise": exercise}


# --------------------------------------------------------------------------- writing


def _check_output(path: Path) -> Path:
    if path.suffix.lower() != ".apkg":
        raise ExportError(f"{path}: the file name must end in .apkg (Anki recognises packages by it)")
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name such as {path / 'quizzer.apkg'}")
    parent = path.parent
    if not parent.exists():
        raise ExportError(f"directory {parent} does not exist; create it or choose another path with -o")
    if not parent.is_dir():
        raise ExportError(f"{parent} is not a directory; choose another path with -o")
    return path


def write_package(
    notes: Sequence[PreparedNote],
    bundle: ContentBundle,
    output: Path | str,
    *,
    lang: str = "both",
    timestamp: float | None = None,
) -> tuple[str, ...]:
    """Write ``notes`` as an Anki package at ``output``; return the deck names.

    The package is written to a temporary file next to ``output`` and moved into place, so a
    failed export leaves no partial file (and an older package at ``output`` stays intact).
    ``timestamp`` (seconds since the epoch, default now) becomes every note's modification time.
    """
    import genanki

    output = _check_output(Path(output))
    stamp = time.time() if timestamp is None else float(timestamp)
    models = _models()
    parent = genanki.Deck(PARENT_DECK_ID, PARENT_DECK, description="Deep-learning interview questions · 深度学习面试题")
    decks: dict[str, Any] = {}
    for topic in bundle.topics:  # topic order, only topics that have notes
        if any(n.topic == topic.id for n in notes):
            decks[topic.id] = genanki.Deck(deck_id(topic.id), deck_name(topic, lang),
                                           description=f"{topic.name_zh} · {topic.name_en}")
    for n in notes:
        decks[n.topic].add_note(genanki.Note(model=models[n.model], fields=list(n.fields), tags=list(n.tags), guid=n.guid))
    all_decks = [parent, *decks.values()]
    package = genanki.Package(all_decks)

    # genanki's write_to_file leaves its SQLite file behind in the temp folder; build the
    # collection in memory instead and zip it ourselves.
    conn = sqlite3.connect(":memory:")
    try:
        package.write_to_db(conn.cursor(), stamp, _ids(stamp))
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("collection.anki2", collection)
        z.writestr("media", "{}")
    write_atomically(output, buffer.getvalue())
    return tuple(d.name for d in all_decks)


def _ids(stamp: float) -> Iterable[int]:
    import itertools

    return itertools.count(int(stamp * 1000))  # note and card ids, as genanki numbers them


def export_anki(
    output: Path | str,
    *,
    content: Path | str | None = None,
    topics: Sequence[str] = (),
    stars: int | None = None,
    lang: str = "both",
    variants: int = 5,
    timestamp: float | None = None,
    progress: Progress | None = None,
) -> AnkiExport:
    """Export the question bank (``content``, default the bundled one) to an Anki package.

    ``topics`` and ``stars`` select cards (see :func:`select_cards`); every selected card with an
    exercise adds ``variants`` exercise notes.  ``timestamp`` defaults to now: pass a later one
    than the previous export's for Anki to update notes it already has.
    """
    from quizzer.config import bundled_content_dir
    from quizzer.content import load_content

    output = _check_output(Path(output))  # fail before any work is done
    bundle = load_content(content if content is not None else bundled_content_dir())
    cards = select_cards(bundle, topics, stars)
    notes = prepare_notes(bundle, cards, lang=lang, variants=variants, progress=progress)
    decks = write_package(notes, bundle, output, lang=lang, timestamp=timestamp)
    n_questions = sum(n.model == "question" for n in notes)
    return AnkiExport(
        path=output,
        question_notes=n_questions,
        exercise_notes=len(notes) - n_questions,
        decks=decks,
        size=output.stat().st_size,
        lang=lang,
    )
