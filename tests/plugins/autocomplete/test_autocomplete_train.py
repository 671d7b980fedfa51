"""Training: bad corpora, the CLI run recorded in the store, exact resume, DDP equivalence."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from textseq_plugins.autocomplete.model import load_char_model
from textseq_plugins.autocomplete.train import TrainOptions, train_char_model

TINY = ["--hidden", "16", "--layers", "1", "--embed", "8", "--batch-size", "4",
        "--seq-len", "16", "--dropout", "0", "--quiet", "--threads", "1"]


def _opts(**kw) -> TrainOptions:
    base = dict(hidden=16, layers=1, embed=8, dropout=0.0, batch=4, seq_len=16, lr=5e-3,
                warmup=2, steps=8, minutes=None, eval_every=0, checkpoint_every=0)
    return TrainOptions(**{**base, **kw})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
        ("caf\u00e9 na\u00efve ".encode("latin-1") * 20, "not UTF-8"),
        (b"only a few words here\n", "too small"),
    ],
)
def test_bad_corpora_get_a_clear_message(cli, tmp_path, content: bytes, message: str) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(content)
    result = cli("autocomplete", "train", "--corpus", str(corpus), "--steps", "2", *TINY)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_corpus_is_bad_input(cli, tmp_path) -> None:
    result = cli("autocomplete", "train", "--corpus", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_train_command_saves_a_model_and_records_the_run(cli, host, corpus_file) -> None:
    result = cli("autocomplete", "train", "--corpus", str(corpus_file), "--name", "mine",
                 "--steps", "12", "--eval-every", "5", "--json", *TINY)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["steps"] == 12 and out["val_nats_per_char"] < 4.0
    info = host.registry.get("mine")
    assert info.card.kind == "char-rnn" and "--steps 12" in info.card.rebuild
    assert info.card.metrics["val_bits_per_char"] == pytest.approx(
        out["val_nats_per_char"] / 0.6931471805599453)
    model = host.registry.load("mine")
    assert model.vocab.chars == load_char_model(info.path).vocab.chars
    store = host.store
    (run,) = store.runs("autocomplete")
    assert run["status"] == "done" and run["model"] == "mine"
    evals = store.run_metrics(run["id"], "val_nats_per_char")
    assert [r["step"] for r in evals] == [5, 10, 12]
    assert all("epoch" in {m["name"] for m in store.run_metrics(run["id"])} for _ in [0])


def test_init_trains_a_saved_model_further_with_its_shape_and_vocabulary(cli, host,
                                                                        corpus_file) -> None:
    first = cli("autocomplete", "train", "--corpus", str(corpus_file), "--name", "base",
                "--steps", "6", "--json", *TINY)
    assert first.exit_code == 0, first.stderr
    base = host.registry.load("base")
    # --hidden 32 is overruled by the starting model's shape (16)
    more = cli("autocomplete", "train", "--corpus", str(corpus_file), "--name", "more",
               "--steps", "6", "--init", "base", "--json", *TINY, "--hidden", "32")
    assert more.exit_code == 0, more.stderr
    info = host.registry.get("more")
    assert info.card.hyperparameters["init"] == "base"
    assert info.card.hyperparameters["hidden"] == 16
    further = host.registry.load("more")
    assert further.vocab.chars == base.vocab.chars
    # it started from base: 6 more steps end nearer to base than a fresh model's weights are
    fresh = cli("autocomplete", "train", "--corpus", str(corpus_file), "--name", "fresh",
                "--steps", "6", "--seed", "1", "--json", *TINY)
    assert fresh.exit_code == 0, fresh.stderr
    other = host.registry.load("fresh")

    def dist(a, b) -> float:
        sa, sb = a.net.state_dict(), b.net.state_dict()
        return sum(float((sa[k] - sb[k]).norm()) for k in sa)

    assert dist(further, base) < dist(other, base)
    bad = cli("autocomplete", "train", "--corpus", str(corpus_file), "--name", "x",
              "--steps", "2", "--init", "no-such-model", *TINY)
    assert bad.exit_code != 0 and "no-such-model" in bad.stderr and "Traceback" not in bad.stderr


def test_resume_restores_optimizer_scheduler_and_state_exactly(tmp_path, corpus_file) -> None:
    text = corpus_file.read_text()[:20_000]
    torch.set_num_threads(1)
    straight = train_char_model(text, _opts(), progress=False)

    ckpt = tmp_path / "ckpt.pt"

    def interrupt(step: int, metrics: dict) -> None:
        if step == 4 and "val_nats_per_char" in metrics:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_char_model(text, _opts(eval_every=4), checkpoint_path=ckpt, on_metrics=interrupt,
                         progress=False)
    resumed = train_char_model(text, _opts(eval_every=4), checkpoint_path=ckpt, resume=True,
                               progress=False)
    assert resumed.metrics["steps"] == 8
    for (name, a), b in zip(straight.net.state_dict().items(),
                            resumed.net.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-6), name
    # and a resume that forgot the optimizer would not match: Adam's moments matter
    fresh = train_char_model(text, _opts(steps=4), progress=False)
    assert not torch.allclose(fresh.net.head.weight, straight.net.head.weight, atol=1e-4)


def test_resume_on_another_corpus_is_refused(tmp_path, corpus_file) -> None:
    text = corpus_file.read_text()[:20_000]
    ckpt = tmp_path / "ckpt.pt"
    train_char_model(text, _opts(steps=2), checkpoint_path=ckpt, progress=False)
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match="another corpus"):
        train_char_model(text[:15_000], _opts(), checkpoint_path=ckpt, resume=True,
                         progress=False)


def test_two_gloo_ranks_match_one_process_with_twice_the_lanes(tmp_path, corpus_file) -> None:
    text = corpus_file.read_text()[:12_000]
    corpus = tmp_path / "small.txt"
    corpus.write_text(text)
    textseq = shutil.which("textseq") or str(Path(sys.executable).parent / "textseq")
    env = {**os.environ, "TEXTSEQ_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1",
           "TEXTSEQ_LOAD_PLUGINS": "autocomplete"}
    args = ["--corpus", str(corpus), "--name", "ddp", "--steps", "4", "--lr", "5e-3",
            "--out", str(tmp_path / "ddp"), "--hidden", "16", "--layers", "1", "--embed", "8",
            "--batch-size", "4", "--seq-len", "16", "--dropout", "0", "--quiet", "--json",
            "--threads", "1"]
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
         "--master_port", "29517", "--no-python", textseq, "autocomplete", "train", *args],
        env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["world_size"] == 2
    ddp = load_char_model(tmp_path / "ddp")

    single = train_char_model(text, _opts(batch=8, steps=4), progress=False)
    for (name, a), b in zip(single.net.state_dict().items(),
                            ddp.net.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-5), name


def test_a_minutes_budget_decays_the_rate_by_the_clock_and_resume_goes_on(tmp_path,
                                                                           corpus_file) -> None:
    from textseq_tui.ml.checkpoint import load_checkpoint

    text = corpus_file.read_text()[:20_000]
    ckpt = tmp_path / "ckpt.pt"
    first = train_char_model(text, _opts(steps=None, minutes=0.03, hidden=8),
                             checkpoint_path=ckpt, progress=False)
    assert first.metrics["stopped_because"] == "minutes"
    saved = load_checkpoint(ckpt)
    assert saved["extra"]["progress"] > 0.8  # the cosine ran to (nearly) its end
    lr_end = saved["scheduler"]["_last_lr"][0]
    assert lr_end < 0.2 * 5e-3
    again = train_char_model(text, _opts(steps=None, minutes=0.02, hidden=8),
                             checkpoint_path=ckpt, resume=True, progress=False)
    assert again.metrics["steps"] > first.metrics["steps"]
