"""Parse and validate the question bank: ``content/<topic>/<card>.md`` -> frozen ``CardSpec``.

Pure: reads files, touches no database.  Every problem is collected (not just the first) and
reported as ``path:line: message`` so an author can fix a whole folder in one pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from quizzer.errors import ContentError

__all__ = ["CardSpec", "ContentBundle", "Problem", "SECTIONS", "TopicSpec", "check_content", "load_content", "parse_card"]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9:._-]*$")
# Section heading -> CardSpec field.  All four are required, each exactly once.
SECTIONS = {"问题": "question_zh", "答案": "answer_zh", "Question": "question_en", "Answer": "answer_en"}
REQUIRED_KEYS = ("id", "stars")
KNOWN_KEYS = {"id", "stars", "tags", "source", "exercise"}

Problem = tuple[str, int, str]  # (path, line, message)


@dataclass(frozen=True)
class TopicSpec:
    id: str
    name_zh: str
    name_en: str
    position: int


@dataclass(frozen=True)
class CardSpec:
    """One card as written in content, validated."""

    id: str
    topic: str
    stars: int
    tags: tuple[str, ...]
    source: str
    exercise: str | None
    question_zh: str
    answer_zh: str
    question_en: str
    answer_en: str
    path: str  # relative to the content root, e.g. "convolution/padding.md"
    position: int = 0  # order in the bank: topic order, then file name

    @property
    def content_hash(self) -> str:
        """Hash of everything a learner sees; changes when the card's text changes."""
        d = asdict(self)
        d.pop("path")
        d.pop("position")
        return hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tags"] = list(self.tags)
        return d


@dataclass(frozen=True)
class ContentBundle:
    root: Path
    topics: tuple[TopicSpec, ...]
    cards: tuple[CardSpec, ...]


def _display(path: Path) -> str:
    # abspath, not resolve(): no symlink lookups for every file of a large bank
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1:]
    return str(path)


def _known_exercises() -> set[str]:
    from quizzer.exercises.registry import KINDS

    return set(KINDS)


def load_topics(root: Path, problems: list[Problem]) -> list[TopicSpec]:
    path = root / "topics.toml"
    shown = _display(path)
    if not path.is_file():
        problems.append((shown, 0, "missing topics.toml; declare every topic folder in it"))
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append((shown, 1, "not valid UTF-8"))
        return []
    except tomllib.TOMLDecodeError as exc:
        problems.append((shown, _toml_error_line(exc, 0), f"invalid TOML: {_toml_error_text(exc)}"))
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    topics: list[TopicSpec] = []
    seen: set[str] = set()
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        problems.append((shown, 1, "expected [[topic]] tables with id, zh and en"))
        return []
    for entry in entries:
        tid = entry.get("id")
        line = _find_line(lines, rf'^\s*id\s*=\s*"{re.escape(str(tid))}"') if tid else 1
        missing = [k for k in ("id", "zh", "en") if not isinstance(entry.get(k), str) or not entry.get(k)]
        if missing:
            problems.append((shown, line, f"topic needs {', '.join(missing)} (non-empty strings)"))
            continue
        if not ID_RE.match(tid):
            problems.append((shown, line, f"topic id {tid!r} must be lowercase letters, digits and hyphens"))
        if tid in seen:
            problems.append((shown, line, f"duplicate topic id {tid!r}"))
        seen.add(tid)
        topics.append(TopicSpec(tid, entry["zh"], entry["en"], len(topics)))
    return topics


def _toml_error_line(exc: tomllib.TOMLDecodeError, offset: int) -> int:
    m = re.search(r"at line (\d+)", str(exc))
    return offset + int(m.group(1)) if m else offset + 1


def _toml_error_text(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))


def _find_line(lines: list[str], pattern: str, start: int = 0, default: int = 1) -> int:
    rx = re.compile(pattern)
    for i, line in enumerate(lines[start:], start=start):
        if rx.search(line):
            return i + 1
    return default


# Control characters (tab included) have no place in a card; they usually mean that "\alpha" or
# "\text" went through a string escape ("\a" is BEL, "\t" a tab) on the way into the file.
_CONTROL = re.compile(r"[\x00-\x08\x09\x0b\x0c\x0e-\x1f\x7f]")


def _control_problems(shown: str, text: str) -> list[Problem]:
    problems = []
    for n, line in enumerate(text.split("\n"), start=1):  # not splitlines(): it splits on \f and \v too
        bad = _CONTROL.search(line)
        if bad:
            problems.append((shown, n, f"control character U+{ord(bad.group()):04X} in the text (a LaTeX backslash "
                                       "read as an escape, such as \\a or \\t, when the file was written?)"))
    return problems


def parse_card(path: Path, topic: str, text: str, known_exercises: set[str] | None = None) -> tuple[CardSpec | None, list[Problem]]:
    """Parse one card file; return the card (None if unusable) and every problem found."""
    shown = _display(path)
    problems: list[Problem] = []
    lines = text.splitlines()
    if _CONTROL.search(text):
        return None, _control_problems(shown, text)
    if not lines or lines[0].strip() != "+++":
        return None, [(shown, 1, "a card must start with TOML front matter between '+++' lines")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        return None, [(shown, 1, "front matter is not closed: add a '+++' line after it")]
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        return None, [(shown, _toml_error_line(exc, 1), f"invalid TOML in front matter: {_toml_error_text(exc)}")]

    def key_line(key: str) -> int:
        return _find_line(lines[: end + 1], rf"^\s*{key}\s*=", 1, 1)

    for key in REQUIRED_KEYS:
        if key not in meta:
            problems.append((shown, 1, f"missing required field '{key}' in front matter"))
    for key in sorted(set(meta) - KNOWN_KEYS):
        problems.append((shown, key_line(key), f"unknown field '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})"))
    card_id = meta.get("id")
    if "id" in meta and (not isinstance(card_id, str) or not ID_RE.match(card_id)):
        problems.append((shown, key_line("id"), f"id must be a slug of lowercase letters, digits and hyphens, not {card_id!r}"))
    stars = meta.get("stars")
    if "stars" in meta and (not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 3):
        problems.append((shown, key_line("stars"), f"stars must be 1, 2 or 3, not {stars!r}"))
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and TAG_RE.match(t) for t in tags):
        problems.append((shown, key_line("tags"), "tags must be a list of lowercase strings like [\"conv\", \"parent:pooling\"]"))
        tags = []
    source = meta.get("source", "")
    if not isinstance(source, str):
        problems.append((shown, key_line("source"), "source must be a string"))
        source = ""
    exercise = meta.get("exercise")
    if exercise is not None:
        known = known_exercises if known_exercises is not None else _known_exercises()
        if not isinstance(exercise, str) or exercise not in known:
            problems.append((shown, key_line("exercise"), f"unknown exercise {exercise!r}; run 'quizzer exercise --list' for the names"))

    sections, section_problems = _split_sections(lines, end + 1, shown)
    problems.extend(section_problems)
    if problems:
        return None, problems
    return CardSpec(
        id=card_id, topic=topic, stars=stars, tags=tuple(tags), source=source.strip(), exercise=exercise,
        path="", **sections,
    ), []


def _split_sections(lines: list[str], start: int, shown: str) -> tuple[dict[str, str], list[Problem]]:
    problems: list[Problem] = []
    bodies: dict[str, list[str]] = {}
    heading_line: dict[str, int] = {}
    current: str | None = None
    fence: str | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        if fence is None and line.startswith("## "):
            title = line[3:].strip()
            field = SECTIONS.get(title)
            if field is None:
                problems.append((shown, i + 1, f"unknown section '## {title}'; sections are ## {', ## '.join(SECTIONS)} (use ### inside answers)"))
                current = None
                continue
            if field in bodies:
                problems.append((shown, i + 1, f"section '## {title}' appears twice"))
            bodies[field] = []
            heading_line[field] = i + 1
            current = field
            continue
        if current is None:
            if stripped and fence is None and not problems:
                problems.append((shown, i + 1, "text before the first section; start with '## 问题'"))
            continue
        bodies[current].append(line)
    result: dict[str, str] = {}
    for title, field in SECTIONS.items():
        if field not in bodies:
            lang = "Chinese" if field.endswith("_zh") else "English"
            problems.append((shown, len(lines), f"missing section '## {title}' ({lang} {field.split('_')[0]})"))
            continue
        body = "\n".join(bodies[field]).strip()
        if not body:
            problems.append((shown, heading_line[field], f"section '## {title}' is empty"))
        elif body.count("$$") % 2:
            problems.append((shown, heading_line[field], f"section '## {title}' has an unbalanced '$$'"))
        result[field] = body
    return result, problems


def _scan(root: Path) -> tuple[ContentBundle | None, list[Problem]]:
    root = Path(root)
    if not root.is_dir():
        return None, [(_display(root), 0, "no such content folder")]
    problems: list[Problem] = []
    topics = load_topics(root, problems)
    order = {t.id: t.position for t in topics}
    known = _known_exercises()
    cards: list[CardSpec] = []
    seen: dict[str, tuple[str, int]] = {}
    files = sorted(p for p in root.rglob("*.md") if p.parent != root)
    for path in sorted(files, key=lambda p: (order.get(p.parent.name, len(order)), p.relative_to(root).as_posix())):
        rel = path.relative_to(root)
        shown = _display(path)
        if len(rel.parts) != 2:
            problems.append((shown, 1, "cards live exactly one folder deep: content/<topic>/<card>.md"))
            continue
        topic = rel.parts[0]
        if topics and topic not in order:
            problems.append((shown, 1, f"topic folder '{topic}' is not declared in topics.toml"))
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append((shown, 1, f"not valid UTF-8 ({exc.reason})"))
            continue
        card, card_problems = parse_card(path, topic, text, known)
        problems.extend(card_problems)
        if card is None:
            continue
        if card.id in seen:
            other, other_text = seen[card.id]
            problems.append((shown, _id_line(text), f"duplicate id '{card.id}' (also in {other}:{_id_line(other_text)})"))
            continue
        seen[card.id] = (shown, text)
        cards.append(_with(card, path=rel.as_posix(), position=len(cards)))
    for c in cards:
        for t in c.tags:
            if t.startswith("parent:") and t.split(":", 1)[1] not in seen:
                problems.append((_display(root / c.path), 1, f"tag '{t}' names no card"))
    return ContentBundle(root, tuple(topics), tuple(cards)), problems


def _id_line(text: str) -> int:
    return _find_line(text.splitlines(), r"^\s*id\s*=")


def _with(card: CardSpec, **changes: Any) -> CardSpec:
    return dataclasses.replace(card, **changes)


def check_content(root: Path | str) -> list[Problem]:
    """Every problem in a content folder (empty when it is valid)."""
    return _scan(Path(root))[1]


def load_content(root: Path | str) -> ContentBundle:
    """Parse a whole content folder, or raise ContentError listing every problem."""
    bundle, problems = _scan(Path(root))
    if problems or bundle is None:
        raise ContentError(problems)
    return bundle
