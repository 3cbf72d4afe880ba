"""Exercise sheets: which problems a sheet holds, the code that re-creates it, and grading.

A sheet is fully described by a :class:`SheetSpec` (kinds, count, difficulty, seed, language), and
the spec is packed into a short *sheet code* printed in the sheet's header.  The same spec always
gives the same problems, so ``quizzer sheet grade --code CODE`` can rebuild the sheet a student
answered and check it, with nothing stored anywhere.

How problems are drawn: the count is shared out among the selected modules in proportion to how
many of their kinds were selected (largest remainder), and within a module round-robin over its
kinds, so a short sheet still covers every module before repeating one.  Each problem's seed comes
from a hash of the sheet seed, so no exercise appears twice; problems are then ordered from easy to
hard (difficulty, then the length of the worked solution, a measure of the work it takes).

Rendering to Markdown, HTML and PDF lives in :mod:`quizzer.export.sheet_render`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.errors import ExerciseError, ExportError
from quizzer.exercises.registry import KINDS, generate, get_kind

if TYPE_CHECKING:
    from quizzer.answers import Verdict
    from quizzer.db import Database
    from quizzer.exercises import Exercise

__all__ = [
    "MAX_COUNT",
    "AnswerLine",
    "Graded",
    "Grading",
    "Problem",
    "Sheet",
    "SheetSpec",
    "build_sheet",
    "grade",
    "kinds_for",
    "parse_answers",
    "record_grading",
]

MAX_COUNT = 500
CODE_VERSION = 1
# The catalogue order is the bit order of a code's kind mask, so kinds are only ever appended.
_CATALOGUE = list(KINDS)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD)
_FROM_CROCKFORD = str.maketrans(_CROCKFORD, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@dataclass(frozen=True)
class SheetSpec:
    """Everything that decides a sheet's problems and language."""

    kinds: tuple[str, ...]
    count: int = 10
    difficulty: int | None = None  # None: a mix of 1, 2 and 3
    seed: int = 0
    lang: str = "en"

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ExportError("a sheet needs at least one exercise kind")
        for kind in self.kinds:
            get_kind(kind)
        if not 1 <= self.count <= MAX_COUNT:
            raise ExportError(f"a sheet holds 1 to {MAX_COUNT} problems, not {self.count}")
        if self.difficulty not in (None, 1, 2, 3):
            raise ExportError(f"difficulty must be 1, 2 or 3, not {self.difficulty}")
        if not 0 <= self.seed < 2**32:
            raise ExportError(f"the seed must be between 0 and {2**32 - 1}, not {self.seed}")
        if self.lang not in ("zh", "en"):
            raise ExportError(f"a sheet is written in zh or en, not {self.lang!r}")
        # Canonical order, so equal selections give equal codes.
        object.__setattr__(self, "kinds", tuple(k for k in _CATALOGUE if k in set(self.kinds)))

    @property
    def code(self) -> str:
        """A short code (``S1-XXXX-...``) from which :meth:`from_code` rebuilds this spec."""
        mask = 0
        for kind in self.kinds:
            mask |= 1 << _CATALOGUE.index(kind)
        mask_bytes = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
        flags = (self.lang == "zh") | ((self.difficulty or 0) << 1)
        body = bytes([CODE_VERSION, flags]) + self.count.to_bytes(2, "big") + self.seed.to_bytes(4, "big") + mask_bytes
        raw = body + hashlib.sha256(body).digest()[:2]
        text = base64.b32encode(raw).decode().rstrip("=").translate(_TO_CROCKFORD)
        return "S-" + "-".join(text[i:i + 4] for i in range(0, len(text), 4))

    @classmethod
    def from_code(cls, code: str) -> SheetSpec:
        """The spec a sheet code stands for; a mistyped code is rejected (it carries a checksum)."""
        text = re.sub(r"[\s-]", "", code.strip().upper())
        if text.startswith("S"):
            text = text[1:]
        text = text.replace("O", "0").replace("I", "1").replace("L", "1")
        hint = "copy it from the sheet's header, e.g. S-0A1B-..."
        if not text or any(c not in _CROCKFORD for c in text):
            raise ExportError(f"{code!r} is not a sheet code; {hint}")
        padded = text.translate(_FROM_CROCKFORD) + "=" * (-len(text) % 8)
        try:
            raw = base64.b32decode(padded)
        except ValueError:
            raise ExportError(f"{code!r} is not a sheet code; {hint}") from None
        body, check = raw[:-2], raw[-2:]
        if len(body) < 9 or hashlib.sha256(body).digest()[:2] != check:
            raise ExportError(f"sheet code {code!r} is garbled (its checksum does not match); {hint}")
        if body[0] != CODE_VERSION:
            raise ExportError(f"sheet code {code!r} is from a newer quizzer (format {body[0]}); upgrade quizzer")
        flags = body[1]
        mask = int.from_bytes(body[8:], "little")
        if mask >> len(_CATALOGUE):
            raise ExportError(f"sheet code {code!r} names exercise kinds this quizzer does not have; upgrade quizzer")
        kinds = tuple(k for i, k in enumerate(_CATALOGUE) if mask >> i & 1)
        return cls(kinds=kinds, count=int.from_bytes(body[2:4], "big"), difficulty=(flags >> 1) or None,
                   seed=int.from_bytes(body[4:8], "big"), lang="zh" if flags & 1 else "en")


@dataclass(frozen=True)
class Problem:
    number: int
    exercise: Exercise


@dataclass(frozen=True)
class Sheet:
    spec: SheetSpec
    problems: tuple[Problem, ...]

    @property
    def code(self) -> str:
        return self.spec.code


def kinds_for(
    kinds: Sequence[str] = (),
    modules: Sequence[str] = (),
    topics: Sequence[str] = (),
    *,
    content: Path | str | None = None,
) -> tuple[str, ...]:
    """The kinds a sheet draws from: the named kinds, every kind of the named modules, and every kind
    of the modules that a topic's cards drill.  Nothing named means every kind."""
    from quizzer.exercises.registry import kinds as kinds_of
    from quizzer.exercises.registry import module_names

    chosen: list[str] = [get_kind(k).name for k in kinds]
    for module in modules:
        if module not in module_names():
            raise ExerciseError(f"unknown module {module!r}; modules: {', '.join(module_names())}")
        chosen += [k.name for k in kinds_of(module)]
    if topics:
        from quizzer.config import bundled_content_dir
        from quizzer.content import load_content

        bundle = load_content(content if content is not None else bundled_content_dir())
        known = [t.id for t in bundle.topics]
        for topic in topics:
            if topic not in known:
                raise ExportError(f"unknown topic {topic!r}; topics: {', '.join(known)}")
            drilled = {c.exercise.split(".")[0] for c in bundle.cards if c.topic == topic and c.exercise}
            if not drilled:
                raise ExportError(f"no card of topic {topic!r} has an exercise; choose another topic or --module")
            chosen += [k.name for m in sorted(drilled) for k in kinds_of(m)]
    if not (kinds or modules or topics):
        chosen = list(_CATALOGUE)
    return tuple(k for k in _CATALOGUE if k in set(chosen))


def _problem_seed(sheet_seed: int, kind: str, difficulty: int, attempt: int) -> int:
    digest = hashlib.sha256(f"sheet:{sheet_seed}:{kind}:{difficulty}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1_000_000


def _allocate(spec: SheetSpec, rng: random.Random) -> list[str]:
    """The kind of each problem: modules in proportion to their selected kinds, kinds round-robin."""
    by_module: dict[str, list[str]] = {}
    for kind in spec.kinds:
        by_module.setdefault(kind.split(".")[0], []).append(kind)
    modules = list(by_module)
    rng.shuffle(modules)  # who gets the remainder when shares are equal
    total = len(spec.kinds)
    exact = {m: spec.count * len(by_module[m]) / total for m in modules}
    share = {m: int(exact[m]) for m in modules}
    left = spec.count - sum(share.values())
    for m in sorted(modules, key=lambda m: -(exact[m] - share[m]))[:left]:
        share[m] += 1
    picked: list[str] = []
    for m in modules:
        ks = by_module[m][:]
        rng.shuffle(ks)
        picked += [ks[i % len(ks)] for i in range(share[m])]
    return picked


def build_sheet(spec: SheetSpec) -> Sheet:
    """The sheet ``spec`` stands for: the same problems on every machine."""
    rng = random.Random(int.from_bytes(hashlib.sha256(f"sheet:{spec.seed}".encode()).digest()[:8], "big"))
    kinds = _allocate(spec, rng)
    if spec.difficulty is None:
        difficulties = [1 + (3 * i) // spec.count for i in range(spec.count)]
        rng.shuffle(difficulties)
    else:
        difficulties = [spec.difficulty] * spec.count
    seen: set[tuple[str, str]] = set()
    drawn: list[Exercise] = []
    attempts: dict[tuple[str, int], int] = {}
    for kind, difficulty in zip(kinds, difficulties, strict=True):
        for _ in range(200):
            n = attempts.get((kind, difficulty), 0)
            attempts[(kind, difficulty)] = n + 1
            exercise = generate(kind, _problem_seed(spec.seed, kind, difficulty, n), difficulty)
            key = (kind, exercise.prompt_en)
            if key not in seen:
                seen.add(key)
                drawn.append(exercise)
                break
        else:
            raise ExportError(f"cannot draw {kinds.count(kind)} different exercises of {kind} at difficulty "
                              f"{difficulty}; ask for fewer problems or more kinds")
    drawn.sort(key=lambda e: (e.difficulty, len(e.solution_en), e.kind, e.seed))
    return Sheet(spec, tuple(Problem(i + 1, e) for i, e in enumerate(drawn)))


# --------------------------------------------------------------------------- grading

_LINE = re.compile(r"^\s*[(（]?\s*(\d{1,4})\s*(?:\.(?=\s|$)|[)）\]:：、]|\s+(?=\S))\s*(.*?)\s*$")


@dataclass(frozen=True)
class AnswerLine:
    line: int
    number: int
    text: str


@dataclass(frozen=True)
class Graded:
    problem: Problem
    answer: AnswerLine | None  # None: no answer given
    verdict: Verdict | None

    @property
    def status(self) -> str:
        return "unanswered" if self.verdict is None else self.verdict.status.value

    def to_dict(self, lang: str) -> dict[str, Any]:
        e = self.problem.exercise
        return {
            "number": self.problem.number, "kind": e.kind, "seed": e.seed, "difficulty": e.difficulty,
            "answer": self.answer.text if self.answer else None, "line": self.answer.line if self.answer else None,
            "status": self.status, "correct": bool(self.verdict and self.verdict.correct),
            "expected": e.answer.display(),
            "feedback": self.verdict.feedback(lang) if self.verdict else "",
            "misconception": self.verdict.misconception if self.verdict else None,
        }


@dataclass(frozen=True)
class Grading:
    sheet: Sheet
    results: tuple[Graded, ...]
    errors: tuple[tuple[int, str], ...] = ()  # (line, message) of lines that could not be read
    recorded: int | None = None
    not_recorded: tuple[str, ...] = field(default=())

    @property
    def correct(self) -> int:
        return sum(r.status == "correct" for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "code": self.sheet.code, "total": self.total, "correct": self.correct, "score": round(self.score, 4),
            "problems": [r.to_dict(lang) for r in self.results],
            "errors": [{"line": n, "message": m} for n, m in self.errors],
            "recorded": self.recorded, "not_recorded": list(self.not_recorded),
        }


def parse_answers(text: str, problems: int) -> tuple[dict[int, AnswerLine], list[tuple[int, str]]]:
    """Numbered answers, one per line (``3. 112``, ``3) 112``, ``3: 112``); blank lines and ``#``
    comments are skipped.  A line that cannot be read is reported with its number and skipped."""
    answers: dict[int, AnswerLine] = {}
    errors: list[tuple[int, str]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            errors.append((n, f"expected a problem number, then the answer (e.g. '3. 112'), got {_clip(line)!r}"))
            continue
        number, answer = int(m.group(1)), m.group(2)
        if not 1 <= number <= problems:
            errors.append((n, f"there is no problem {number}: the sheet has problems 1 to {problems}"))
        elif number in answers:
            errors.append((n, f"problem {number} was already answered on line {answers[number].line}; "
                              "the first answer counts"))
        else:
            answers[number] = AnswerLine(n, number, answer)
    return answers, errors


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def grade(sheet: Sheet, answers_text: str, lang: str = "en") -> Grading:
    """Check a filled-in answers file against ``sheet``: a verdict per problem and the score."""
    from quizzer.answers import check

    answers, errors = parse_answers(answers_text, len(sheet.problems))
    results = []
    for problem in sheet.problems:
        given = answers.get(problem.number)
        if given is None or not given.text:
            results.append(Graded(problem, given, None))
        else:
            results.append(Graded(problem, given, check(problem.exercise, given.text, lang)))
    return Grading(sheet, tuple(results), tuple(errors))


def record_grading(db: Database, profile: str, grading: Grading, now: dt.datetime) -> Grading:
    """Record the graded answers as drill reviews of the cards that drill each kind.

    One review per drill item (a kind drilled by several problems counts once: Again if any of
    them was wrong, else Good), stamped ``now``.  Recording the same sheet twice adds nothing the
    second time.  Problems whose kind no card drills, unanswered and unreadable ones are skipped.
    """
    from sqlalchemy import select

    from quizzer.models import Card, Review
    from quizzer.scheduler import ItemKind, item_id
    from quizzer.study import StudyService

    service = StudyService(db, profile, now=now)
    with db.session() as s:
        drills: dict[str, str] = {}
        for card_id, kind in s.execute(select(Card.id, Card.exercise).where(Card.retired.is_(False),
                                       Card.exercise.is_not(None)).order_by(Card.stars.desc(), Card.position)):
            drills.setdefault(kind, card_id)
    by_item: dict[str, list[Graded]] = {}
    skipped: list[str] = []
    for r in grading.results:
        if r.verdict is None or r.status == "unreadable":
            continue
        card_id = drills.get(r.problem.exercise.kind)
        if card_id is None:
            skipped.append(r.problem.exercise.kind)
            continue
        by_item.setdefault(item_id(card_id, ItemKind.DRILL), []).append(r)
    recorded = 0
    for item, rs in by_item.items():
        worst = next((r for r in rs if not r.verdict.correct), rs[0])  # type: ignore[union-attr]
        e = worst.problem.exercise
        with db.session() as s:
            already = s.scalar(select(Review.id).where(
                Review.profile_id == service.profile_id, Review.item_id == item, Review.source == "sheet",
                Review.exercise_kind == e.kind, Review.seed == e.seed, Review.difficulty == e.difficulty).limit(1))
        if already is not None:
            continue
        verdict = worst.verdict
        assert verdict is not None and worst.answer is not None
        service.record(item, 3 if verdict.correct else 1, now, exercise=e, response=worst.answer.text,
                       verdict=verdict.status.value, source="sheet")
        recorded += 1
    return Grading(grading.sheet, grading.results, grading.errors, recorded, tuple(dict.fromkeys(skipped)))
