"""``quizzer exercise``, ``check``, ``drill``, ``calc`` and ``verify`` from the command line."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli.main import cli
from quizzer.compute.conv import conv_output_size
from quizzer.exercises import generate
from quizzer.exercises.registry import KINDS, kinds
from quizzer.exercises.types import format_value

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# -- exercise -----------------------------------------------------------------------------------

def test_list_names_every_kind_and_filters_by_module():
    out = run("exercise", "--list", "--json")
    assert out.exit_code == 0
    listed = json.loads(out.output)
    assert [k["kind"] for k in listed] == list(KINDS)
    assert all(k["description"] for k in listed)
    conv = json.loads(run("exercise", "--list", "--module", "conv", "--json").output)
    assert [k["kind"] for k in conv] == [k.name for k in kinds("conv")] and len(conv) >= 3
    bad = run("exercise", "--list", "--module", "nope")
    assert bad.exit_code == 2 and "unknown module 'nope'" in bad.output


def test_exercise_json_is_reproducible_and_complete():
    a = run("exercise", "information.kl_divergence", "--seed", "3", "--json")
    b = run("exercise", "information.kl_divergence", "--seed", "3", "--json")
    c = run("exercise", "information.kl_divergence", "--seed", "4", "--json")
    assert a.exit_code == 0 and a.output == b.output and a.output != c.output
    d = json.loads(a.output)
    for key in ("kind", "seed", "difficulty", "prompt_zh", "prompt_en", "answer", "solution_zh", "solution_en"):
        assert d[key] not in (None, "")
    assert d["kind"] == "information.kl_divergence" and d["seed"] == 3 and d["difficulty"] == 2
    assert re.search(r"[\u4e00-\u9fff]", d["prompt_zh"]) and not re.search(r"[\u4e00-\u9fff]", d["prompt_en"])
    assert d["answer"] == generate("information.kl_divergence", 3, 2).answer.display()


def test_exercise_text_shows_prompt_and_how_to_check():
    ex = generate("conv.output_size", 7, 1)
    out = run("--lang", "en", "exercise", "conv.output_size", "--seed", "7", "-d", "1")
    assert out.exit_code == 0
    assert "conv.output_size · seed 7 · difficulty 1" in out.output
    assert "check conv.output_size --seed 7 -d 1" in out.output
    assert ex.answer.display() not in out.output.split("Check:")[0].split("?")[-1]  # no answer given away
    solved = run("--lang", "en", "exercise", "conv.output_size", "--seed", "7", "-d", "1", "--solution")
    assert f"Answer: {ex.answer.display()}" in solved.output


def test_unknown_kind_is_a_clear_error():
    out = CliRunner().invoke(cli, ["exercise", "conv.nope"])
    assert out.exit_code == 1
    assert "unknown exercise kind 'conv.nope'" in out.output and "quizzer exercise --list" in out.output


# -- check --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["conv.output_size", "softmax.value", "information.kl_divergence",
                                  "perceptron.mistake_bound", "optim.adam_step"])
def test_check_accepts_the_answer_and_diagnoses_a_misconception(kind):
    ex = generate(kind, 11, 2)
    right = run("check", kind, "--seed", "11", "--answer", ex.answer.display(), "--json")
    assert right.exit_code == 0, right.output
    assert json.loads(right.output)["correct"] is True
    if ex.misconceptions:
        m = ex.misconceptions[0]
        wrong = run("check", kind, "--seed", "11", "--answer", format_value(m.value), "--json")
        assert wrong.exit_code == 1
        verdict = json.loads(wrong.output)
        assert verdict["status"] == "incorrect" and verdict["misconception"] == m.name


def test_check_unreadable_says_the_format_and_chinese_feedback():
    out = run("check", "conv.output_size", "--seed", "7", "--answer", "seven-ish", "--json")
    assert out.exit_code == 1
    v = json.loads(out.output)
    assert v["status"] == "unreadable" and "Expected" in v["feedback"]
    zh = run("check", "conv.output_size", "--seed", "7", "--answer", "seven-ish", "--lang", "zh", "--json")
    assert "请按此格式作答" in json.loads(zh.output)["feedback"]
    text = run("check", "conv.output_size", "--seed", "7", "--answer", "1,2,3,4")
    assert "Could not read" in text.output or "Incorrect" in text.output


def test_check_needs_a_seed():
    out = CliRunner().invoke(cli, ["check", "conv.output_size", "--answer", "3"])
    assert out.exit_code == 2 and "--seed" in out.output


# -- calc ---------------------------------------------------------------------------------------

def calc_json(*args: str) -> dict:
    out = run("calc", *args, "--json")
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.mark.parametrize(("i", "k", "s", "p", "d"), [(224, 7, 2, 3, 1), (32, 3, 1, 2, 2), (17, 4, 3, 0, 1), (5, 5, 1, 0, 1)])
def test_calc_conv_matches_torch(i, k, s, p, d):
    torch = pytest.importorskip("torch")
    got = calc_json("conv", "-i", str(i), "-k", str(k), "-s", str(s), "-p", str(p), "-d", str(d))
    conv = torch.nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d)
    assert got["result"] == conv(torch.zeros(1, 1, i)).shape[-1]
    assert any(f"⌊{i + 2 * p - d * (k - 1) - 1}/{s}⌋" in step for step in got["steps"])


def test_calc_sizes_per_dimension_and_same_padding():
    got = calc_json("conv", "-i", "32x17", "-k", "3x5", "-s", "2,1")
    assert got["result"] == list(conv_output_size((32, 17), (3, 5), (2, 1)))
    assert got["steps"][0].startswith("H: ") and got["steps"][1].startswith("W: ")
    assert calc_json("conv", "-i", "31", "-k", "4", "-p", "same")["result"] == 31


def test_calc_pool_ceil_mode_drops_a_window_in_the_padding():
    torch = pytest.importorskip("torch")
    got = calc_json("pool", "-i", "5", "-k", "2", "-s", "2", "-p", "1", "--ceil")
    pool = torch.nn.MaxPool1d(2, stride=2, padding=1, ceil_mode=True)
    assert got["result"] == pool(torch.zeros(1, 1, 5)).shape[-1] == 3
    assert "dropped" in got["steps"][-1]
    assert calc_json("pool", "-i", "7", "-k", "2")["result"] == 3  # stride defaults to the kernel


def test_calc_transpose_and_receptive_field():
    torch = pytest.importorskip("torch")
    got = calc_json("convt", "-i", "16", "-k", "4", "-s", "2", "-p", "1")
    assert got["result"] == torch.nn.ConvTranspose1d(1, 1, 4, stride=2, padding=1)(torch.zeros(1, 1, 16)).shape[-1]
    rf = calc_json("receptive-field", "3,1", "3,2", "3,1")
    assert rf["result"] == 9 and len(rf["steps"]) == 3
    assert calc_json("receptive-field", "3,1,2")["result"] == 5


def test_calc_softmax_and_information_match_torch():
    torch = pytest.importorskip("torch")
    got = calc_json("softmax", "1000", "1001", "1002")
    want = torch.softmax(torch.tensor([1000.0, 1001.0, 1002.0], dtype=torch.float64), 0).tolist()
    assert got["result"] == pytest.approx(want, rel=1e-12)
    assert any("overflow" in s for s in got["steps"])  # the textbook formula's failure is named
    hot = calc_json("softmax", "1,2,3", "-t", "2")["result"]
    assert hot == pytest.approx(torch.softmax(torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64), 0).tolist())

    p, q = torch.tensor([0.5, 0.5], dtype=torch.float64), torch.tensor([0.9, 0.1], dtype=torch.float64)
    kl = calc_json("kl", "--p", "0.5,0.5", "--q", "0.9,0.1")
    want_kl = torch.nn.functional.kl_div(q.log(), p, reduction="sum").item()
    assert kl["result"] == pytest.approx(want_kl, rel=1e-12)
    bits = calc_json("kl", "--p", "1,1", "--q", "9,1", "--normalize", "--base", "2")["result"]
    assert bits == pytest.approx(want_kl / math.log(2), rel=1e-12)
    assert calc_json("entropy", "1/2", "1/4", "1/4", "--base", "2")["result"] == pytest.approx(1.5)
    ce = calc_json("cross-entropy", "--p", "1,0,0", "--q", "0.7,0.2,0.1")["result"]
    assert ce == pytest.approx(-math.log(0.7), rel=1e-12)


def test_calc_perceptron_both_forms():
    plain = calc_json("perceptron", "--radius", "5", "--margin", "0.5")
    band = calc_json("perceptron", "--radius", "5", "--margin", "1", "--band")
    assert plain["result"] == pytest.approx(100) and band["result"] == pytest.approx(100)
    assert calc_json("perceptron", "--radius", "5", "--margin", "1")["result"] == pytest.approx(25)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["conv", "-i", "3", "-k", "5"], 1, "kernel larger than the padded input"),
    (["conv", "-i", "abc", "-k", "3"], 2, "is not a size"),
    (["conv", "-i", "8", "-k", "3", "-s", "2", "-p", "same"], 1, "padding='same'"),
    (["kl", "--p", "0.5,0.6", "--q", "0.9,0.1"], 1, "use --normalize"),
    (["kl", "--p", "0.5,0.5", "--q", "1"], 1, "same outcomes"),
    (["entropy"], 2, "give the probabilities"),
    (["receptive-field", "3"], 2, "kernel,stride"),
    (["perceptron", "-R", "1", "-g", "2"], 1, "cannot exceed radius"),
    (["softmax", "1", "import os"], 2, "not a list of numbers"),
])
def test_calc_bad_input_gets_a_clear_error(args, code, message):
    out = CliRunner().invoke(cli, ["calc", *args])
    assert out.exit_code == code, out.output
    assert message in out.output
    assert "Traceback" not in out.output


# -- drill --------------------------------------------------------------------------------------

def test_drill_in_a_terminal_checks_answers_and_scores():
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER_")}
    env.update(NO_COLOR="1", TERM="xterm", PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "quizzer", "--lang", "en", "drill", "conv", "-n", "4", "--seed", "5"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 120))
    header = re.compile(r"\[(\d)/4\] (conv\.[a-z_]+) · seed (\d+) · difficulty (\d)")
    seen = []
    for n in range(1, 5):
        child.expect(header)
        assert int(child.match.group(1)) == n
        ex = generate(child.match.group(2), int(child.match.group(3)), int(child.match.group(4)))
        seen.append(ex)
        child.expect_exact("› ")
        if n == 1:  # unreadable first: explained, asked again, not counted
            child.sendline("no idea")
            child.expect_exact("Expected")
            child.expect_exact("› ")
            child.sendline(ex.answer.display())
            child.expect_exact("✓ Correct")
        elif n == 2 and ex.misconceptions:
            child.sendline(format_value(ex.misconceptions[0].value))
            child.expect_exact("✗ Incorrect")
        elif n == 3:
            child.sendline("")
            child.expect_exact(f"Skipped. Answer: {ex.answer.display()}")
        else:
            child.sendline(ex.answer.display())
            child.expect_exact("✓ Correct")
    child.expect(r"Score: (\d)/4")
    right = int(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert right == (2 if seen[1].misconceptions else 3)
    assert len({e.kind for e in seen}) >= 3  # a module drill mixes its kinds
    assert [e.difficulty for e in seen] == sorted(e.difficulty for e in seen)


def test_drill_quits_early_and_rejects_unknown_targets():
    out = run("--lang", "en", "drill", "softmax", "-n", "3", "--seed", "1", input="q\n")
    assert out.exit_code == 0 and "Score: 0/0" in out.output and "stopped early" in out.output
    bad = CliRunner().invoke(cli, ["drill", "nope"])
    assert bad.exit_code == 1 and "neither an exercise kind nor a module" in bad.output


# -- verify -------------------------------------------------------------------------------------

def test_verify_prints_a_table_and_json():
    pytest.importorskip("torch")
    out = CliRunner().invoke(cli, ["verify", "--module", "conv", "--cases", "5"])
    assert out.exit_code == 0, out.output
    assert re.search(r"conv\s+conv_output_size\s+\d+\s+exact\s+ok", out.output)
    assert "0 disagreeing" in out.output
    data = json.loads(CliRunner().invoke(cli, ["verify", "-m", "information", "--cases", "5", "--json"]).output)
    assert {r["module"] for r in data} == {"information"} and all(r["ok"] for r in data)


def test_verify_without_torch_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails as when it is not installed
    out = CliRunner().invoke(cli, ["verify", "--module", "conv"])
    assert out.exit_code == 1
    assert "pip install 'quizzer[torch]'" in out.output
