"""Anki export benchmark: the whole bank with 20 variants per exercise, against genanki alone.

"Ours" is ``export_anki``: load the content, generate the exercise variants, render Markdown and
math to HTML, build the genanki notes and write the package.  "genanki alone" is the floor any
genanki exporter pays: building ``genanki.Note`` objects from the very same, already prepared
field strings and ``genanki.Package(...).write_to_file``.  Both are timed in this one run, each the
best of several repetitions, and the figure that matters is their ratio (target: at most 1.5).
The stages of ours are timed on their own too, to show where the time goes.

Run: python tests/benchmarks/bench_export.py [repetitions, default 5]
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # before numpy is imported: one core means one thread

import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import genanki  # noqa: E402

from quizzer.config import bundled_content_dir  # noqa: E402
from quizzer.content import load_content  # noqa: E402
from quizzer.exercises import generate  # noqa: E402
from quizzer.export.anki import (  # noqa: E402
    EXERCISE_DIFFICULTY,
    PARENT_DECK,
    PARENT_DECK_ID,
    _models,
    deck_id,
    deck_name,
    export_anki,
    markdown_to_html_bulk,
    prepare_notes,
    write_package,
)
from tests.benchmarks.timing import best  # noqa: E402

VARIANTS = 20
LANG = "both"


def genanki_alone(prepared, bundle, path: Path) -> None:
    """Notes from prepared field strings, then genanki writes the package: nothing of ours.

    The note types are ours (same fields, templates and stylesheet), built by genanki.
    """
    models = _models()
    decks = {t.id: genanki.Deck(deck_id(t.id), deck_name(t, LANG)) for t in bundle.topics}
    for n in prepared:
        decks[n.topic].add_note(genanki.Note(model=models[n.model], fields=list(n.fields), tags=list(n.tags),
                                             guid=n.guid))
    genanki.Package([genanki.Deck(PARENT_DECK_ID, PARENT_DECK), *decks.values()]).write_to_file(str(path))



def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    bundle = load_content(bundled_content_dir())
    prepared = prepare_notes(bundle, bundle.cards, lang=LANG, variants=VARIANTS)
    kinds = list(dict.fromkeys(c.exercise for c in bundle.cards if c.exercise))
    exercises = [generate(k, s, EXERCISE_DIFFICULTY) for k in kinds for s in range(1, VARIANTS + 1)]
    texts = list(dict.fromkeys(
        [t for c in bundle.cards for t in (c.question_zh, c.question_en, c.answer_zh, c.answer_en)]
        + [t for e in exercises for t in (e.prompt_zh, e.prompt_en, e.solution_zh, e.solution_en)]))
    with tempfile.TemporaryDirectory() as tmp:
        ours_path, base_path = Path(tmp) / "ours.apkg", Path(tmp) / "genanki.apkg"
        export_anki(ours_path, variants=VARIANTS, lang=LANG)  # warm up: imports and first-call costs
        genanki_alone(prepared, bundle, base_path)
        ours = best(lambda: export_anki(ours_path, variants=VARIANTS, lang=LANG), repetitions)
        base = best(lambda: genanki_alone(prepared, bundle, base_path), repetitions)
        stages = {
            "load content": best(lambda: load_content(bundled_content_dir()), repetitions),
            f"generate {len(exercises)} exercises": best(
                lambda: [generate(k, s, EXERCISE_DIFFICULTY) for k in kinds for s in range(1, VARIANTS + 1)],
                repetitions),
            f"Markdown -> HTML, {len(texts)} texts": best(lambda: markdown_to_html_bulk(texts), repetitions),
            "build notes + write (ours)": best(lambda: write_package(prepared, bundle, ours_path, lang=LANG),
                                               repetitions),
        }
        result = export_anki(ours_path, variants=VARIANTS, lang=LANG)
        base_size = base_path.stat().st_size
    print(f"notes: {result.notes} ({result.question_notes} questions, {result.exercise_notes} exercise variants), "
          f"{len(result.decks)} decks; {sum(map(len, texts)) / 1e6:.2f} M characters of Markdown")
    print(f"{'quizzer export_anki (whole pipeline)':40s} {ours * 1000:8.1f} ms   {result.size / 1024:6.0f} KB")
    for name, seconds in stages.items():
        print(f"  {name:38s} {seconds * 1000:8.1f} ms   {seconds / base:5.2f} x genanki alone")
    print(f"{'genanki alone (prepared fields)':40s} {base * 1000:8.1f} ms   {base_size / 1024:6.0f} KB")
    print(f"{'ratio':40s} {ours / base:8.2f}      (target <= 1.5; best of {repetitions}, one core)")


if __name__ == "__main__":
    main()
