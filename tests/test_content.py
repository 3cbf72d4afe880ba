"""Parsing and validating content: every malformed file names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.content import check_content, load_content
from quizzer.errors import ContentError

GOOD = """+++
id = "{id}"
stars = 2
tags = ["a"]
source = "《深度学习》 9.1"
+++

## 问题
问？

## 答案
答。$x$

## Question
Q?

## Answer
A. $x$
"""


def write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_folder_loads_in_study_order(content_dir):
    bundle = load_content(content_dir)
    assert [t.id for t in bundle.topics] == ["basics", "nets"]
    assert [c.id for c in bundle.cards] == ["card-1", "card-2", "card-3", "conv-size"]
    c = bundle.cards[3]
    assert (c.topic, c.stars, c.tags, c.exercise, c.path) == ("nets", 3, ("conv", "parent:card-1"), "conv.output_size", "nets/conv-size.md")
    assert c.question_zh == "卷积输出尺寸？" and c.answer_en.startswith("$$o =")


def test_content_hash_changes_with_text_only(content_dir):
    before = load_content(content_dir).cards[0]
    p = content_dir / "basics" / "card-1.md"
    p.write_text(p.read_text(encoding="utf-8").replace("Answer 1", "Answer one"), encoding="utf-8")
    after = load_content(content_dir).cards[0]
    assert before.id == after.id and before.content_hash != after.content_hash


@pytest.mark.parametrize(
    "text, line, message",
    [
        (GOOD.format(id="x").replace('stars = 2', 'stars = = 2'), 3, "invalid TOML in front matter"),
        (GOOD.format(id="x").replace('stars = 2\n', ''), 1, "missing required field 'stars'"),
        (GOOD.format(id="x").replace('stars = 2', 'stars = 4'), 3, "stars must be 1, 2 or 3, not 4"),
        (GOOD.format(id="x").replace('stars = 2', 'stars = 0'), 3, "stars must be 1, 2 or 3, not 0"),
        (GOOD.format(id="x").replace('9.1"\n', '9.1"\nexercise = "conv.nope"\n'), 6, "unknown exercise 'conv.nope'"),
        (GOOD.format(id="x").replace("## Question\nQ?\n\n", ""), 15, "missing section '## Question' (English question)"),
        (GOOD.format(id="x").replace("## 答案\n答。$x$\n\n", ""), 15, "missing section '## 答案' (Chinese answer)"),
        (GOOD.format(id="Bad Id"), 2, "id must be a slug"),
        (GOOD.format(id="x").replace("## Answer\nA. $x$", "## Answer\n"), 17, "section '## Answer' is empty"),
        (GOOD.format(id="x").replace("## Answer", "## Antwort"), 17, "unknown section '## Antwort'"),
        (GOOD.format(id="x").replace('tags = ["a"]', 'tags = ["a"]\nlevel = 3'), 5, "unknown field 'level'"),
        ("no front matter\n", 1, "must start with TOML front matter"),
        (GOOD.format(id="x").replace("A. $x$", "A. $$x"), 17, "unbalanced '$$'"),
        (GOOD.format(id="x").replace("A. $x$", "A. $\x07lpha$"), 18, "control character U+0007"),
        (GOOD.format(id="x").replace("答。$x$", "答。$\x0crac{1}{2}$"), 12, "control character U+000C"),
        (GOOD.format(id="x").replace("Q?", "Q\t?"), 15, "control character U+0009"),
    ],
)
def test_malformed_card_reports_path_and_line(content_dir, text, line, message):
    p = write(content_dir, "basics/bad.md", text)
    problems = check_content(content_dir)
    shown = [(Path(path).name, n, msg) for path, n, msg in problems]
    assert any(name == p.name and n == line and message in msg for name, n, msg in shown), shown
    with pytest.raises(ContentError) as info:
        load_content(content_dir)
    assert f"bad.md:{line}: " in str(info.value)


def test_duplicate_id_names_both_places(content_dir):
    write(content_dir, "nets/dup.md", GOOD.format(id="card-2"))
    problems = check_content(content_dir)
    assert len(problems) == 1
    path, line, msg = problems[0]
    assert path.endswith("nets/dup.md") and line == 2
    assert "duplicate id 'card-2' (also in" in msg and "basics/card-2.md:2)" in msg


def test_undeclared_topic_and_unknown_parent(content_dir):
    write(content_dir, "misc/a.md", GOOD.format(id="a"))
    write(content_dir, "nets/b.md", GOOD.format(id="b").replace('tags = ["a"]', 'tags = ["parent:nowhere"]'))
    msgs = [m for _, _, m in check_content(content_dir)]
    assert "topic folder 'misc' is not declared in topics.toml" in msgs
    assert "tag 'parent:nowhere' names no card" in msgs


def test_every_problem_is_reported_not_just_the_first(content_dir):
    write(content_dir, "basics/x1.md", GOOD.format(id="x1").replace("stars = 2", "stars = 9"))
    write(content_dir, "nets/x2.md", GOOD.format(id="x2").replace("## Answer", "## Nope"))
    files = {Path(p).name for p, _, _ in check_content(content_dir)}
    assert files == {"x1.md", "x2.md"}


def test_headings_inside_code_fences_are_text(content_dir):
    text = GOOD.format(id="fenced").replace("A. $x$", "A.\n\n```\n## not a section\n```")
    write(content_dir, "nets/fenced.md", text)
    assert check_content(content_dir) == []
    card = next(c for c in load_content(content_dir).cards if c.id == "fenced")
    assert "## not a section" in card.answer_en


def test_missing_folder_and_missing_topics_file(tmp_path):
    assert "no such content folder" in check_content(tmp_path / "nope")[0][2]
    write(tmp_path / "c", "t/a.md", GOOD.format(id="a"))
    assert any("missing topics.toml" in m for _, _, m in check_content(tmp_path / "c"))


def test_bundled_bank_is_valid():
    from quizzer.config import bundled_content_dir

    assert check_content(bundled_content_dir()) == []
