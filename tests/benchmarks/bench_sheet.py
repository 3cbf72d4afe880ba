"""Exercise sheet benchmark: a 100-problem sheet with its answer key as PDF (target: under 2 s).

Times the whole of ``quizzer sheet -o FILE.pdf -n 100`` as the library does it (draw the problems
from every kind, convert Markdown and math to Typst, typeset sheet and key with the typst package,
write both files), in English and in Chinese (with a CJK font when one is installed), each the best
of several repetitions in this one run.  The stages are timed on their own too, and the figure that
matters is the ratio of the total to the 2 s budget (target: at most 1.0).

Run: python tests/benchmarks/bench_sheet.py [repetitions, default 5]
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizzer.export.sheet import SheetSpec, build_sheet, kinds_for
from quizzer.export.sheet_render import _pdf, find_cjk_font, render_typst, write_sheet
from tests.benchmarks.timing import best

BUDGET = 2.0
TODAY = dt.date(2026, 12, 6)



def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cjk = find_cjk_font()
    print(f"100-problem sheet + key as PDF, best of {reps}; CJK font: {cjk or 'none (Chinese falls back to English)'}")
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("en", "zh"):
            spec = SheetSpec(kinds_for(), count=100, seed=2026, lang=lang)
            sheet = build_sheet(spec)
            font = cjk if lang == "zh" else None
            t_draw = best(lambda spec=spec: build_sheet(spec), reps)
            t_typst = best(lambda sheet=sheet, font=font: [render_typst(sheet, key=k, today=TODAY, cjk_font=font)
                                                           for k in (False, True)], reps)
            sources = [render_typst(sheet, key=k, today=TODAY, cjk_font=font) for k in (False, True)]
            t_pdf = best(lambda sources=sources: [_pdf(s) for s in sources], reps)
            t_total = best(lambda spec=spec, lang=lang: write_sheet(spec, Path(tmp) / f"sheet-{lang}.pdf", today=TODAY),
                           reps)
            size = sum((Path(tmp) / n).stat().st_size for n in (f"sheet-{lang}.pdf", f"sheet-{lang}-key.pdf"))
            print(f"  {lang}: draw {t_draw * 1000:6.1f} ms · Markdown→Typst {t_typst * 1000:6.1f} ms · "
                  f"typeset {t_pdf * 1000:6.1f} ms · total {t_total:5.2f} s = {t_total / BUDGET:.2f}× the {BUDGET:.0f} s "
                  f"budget · {size / 1024:.0f} KB")

        # What a person waits for: the command in a fresh process (imports, font discovery and all).
        for lang in ("en", "zh"):
            env = {**os.environ, "QUIZZER_DB": str(Path(tmp) / "q.sqlite3")}
            cmd = [sys.executable, "-m", "quizzer", "sheet", "-o", str(Path(tmp) / f"cli-{lang}.pdf"), "-n", "100",
                   "--seed", "7", "--lang", lang]
            t_cli = best(lambda cmd=cmd, env=env: subprocess.run(cmd, env=env, check=True, capture_output=True), reps)
            print(f"  {lang}: 'quizzer sheet -o FILE.pdf -n 100' in a new process {t_cli:5.2f} s = "
                  f"{t_cli / BUDGET:.2f}× the {BUDGET:.0f} s budget")


if __name__ == "__main__":
    main()
