"""The word layer, the personal history (learn / forget / settings / damage), the message
listener capability and the chat input's history and Esc."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from textseq_plugins.autocomplete.completer import keystroke_savings
from textseq_plugins.autocomplete.corpus import detokenise, truecase
from textseq_plugins.autocomplete.counts import PersonalWords
from textseq_plugins.autocomplete.policy import Policy, policy_settings
from textseq_plugins.autocomplete.vocabulary import adapt_case, words_of
from textseq_plugins.autocomplete.word_completer import WordCompleter

POLICY = Policy()


@pytest.fixture
def ready(host, tiny):
    host.plugin("autocomplete").context.settings["model"] = "tiny"
    return host


def test_detokenise_and_truecase_undo_tokenisation() -> None:
    toks = "I do n't know , he said `` it 's ( maybe ) fine '' .".split()
    assert detokenise(toks) == "I don't know, he said \"it's (maybe) fine\"."
    assert truecase("i think so . it 's good") == "I think so . It 's good"


def test_case_follows_the_typing() -> None:
    assert adapt_case("Gov", "government") == "Government"
    assert adapt_case("GOV", "government") == "GOVERNMENT"
    assert adapt_case("g", "government") == "government"
    assert words_of("Don't stop, U.S. 'quoted'") == ["don't", "stop", "u", "s", "quoted"]


def test_word_layer_completes_whole_words_with_case(tiny) -> None:
    wc = WordCompleter(tiny)
    assert wc.suggest("the quick brown fox jumps ov")[0].completion.rstrip() == "er"
    assert wc.suggest("THE QUICK BROWN FOX JUMPS OV") == [] or \
        wc.suggest("THE QUICK BROWN FOX JUMPS OV")[0].completion.rstrip() == "ER"
    ranked = wc.ranked("the lazy dog waits f")
    assert ranked[0][0] == "or" and ranked == sorted(ranked, key=lambda r: -r[1])
    assert all(0 <= p <= 1 for _, p, _ in ranked)


def test_personal_words_change_the_suggestion(tiny) -> None:
    # "zebra" is no word of the tiny model's grammar: only the personal history offers it
    assert WordCompleter(tiny, session=False).suggest("the quick snorkelw") == []
    mine = PersonalWords()
    mine.add_words(words_of("my snorkelwick grazes. the snorkelwick sleeps. a snorkelwick waits."))
    found = WordCompleter(tiny, mine, session=False).suggest("the quick snorkelw")
    assert found and found[0].completion.rstrip() == "ick"
    # the session cache: a word typed earlier in the same text comes back
    assert WordCompleter(tiny).suggest("snorkelwick grazes. the snorkelw")[0].completion.rstrip() \
        == "ick"


def test_a_word_typed_past_is_not_offered_again(tiny) -> None:
    wc = WordCompleter(tiny)
    text = "the lazy dog sleeps beside "
    first = wc.suggest(text + "t")
    assert first  # e.g. "he " (the)
    word = "t" + first[0].completion.rstrip()
    # the user types on past it: it is not offered again for this word
    after = wc.suggest(text + word[:2])
    assert all(word[2:] != s.completion.rstrip() for s in after)
    # once the typing is at another word, this one starts afresh
    wc.suggest(text + word + " ")
    assert wc.suggest(text + "t")[0].completion == first[0].completion


def test_eval_measures_what_the_user_sees_with_and_without_history(cli, ready, tmp_path):
    mine = tmp_path / "mine.txt"
    mine.write_text("the zebra quietly grazes beside the riverbank.\n" * 30)
    rest = tmp_path / "rest.txt"
    rest.write_text("a zebra quietly grazes beside the riverbank. " * 8)
    base = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                          "--savings-chars", "300").stdout)
    assert base["model"] == "tiny" and base["personal_words"] == 0
    learned = cli("autocomplete", "learn", "--input", str(mine), "--json")
    assert learned.exit_code == 0, learned.stderr
    assert json.loads(learned.stdout)["history"]["words"] == 6
    withp = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                           "--savings-chars", "300").stdout)
    nop = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                         "--savings-chars", "300", "--no-personal").stdout)
    assert withp["personal_words"] == 6 and nop["personal_words"] == 0
    assert nop["keystroke_savings"] == pytest.approx(base["keystroke_savings"])
    assert withp["keystroke_savings"] > base["keystroke_savings"]
    gone = cli("autocomplete", "forget")
    assert "6 distinct words" in gone.stdout
    again = cli("autocomplete", "forget")
    assert again.exit_code == 0 and "nothing to forget" in again.stdout


def test_eval_follows_the_policy_settings(cli, ready, tmp_path) -> None:
    rest = tmp_path / "rest.txt"
    rest.write_text("the lazy dog waits for the king. a queen speaks with my good lord. " * 6)
    args = ("autocomplete", "eval", "--corpus", str(rest), "--json", "--savings-chars", "400")
    calibrated = json.loads(cli(*args).stdout)
    assert calibrated["target_precision"] == 0.61 and calibrated["threshold_shift"] != 0
    settings = ready.plugin("autocomplete").context.settings
    settings["target_precision"] = False
    fixed = json.loads(cli(*args).stdout)
    assert fixed["target_precision"] is None and fixed["threshold_shift"] == 0
    settings["min_prob"] = "high"
    bad = cli(*args)
    assert bad.exit_code != 0
    assert "plugins.autocomplete.min_prob must be a number from 0 to 1" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"), (b"   \n\n", "is empty"), (b"\x00\x01\x02ELF" * 50, "binary"),
    (b"caf\xe9 au lait\n", "not UTF-8")])
def test_learn_refuses_bad_input_in_one_line_naming_the_file(cli, host, tmp_path, content,
                                                             message) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = cli("autocomplete", "learn", "--input", str(bad))
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(bad) in lines[0]
    assert "Traceback" not in result.stderr


def test_learn_streams_a_big_input_in_pieces(host, tmp_path, monkeypatch) -> None:
    from textseq_plugins.autocomplete import history

    monkeypatch.setattr(history, "CHUNK", 64)  # many pieces, words cut across them
    big = tmp_path / "big.txt"
    big.write_text("alpha beta gamma delta. " * 200)
    store = host.plugin("autocomplete").context.store
    seen = []
    out = history.learn_stream(store, str(big), lambda done, total: seen.append(done))
    assert out["words"] == 800 and len(seen) > 50 and seen[-1] == big.stat().st_size
    words = history.load(store)
    assert words.unigrams == {"alpha": 200, "beta": 200, "gamma": 200, "delta": 200}
    assert words.bigrams["delta"]["alpha"] == 199


async def test_chat_messages_teach_the_history_and_show_the_indicator(ready) -> None:
    from textseq_tui.app.main import TextseqApp

    plugin = ready.plugin("autocomplete")
    app = TextseqApp(ready)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "learning your words" in str(app.chat_input.border_subtitle)
        for text in ("my zebra grazes", "/complete the k"):
            app.chat_input.value = text
            await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if plugin.personal.words() and plugin.personal.words().unigrams.get("zebra"):
                break
        from textseq_plugins.autocomplete import history

        counts = history.load(plugin.context.store).unigrams
        assert counts == {"my": 1, "zebra": 1, "grazes": 1}  # not the /command
        # Up recalls the messages sent, Down comes back to the draft
        app.chat_input.value = "draft"
        await pilot.press("up")
        assert app.chat_input.value == "/complete the k"
        await pilot.press("up", "up")
        assert app.chat_input.value == "my zebra grazes"
        await pilot.press("down", "down")
        assert app.chat_input.value == "draft"


async def test_learning_off_in_settings_learns_nothing(ready) -> None:
    plugin = ready.plugin("autocomplete")
    plugin.context.settings["learn"] = False
    listener = plugin.message_listeners()[0]
    assert listener.indicator == ""
    listener.hear("my zebra grazes")
    from textseq_plugins.autocomplete import history

    assert history.summary(plugin.context.store)["words"] == 0


def test_a_damaged_history_never_breaks_typing(ready, monkeypatch) -> None:
    from textseq_plugins.autocomplete import history

    from textseq_tui.plugin import TextseqError

    def broken(store):
        raise TextseqError("cannot use the database: file is not a database")

    monkeypatch.setattr(history, "load", broken)
    plugin = ready.plugin("autocomplete")
    plugin.personal.model("tiny")  # loaded (the app does it in its warm-up, after the words)
    provider = plugin.completion_provider()
    assert provider.suggest("the quick brown fox jumps ov") == "er "  # the model alone
    listener = plugin.message_listeners()[0]
    assert "personal history unreadable" in listener.indicator  # said once, in the app
    listener.hear("more words")  # and learning stays off rather than failing


async def test_esc_hides_the_ghost_text_until_the_next_keystroke(ready) -> None:
    from textseq_tui.app.main import TextseqApp

    app = TextseqApp(ready)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in "the quick brown fox jumps ov":
            await pilot.press("space" if key == " " else key)
        for _ in range(100):
            await pilot.pause(0.05)
            if app.chat_input.ghost:
                break
        assert app.chat_input.ghost.startswith("er")
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.chat_input.ghost == ""
        # A late answer for the same text (a slow provider) stays hidden too.
        from textual.suggester import SuggestionReady

        chat = app.chat_input
        chat.post_message(SuggestionReady(chat.value, chat.value + "er"))
        await pilot.pause(0.2)
        assert chat.ghost == ""
        await pilot.press("backspace", "v")  # the next keystrokes bring ghost text back
        for _ in range(100):
            await pilot.pause(0.05)
            if app.chat_input.ghost:
                break
        assert app.chat_input.ghost.startswith("er")


def test_savings_replay_uses_the_shared_policy(tiny) -> None:
    text = "the quick brown fox jumps over the lazy dog. " * 6
    sim = keystroke_savings(WordCompleter(tiny), text, space=True)
    assert 0.2 < sim["savings"] < 1 and sim["shown"] >= sim["accepts"] > 0


def _fixed(wc: WordCompleter, ranked: list) -> WordCompleter:
    """``wc`` whose candidates are ``ranked`` (completion, probability, space after)."""

    def fake(text: str, floor: float = 0.0) -> list:
        wc._word_key = (len(text) - len(text.split(" ")[-1]), text[:8])
        return list(ranked)

    wc.ranked = fake
    return wc


def test_the_policy_shows_what_saves_keys_and_stems_when_no_word_is_likely(tiny):
    policy = replace(POLICY, stem_prob=0.5, min_prob=0.35)

    def shown(text: str, ranked: list) -> list[str]:
        wc = _fixed(WordCompleter(tiny, policy=policy), ranked)
        return [s.completion for s in wc.suggest(text)]

    # a one-character completion without a space saves nothing (one key for one): not shown
    assert shown("the cat", [("s", 0.9, False)]) == []
    assert shown("the cat", [("s", 0.9, True)]) == ["s "]
    # a next word (after a space) needs more than a word's end: those are overconfident
    floor = policy.next_word_min_prob()
    assert shown("the ", [("cat", floor - 0.01, True)]) == []
    assert shown("the ", [("cat", floor + 0.01, True)]) == ["cat "]
    assert shown("the c", [("at", policy.min_prob + 0.01, True)]) == ["at "]
    # no word likely enough inside a word: the beginning the likely ones share, no space
    ranked = [("national", 0.3, True), ("net", 0.2, True), ("nations", 0.15, True),
              ("nationally", 0.1, True)]
    assert shown("inter", ranked) == ["nation"]
    assert shown("inter", [("national", 0.3, True), ("net", 0.2, True)]) == []
    assert WordCompleter(tiny, policy=policy)._stem(ranked) == ("nation", pytest.approx(0.55))


def test_the_thresholds_follow_the_sessions_hit_rate(tiny) -> None:
    low, high = POLICY.calibration_range
    sure = [("er", 0.99, True)]
    # every ghost text typed past (another key): the thresholds rise, up to the range's top
    missed = _fixed(WordCompleter(tiny), sure)
    text = "the cat jumps ov"
    for n in range(1, 200):
        assert missed.suggest(text)
        text += "x"
        missed.suggest(text)
        if n == 1:
            assert missed.calibration == pytest.approx(POLICY.calibration_step * missed.target)
    assert missed.calibration == pytest.approx(high)
    # every ghost text taken: they fall, down to the range's bottom
    taken = _fixed(WordCompleter(tiny), sure)
    text = "the cat jumps ov"
    for _ in range(200):
        text += taken.suggest(text)[0].completion
    assert taken.calibration == pytest.approx(low)
    # so a word just likely enough is hidden after the misses and shown after the hits
    just = [("er", POLICY.min_prob + 0.01, True)]
    assert _fixed(WordCompleter(tiny), just).suggest("the cat ov")
    assert _fixed(missed, just).suggest("the cat ov") == []
    under = [("er", POLICY.min_prob + low / 2, True)]
    assert _fixed(WordCompleter(tiny), under).suggest("the cat ov") == []
    assert _fixed(taken, under).suggest("the cat ov")
    # an edit (Backspace, a paste) says nothing about the ghost text; target None: fixed
    edited = _fixed(WordCompleter(tiny), sure)
    edited.suggest("the cat jumps ov")
    edited.suggest("the cat jumps o")
    edited.suggest("the cat jumps over the dog")
    fixed = _fixed(WordCompleter(tiny, policy=replace(POLICY, target_precision=None)), sure)
    for text in ("the cat ov", "the cat ovx", "the cat ovxx"):
        fixed.suggest(text)
    assert edited.calibration == 0.0 == fixed.calibration


def test_the_calibration_moves_precision_towards_its_target(tiny) -> None:
    from autocomplete_synthetic import synthetic_corpus

    text = synthetic_corpus(40, seed=7)  # the tiny grammar's choices: some ghost texts miss
    fixed = keystroke_savings(WordCompleter(tiny, policy=replace(POLICY, target_precision=None)),
                              text, space=True)
    for target in (0.3, 0.95):
        wc = WordCompleter(tiny, policy=replace(POLICY, target_precision=target))
        got = keystroke_savings(wc, text, space=True)
        assert abs(got["precision"] - target) < abs(fixed["precision"] - target)
        assert (wc.calibration > 0) == (fixed["precision"] < target)


@pytest.mark.parametrize("settings,expected", [
    ({}, None),
    ({"min_prob": 0.3, "target_precision": 0.7}, {"min_prob": 0.3, "target": 0.7}),
    ({"target_precision": False}, {"target": None}),
])
def test_the_policy_comes_from_the_settings(settings, expected) -> None:
    got = policy_settings(settings)
    want = {"min_prob": POLICY.min_prob, "target": POLICY.target_precision, **(expected or {})}
    assert got == replace(POLICY, min_prob=want["min_prob"], target_precision=want["target"])


@pytest.mark.parametrize("settings", [{"min_prob": "high"}, {"target_precision": 1.5},
                                      {"min_prob": True}, {"min_prob": False}])
def test_a_bad_policy_setting_is_named(settings) -> None:
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match=f"plugins.autocomplete.{next(iter(settings))}"):
        policy_settings(settings)


def test_text_like_the_history_gets_a_lower_threshold(tiny, monkeypatch) -> None:
    policy = replace(POLICY, personal_full=10, gate_pairs=5)
    mine = PersonalWords()
    mine.add_words(words_of("the snorkelwick grazes by the river and the otter sleeps in the "
                            "reeds while the heron waits for the fish"))
    like = "the snorkelwick grazes by the river and the otter sleeps in the reeds. "
    other = "my cat chased a red ball across our garden yesterday before dinner time. "
    floor = policy.min_prob - policy.personal_drop / 2  # under the usual threshold only

    def shown(personal: PersonalWords | None, text: str) -> list[str]:
        wc = WordCompleter(tiny, personal, policy=policy)
        wc.ranked(text + "w")  # the typed text so far counts its word pairs
        return [s.completion for s in _fixed(wc, [("aits", floor, True)]).suggest(text + "w")]

    assert shown(mine, like) == ["aits "]  # text like the history: shown
    assert shown(mine, other) == []  # other text: the usual threshold
    assert shown(None, like) == []  # no history: nothing changes
    wc = WordCompleter(tiny, mine, policy=policy)
    wc.ranked(like)
    assert wc.personal_drop() == pytest.approx(policy.personal_drop)
    wc.ranked(like + other * 3)  # the share of the history's pairs falls: so does the drop
    assert wc.personal_drop() < policy.personal_drop / 2
    # the app sets the history before each keystroke, not when it makes the completer
    late = WordCompleter(tiny, policy=policy)
    late.personal = mine
    late.ranked(like)
    assert late.personal_drop() == pytest.approx(policy.personal_drop)
    # with the model adapted to that history, it is trusted more there (and only there)
    def probs(text: str) -> dict[str, float]:
        return {c: p for c, p, _ in WordCompleter(tiny, mine, policy=policy).ranked(text)}

    before = {text: probs(text + "w") for text in (like, other)}
    monkeypatch.setitem(tiny.info, "adapted", "personal-model.safetensors")
    adapted = WordCompleter(tiny, mine, policy=policy)
    adapted.ranked(like)
    assert adapted.personal_drop() == pytest.approx(policy.personal_drop + policy.adapted_drop)
    assert probs(other + "w") == before[other]  # other text: the usual mix
    changed = probs(like + "w")
    common = changed.keys() & before[like].keys()  # (which are scored follows the mix too)
    assert common and any(changed[c] != pytest.approx(before[like][c]) for c in common)


def test_a_long_word_scored_over_several_keystrokes_scores_as_in_one_go(tiny32):
    text, word = "the quick brown fox jumps over the la", "lazybonesdogwaits"
    whole = WordCompleter(tiny32, policy=replace(POLICY, score_budget=99))
    whole.ranked(text)
    whole.scorer.score("la", [word])
    # one candidate: 4 characters a call
    pieces = WordCompleter(tiny32, policy=replace(POLICY, score_budget=4))
    pieces.ranked(text)
    fed = []
    for _ in range(10):
        pieces.scorer.score("la", [word])
        entry = pieces.scorer.cache[word]
        fed.append(entry.fed)
        if entry.state is None:
            break
    assert fed == [4, 8, 12, 15]  # 15 characters after "la", 4 a call
    ref = whole.scorer.cache[word]
    assert entry.cum == pytest.approx(ref.cum, abs=1e-5)
    assert entry.end == pytest.approx(ref.end, abs=1e-5) and entry.space == ref.space
    # an unfinished word is not offered; the next keystroke goes on from where it stopped
    # 2 characters a call, however many candidates
    typing = WordCompleter(tiny32, policy=replace(POLICY, score_budget=2, score_row_cost=0.0))
    first = typing.ranked("the quick brown fox jumps over the l")
    unfinished = {c: e.fed for c, e in typing.scorer.cache.items() if e.state is not None}
    assert unfinished and all(len(c) <= 2 for c, _, _ in first)
    typing.ranked("the quick brown fox jumps over the l")
    assert any(typing.scorer.cache[c].fed > fed for c, fed in unfinished.items())


def test_the_scoring_budget_allows_fewer_characters_for_more_candidates(tiny, monkeypatch):
    policy = replace(POLICY, score_budget=12.5)
    widths = []
    original = tiny.net.forward
    monkeypatch.setattr(tiny.net, "forward", lambda x, h: widths.append(x.shape) or original(x, h))
    seen = []
    for cands in (["lazybonesdog"], ["lazybonesdog", "lazybonescat", "lazybonesrat", "lazyday"]):
        wc = WordCompleter(tiny, policy=policy)
        wc.ranked("the quick brown fox jumps over the la")
        widths.clear()
        wc.scorer.score("la", cands)
        seen += widths
    four = int(policy.score_budget / (1 + 3 * policy.score_row_cost))
    assert seen == [(1, 10), (4, four)] and four < 10  # "zybonesdog" whole; four: a part


def test_the_calibration_is_kept_between_sessions_and_forgotten(ready) -> None:
    from textseq_plugins.autocomplete import history
    from textseq_plugins.autocomplete.plugin import Personal

    plugin = ready.plugin("autocomplete")
    store = plugin.context.store
    assert history.load_calibration(store) == 0.0
    plugin.personal.model("tiny")  # loaded (the app does it in its warm-up, after the words)
    provider = plugin.completion_provider()
    text = "the quick brown fox jumps ov"
    assert provider.suggest(text)
    provider.suggest(text + "x")  # typed past: the thresholds rise, in memory
    shift = provider._completer.calibration
    assert shift > 0 and plugin.personal.calibration == shift
    assert history.load_calibration(store) == 0.0  # saved with the next message sent
    plugin.message_listeners()[0].hear("my zebra grazes")
    assert history.load_calibration(store) == pytest.approx(shift)
    # the next session's ghost text starts where this one left off
    later = Personal(plugin.context)
    assert later.stored_calibration() == pytest.approx(shift)
    assert history.forget(store) > 0
    assert history.load_calibration(store) == 0.0
