"""Generate a synthetic content folder of N cards (for the sync benchmark and tests)."""

from __future__ import annotations

from pathlib import Path

TOPICS = ["alpha", "beta", "gamma", "delta"]


def make_bank(root: Path, n: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.toml").write_text(
        "".join(f'[[topic]]\nid = "{t}"\nzh = "主题 {t}"\nen = "Topic {t}"\n\n' for t in TOPICS), encoding="utf-8"
    )
    for t in TOPICS:
        (root / t).mkdir(exist_ok=True)
    for i in range(n):
        t = TOPICS[i % len(TOPICS)]
        (root / t / f"card-{i:05d}.md").write_text(
            f'+++\nid = "card-{i:05d}"\nstars = {i % 3 + 1}\ntags = ["gen"]\nsource = "gen {i}"\n+++\n\n'
            f"## 问题\n第 {i} 个问题：$x_{{{i}}}$ 是多少？\n\n## 答案\n答案是 $$x = {i}$$，因为……\n\n"
            f"## Question\nWhat is question {i}, $x_{{{i}}}$?\n\n## Answer\nThe answer is $$x = {i}$$ because...\n",
            encoding="utf-8",
        )
    return root
