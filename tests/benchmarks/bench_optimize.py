"""Parameter fitting on a real Anki review history: time, and log loss / RMSE(bins) against the defaults.

Reads ../shared/data/review_logs_josh.csv (12,580 reviews; see the README there), turns it into the
review events quizzer stores (one recall item per Anki card), and runs ``quizzer.optimize.fit_parameters``
-- the same code ``quizzer optimize`` runs -- starting from the FSRS-6 defaults.  Targets: the fit in
under 2 s, with log loss at least as good as the defaults on the same reviews.

Run: python tests/benchmarks/bench_optimize.py [CSV] [--torch]
(--torch also times the fsrs library's own torch optimizer on the same log, for comparison.)
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizzer.optimize import fit_parameters, histories, training_items, usable_reviews
from quizzer.scheduler import DEFAULT_PARAMETERS, ReviewEvent

DEFAULT_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "review_logs_josh.csv"
REPEAT = 5


def load(path: Path) -> list[ReviewEvent]:
    with path.open(newline="", encoding="utf-8") as f:
        return [ReviewEvent(f"{row['card_id']}:recall", int(row["review_rating"]),
                            dt.datetime.fromisoformat(row["review_time"]).astimezone(dt.UTC),
                            int(row["review_duration"]) if row["review_duration"] else None)
                for row in csv.DictReader(f)]


def torch_fit(events: list[ReviewEvent]) -> float:
    import fsrs

    logs = [fsrs.ReviewLog(card_id=int(e.item_id.split(":")[0]), rating=fsrs.Rating(e.rating),
                           review_datetime=e.reviewed_at, review_duration=e.duration_ms) for e in events]
    t = time.perf_counter()
    fsrs.Optimizer(logs).compute_optimal_parameters()
    return time.perf_counter() - t


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT_CSV
    events = load(path)
    hists = histories(events)
    print(f"{path.name}: {len(events):,} reviews of {len(hists):,} cards, "
          f"{usable_reviews(hists):,} samples (reviews a day or more after the previous one)")

    walls, fits = [], []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fit = fit_parameters(events, DEFAULT_PARAMETERS)
        walls.append(time.perf_counter() - t)
        fits.append(fit)
    fit = fits[-1]
    assert all(f.fitted == fit.fitted for f in fits), "the fit is not deterministic"
    t = time.perf_counter()
    training_items(hists)
    build = time.perf_counter() - t

    wall = sorted(walls)[len(walls) // 2]
    print(f"fit (optimizer only)        {fit.seconds:6.3f} s   median of {REPEAT}: whole fit_parameters "
          f"(samples, fit, two evaluations) {wall:.3f} s; building samples {build:.3f} s   (target < 2 s)")
    print(f"defaults  log loss {fit.before.log_loss:.4f}   RMSE(bins) {fit.before.rmse_bins:.4f}")
    print(f"fitted    log loss {fit.after.log_loss:.4f}   RMSE(bins) {fit.after.rmse_bins:.4f}   "
          f"(log loss {fit.after.log_loss / fit.before.log_loss:.3f} x the defaults; target <= 1)")
    print("fitted parameters:", ", ".join(f"{p:.4f}" for p in fit.fitted))
    if "--torch" in argv:
        seconds = torch_fit(events)
        print(f"fsrs torch optimizer on the same log: {seconds:.1f} s ({seconds / fit.seconds:.0f}x the fit above)")
    ok = wall < 2.0 and fit.after.log_loss <= fit.before.log_loss
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
