"""The odd-one-out plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textseq_plugins import BuiltinPlugin

import textseq_tui.plugin as api
from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

#: Imported word vectors (``import-vectors``); GloVe itself is the shared model GLOVE_MODEL.
VECTORS_KIND = "word-vectors"
OOV_KIND = "char-ngram-oov"
CATEGORIES_KIND = "word-categories"
DEFAULT_VECTORS = GLOVE_MODEL
DEFAULT_OOV = "glove-ngram-oov"
DEFAULT_CATEGORIES = "wordnet-categories"
#: the Connections solver's offline tables (WordNet graph, phrases, sounds, word universe)
TABLES_KIND = "connections-tables"
DEFAULT_TABLES = "connections-tables"

# Loaded AIs and word pools, shared by every host in the process (the app has one; tests and
# scripts make many): keyed by what was loaded, so a retrained or re-imported model reloads.
_PROCESS_AIS: dict[tuple, Any] = {}
_PROCESS_LOCK = threading.Lock()


class OddOneOutPlugin(BuiltinPlugin):
    name = "odd-one-out"
    title = "Odd one out"
    description = "Which word doesn't belong? Play against word embeddings."
    #: ``textseq train odd-one-out`` fits the character n-gram model of unknown words
    train_command = "train-oov"

    # -- models -----------------------------------------------------------------------------

    def _load_vectors(self, model_dir: Path, device: str) -> Any:
        from textseq_plugins.odd_one_out import vectors

        return vectors.load_vector_dir(Path(model_dir))

    def _load_oov(self, model_dir: Path, device: str) -> Any:
        from textseq_plugins.odd_one_out.ngram import load_ngram_model

        return load_ngram_model(Path(model_dir), device)

    def _load_categories(self, model_dir: Path, device: str) -> Any:
        from textseq_plugins.odd_one_out.puzzles import Categories

        return Categories.from_dir(Path(model_dir))

    def _load_tables(self, model_dir: Path, device: str) -> Any:
        from textseq_plugins.odd_one_out.connections.tables import Tables

        # WordNet is the host's shared reader (model wordnet-3.0), loaded on first use
        return Tables(Path(model_dir), lambda: self.context.load_default("wordnet"))

    def groups_solver(self) -> Any:
        """The shared Connections :class:`GroupsSolver` (tables + the AI's vectors; blocking)."""
        from textseq_plugins.odd_one_out.connections.solver import (
            WEIGHTS_FILE,
            GroupsSolver,
            Weights,
        )

        tables = self.context.registry.load(self.context.settings.get("groups_tables")
                                            or DEFAULT_TABLES)
        key = ("groups", str(tables.directory), self._model_key(self.vectors_name()))
        with _PROCESS_LOCK:
            solver = _PROCESS_AIS.get(key)
        if solver is None:
            solver = GroupsSolver(tables, self._solver_ai(),
                                  Weights.from_file(tables.directory / WEIGHTS_FILE))
            with _PROCESS_LOCK:
                solver = _PROCESS_AIS.setdefault(key, solver)
        return solver

    def _solver_ai(self) -> Any:
        """The AI whose vectors the groups solver reads: the shared one when this process has
        it already (the app), else the shared GloVe read without gensim (a one-shot
        ``groups --board`` would spend seconds importing it)."""
        from textseq_plugins.odd_one_out.model import OddOneOut
        from textseq_plugins.odd_one_out.vectors import plain_vectors

        name = self.vectors_name()
        key = self._model_key(name)
        registry = self.context.registry
        with _PROCESS_LOCK:
            ai = _PROCESS_AIS.get(key) or _PROCESS_AIS.get(("plain", *key))
        if ai is not None:
            return ai
        if registry.get(name).card.kind != GLOVE_KIND:
            return self.ai()
        ngram = registry.load(self.context.settings.get("oov_model", DEFAULT_OOV) or DEFAULT_OOV,
                              kind=OOV_KIND)
        ai = OddOneOut(plain_vectors(registry.load(name, kind=GLOVE_KIND)), ngram,
                       namer=self.name_words)
        with _PROCESS_LOCK:
            return _PROCESS_AIS.setdefault(("plain", *key), ai)

    def groups_pool(self) -> Any:
        """The tiered category pool of the groups boards (yellow .. purple; loaded once)."""
        from textseq_plugins.odd_one_out.connections.pool import CategoryPool

        tables = self.context.registry.load(self.context.settings.get("groups_tables")
                                            or DEFAULT_TABLES)
        key = ("pool", str(tables.directory))
        with _PROCESS_LOCK:
            if key not in _PROCESS_AIS:
                _PROCESS_AIS[key] = CategoryPool.load(tables)
            return _PROCESS_AIS[key]

    def categories(self, name: str | None = None) -> Any:
        """The puzzle categories: ``name``, the ``categories`` setting, or WordNet's."""
        name = name or self.context.settings.get("categories", DEFAULT_CATEGORIES) or DEFAULT_CATEGORIES
        return self.context.registry.load(name, kind=CATEGORIES_KIND)

    def vectors_name(self, name: str | None = None) -> str:
        """The vector model to use: ``name``, the ``vectors`` setting, or GloVe 6B 50d."""
        return name or self.context.settings.get("vectors", DEFAULT_VECTORS) or DEFAULT_VECTORS

    def _model_key(self, name: str) -> tuple:
        """What identifies a loaded AI across hosts in this process: resolved model dirs
        and the cards' creation stamps."""
        registry = self.context.registry
        vec = registry.get(name)
        oov = registry.get(self.context.settings.get("oov_model", DEFAULT_OOV) or DEFAULT_OOV)
        return (str(vec.path.resolve()), vec.card.created, str(oov.path.resolve()),
                oov.card.created)

    def ai(self, vectors: str | None = None) -> Any:
        """The shared :class:`OddOneOut` on ``vectors`` (loaded once per process; blocking)."""
        from textseq_plugins.odd_one_out.model import OddOneOut
        from textseq_plugins.odd_one_out.vectors import as_keyed_vectors

        name = self.vectors_name(vectors)
        key = self._model_key(name)
        with _PROCESS_LOCK:
            if key not in _PROCESS_AIS:
                registry = self.context.registry
                # the shared GloVe model, or vectors the user imported: nothing else
                kind = GLOVE_KIND if registry.get(name).card.kind == GLOVE_KIND else VECTORS_KIND
                kv = as_keyed_vectors(registry.load(name, kind=kind))
                ngram = registry.load(self.context.settings.get("oov_model", DEFAULT_OOV)
                                      or DEFAULT_OOV, kind=OOV_KIND)
                # the n-gram vectors live in GloVe's space: for other vectors they only
                # inform spelling similarity, never stand in for a missing word's meaning
                same_space = registry.get(name).card.kind == GLOVE_KIND
                _PROCESS_AIS[key] = OddOneOut(kv, ngram, ngram_meaning=same_space,
                                              namer=self.name_words)
            return _PROCESS_AIS[key]

    def name_words(self, words: list[str]) -> str | None:
        """What ``words`` all are, plural ("fruits"), by the one WordNet namer over the host's
        ``wordnet`` model; None when nothing specific covers them or WordNet is missing."""
        from textseq_tui.ml import name_group
        from textseq_tui.plugin import TextseqError

        try:
            wordnet = self.context.load_default("wordnet")
        except TextseqError:
            return None
        named = name_group(wordnet, words)
        return named.plural if named else None

    def generator(self, seed: int = 0, size: int = 4, categories: str | None = None) -> Any:
        """A fresh :class:`PuzzleGenerator` over the categories (loaded once, shared); with
        the host's WordNet, hard intruders that share a second sense with the group."""
        from textseq_plugins.odd_one_out.puzzles import PuzzleGenerator
        from textseq_plugins.odd_one_out.traps import second_senses

        return PuzzleGenerator(self.categories(categories), seed=seed, size=size,
                               second_senses=second_senses(self))

    def record_round(self, row: dict[str, Any]) -> None:
        """Store one round (a transaction of its own)."""
        from textseq_plugins.odd_one_out.migrations import ROUNDS

        self.context.store.insert(ROUNDS, row)

    # -- capabilities -----------------------------------------------------------------------

    def warmup(self) -> None:
        """Load the vectors, the n-gram model, gensim and WordNet before the first /odd or
        game."""
        self.ai()
        self.name_words(["apple", "pear"])

    def model_specs(self) -> list[api.ModelSpec]:
        return [
            # No default of its own: without --vectors the AI reads the shared GloVe model.
            # numpy, no device: choosing one would import torch for nothing
            api.ModelSpec(VECTORS_KIND, self._load_vectors,
                          description="imported word vectors (word2vec, GloVe text) as a "
                          "memory-mapped matrix", uses_device=False),
            api.ModelSpec(OOV_KIND, self._load_oov, default=DEFAULT_OOV,
                          description="hashed character n-gram vectors for out-of-vocabulary words",
                          uses_device=False),
            api.ModelSpec(CATEGORIES_KIND, self._load_categories, default=DEFAULT_CATEGORIES,
                          description="named word categories (WordNet) for puzzles",
                          uses_device=False),
            api.ModelSpec(TABLES_KIND, self._load_tables, default=DEFAULT_TABLES,
                          description="the groups solver's tables: WordNet graph, phrases, "
                                  "sounds, word universe, fitted weights",
                          uses_device=False),
        ]

    def slash_commands(self) -> list[api.SlashCommand]:
        return [api.SlashCommand("odd", "ask the AI which word is the odd one out (no words: play; "
                                 "groups: the daily groups puzzle)", self._odd_command,
                                 usage="/odd WORD WORD WORD [WORD ...] | /odd groups [YYYY-MM-DD | "
                                   "W1, ..., W16]")]

    def _odd_command(self, args: str, ctx: api.PluginContext) -> api.CommandResult:
        import json
        import time

        from textseq_plugins.odd_one_out.model import split_items

        from textseq_tui.plugin import escape

        if not args.strip():
            return api.CommandResult(text="opening the odd-one-out game",
                                     open_screen=api.OpenScreen("game"))
        if args.split()[0] == "groups":
            return self._groups_command(args.split()[1:])
        items = split_items(args)
        started = time.monotonic()
        pick = self.ai().pick(items)
        self.record_round({
            "at": time.time(), "game": "", "player": "you", "mode": "ask", "difficulty": "",
            "seed": None, "puzzle_index": None, "items": json.dumps(pick.items), "intruder": "",
            "player_pick": "", "ai_pick": pick.odd, "correct": None, "ai_correct": None,
            "seconds": round(time.monotonic() - started, 4), "points": 0, "streak": 0,
        })
        lines = [f"The odd one out: [bold]{escape(pick.odd)}[/]"]
        lines += [escape(line) for line in pick.explain()]
        return api.CommandResult(text="\n".join(lines), data=pick.to_json())

    def _groups_command(self, args: list[str]) -> api.CommandResult:
        """``/odd groups [YYYY-MM-DD]``: the daily board of that day (today by default);
        ``/odd groups W1, ..., W16``: your own board."""
        from textseq_plugins.odd_one_out.groups import parse_date
        from textseq_plugins.odd_one_out.schedule import check_daily_date

        text = " ".join(args)
        if "," in text:
            return api.CommandResult(text="opening your groups board",
                                     open_screen=api.OpenScreen("groups", {"board": text}))
        if len(args) > 1:
            raise api.BadInput("usage: /odd groups [YYYY-MM-DD] | /odd groups W1, W2, ..., W16")
        if args:
            check_daily_date(parse_date(args[0]))  # one line here rather than on the screen
        label = args[0] if args else "today"
        return api.CommandResult(text=f"opening the daily groups board ({label})",
                                 open_screen=api.OpenScreen("groups", {"date": args[0] if args
                                                                   else None}))

    def screens(self) -> list[api.ScreenSpec]:
        def factory(ctx: api.PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.odd_one_out.screen import OddOneOutScreen

            return OddOneOutScreen(self, **kwargs)

        def groups_factory(ctx: api.PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.odd_one_out.groups_screen import GroupsScreen

            return GroupsScreen(self, **kwargs)

        def history(ctx: api.PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.odd_one_out.history import GameHistoryScreen  # plotext

            return GameHistoryScreen(self)

        return [api.ScreenSpec("game", "Odd one out: the game", factory,
                               help="guess the AI or beat it; keys 1-9 pick a word"),
                api.ScreenSpec("groups", "Odd one out: groups (the daily puzzle)", groups_factory,
                               help="sixteen words, four groups of four; four mistakes allowed"),
                api.ScreenSpec("history", "Odd one out: game history", history,
                               help="accuracy and best streak per day, beside the leaderboard")]

    def cli(self) -> Any:
        from textseq_plugins.odd_one_out.cli import build_cli

        return build_cli(self)

    def migrations(self) -> Any:
        from textseq_plugins.odd_one_out.migrations import migrations

        return migrations

    def scores(self, store: Any) -> list[dict[str, Any]]:
        from textseq_plugins.odd_one_out.game import leaderboard
        from textseq_plugins.odd_one_out.migrations import ROUNDS

        return leaderboard(store.rows(ROUNDS))
