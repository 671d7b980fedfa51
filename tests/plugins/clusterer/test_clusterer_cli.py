"""``textseq clusterer ...`` through the CLI contract, /cluster, and stored runs."""

from __future__ import annotations

import json

import pytest

ANIMALS = ["cat", "dog", "horse", "cow", "sheep"]
FRUIT = ["apple", "banana", "pear", "grape"]
VEHICLES = ["car", "truck", "bus", "train"]


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture
def words_file(tmp_path):
    path = tmp_path / "words.txt"
    # a duplicate ("dog" twice) and a word GloVe lacks
    path.write_text("\n".join(ANIMALS + ["dog"] + FRUIT + VEHICLES + ["qwzxvvq"]) + "\n")
    return path


def test_cluster_words_json_lists_every_word_and_the_missing_one(cli, words_file):
    result = cli("clusterer", "cluster", "--words", str(words_file), "--k", "3", "--json")
    assert result.exit_code == 0, result.stderr
    rows = lines(result)
    by_word = {r["word"]: r["cluster"] for r in rows}
    assert set(by_word) == set(ANIMALS + FRUIT + VEHICLES + ["qwzxvvq"])
    assert by_word["qwzxvvq"] is None and rows[-1]["missing"] is True
    for group in (ANIMALS, FRUIT, VEHICLES):
        assert len({by_word[w] for w in group}) == 1, group
    assert len({by_word[g[0]] for g in (ANIMALS, FRUIT, VEHICLES)}) == 3
    assert "line 6: 'dog' repeats line 2" in result.stderr
    assert "1 words have no vector: qwzxvvq" in result.stderr
    assert "saved as run 1" in result.stderr
    # each answer carries its input line (a repeated word: its first line), missing ones too
    order = ANIMALS + ["dog"] + FRUIT + VEHICLES + ["qwzxvvq"]
    first = {w: order.index(w) + 1 for w in order}
    assert all(list(r)[0] == "line" for r in rows)
    assert {r["word"]: r["line"] for r in rows} == first


def test_runs_are_stored_and_browsable(cli, words_file, host):
    cli("clusterer", "cluster", "--words", str(words_file), "--k", "3")
    cli("clusterer", "cluster", "--words", str(words_file), "--method", "dbscan",
        "--min-samples", "2", "--eps", "0.3", "--json")
    runs = lines(cli("clusterer", "runs", "--json"))
    assert [r["id"] for r in runs] == [2, 1] and runs[0]["method"] == "dbscan"
    shown = lines(cli("clusterer", "show", "--run", "1", "--word", "pear", "--json"))[0]
    assert set(shown["cluster_words"]) == set(FRUIT)
    assert shown["neighbours"][0][0] in FRUIT
    summary = lines(cli("clusterer", "show", "--run", "1", "--json"))
    assert sorted(s["size"] for s in summary) == [4, 4, 5]
    store = host.plugin("clusterer").context.store
    stored = store.rows("assignments", "run_id = ?", [1])
    assert len(stored) == 13
    settings = json.loads(store.rows("runs", "id = ?", [2])[0]["settings"])
    assert settings["method"] == "dbscan" and settings["eps"] == 0.3
    scores = lines(cli("scores", "clusterer", "--json"))
    assert [s["id"] for s in scores] == [2, 1]


def test_user_vectors_file_and_no_store(cli, tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a 1 0.1\nb 1 0\nc 0 1\nd 0.1 1\n")
    result = cli("clusterer", "cluster", "--vectors", str(path), "--k", "1", "--no-store",
                 "--json")
    assert result.exit_code == 0, result.stderr
    by_word = {r["word"]: r["cluster"] for r in lines(result)}
    assert by_word["a"] == by_word["b"] != by_word["c"] == by_word["d"]
    assert "saved" not in result.stderr
    assert lines(cli("clusterer", "runs", "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say what to cluster"),
        (["--vocab", "10", "--words", "x"], "give --vocab N alone"),
        (["--vocab", "100", "--method", "kmeans"], "--method must be one of linkage, cw, dbscan"),
        (["--vocab", "100", "--weighting", "heavy"], "--weighting must be"),
        (["--words", "/nonexistent/words.txt"], "no such file"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(cli, args, message):
    result = cli("clusterer", "cluster", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_one_known_word_is_refused_with_the_missing_ones_listed(cli, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("cat\nqwzxvvq\n")
    result = cli("clusterer", "cluster", "--words", str(path))
    assert result.exit_code == 2
    assert "at least 3 words" in result.stderr and "qwzxvvq" in result.stderr
    assert "Traceback" not in result.stderr


def test_vectors_with_a_dimension_mismatch_name_the_line(cli, tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a 1 0\nb 0 1 3\n")
    result = cli("clusterer", "cluster", "--vectors", str(path))
    assert result.exit_code == 2 and "line 2 ('b') has 3 values, expected 2" in result.stderr


def test_suggest_eps_reports_both_rules(cli, words_file):
    out = lines(cli("clusterer", "suggest-eps", "--words", str(words_file), "--min-samples",
                    "3", "--json"))[0]
    assert 0 < out["knee"] <= 2 and 0 < out["most_clusters"] <= 2
    assert out["quantiles"]["0.1"] <= out["quantiles"]["0.9"]


def test_slash_cluster_answers_from_the_newest_run(cli, words_file, host):
    cli("clusterer", "cluster", "--words", str(words_file), "--k", "3")
    result = host.run_command("/cluster banana")
    assert result.data["run"] == 1 and set(result.data["cluster_words"]) == set(FRUIT)
    assert "banana" in result.text and "nearest" in result.text
    assert result.data["name"] == "fruit" and "(fruit)" in result.text  # the cluster's name
    shown = lines(cli("clusterer", "show", "--word", "banana", "--json"))[0]
    assert shown["name"] == "fruit"
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match="usage"):
        host.run_command("/cluster")


def test_texts_are_clustered_by_their_mean_vectors(cli, tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text(
        "the stock market fell sharply today\n"
        "investors sold shares as prices dropped\n"
        "the team won the football match\n"
        "zzqx qqzx\n"
        "the striker scored two goals in the game\n"
        "bonds and stocks rallied on wall street\n")
    result = cli("clusterer", "cluster", "--texts", str(path), "--k", "2", "--json")
    assert result.exit_code == 0, result.stderr
    rows = lines(result)
    cluster = {r["line"]: r["cluster"] for r in rows if "line" in r}
    assert cluster[1] == cluster[2] == cluster[6] != cluster[3] == cluster[5]
    assert rows[-1] == {"text": "line 4: zzqx qqzx", "cluster": None, "missing": True}


def test_slash_cluster_without_runs_clusters_the_default_vocabulary_once(host, monkeypatch):
    from textseq_plugins.clusterer import clusterings

    monkeypatch.setattr(clusterings, "DEFAULT_VOCAB", 300)
    first = host.run_command("/cluster Police")  # looked up in lower case too
    assert first.data["word"] == "police" and first.data["run"] == 1
    store = host.plugin("clusterer").context.store
    assert store.rows("runs")[0]["source"] == "glove-6b-50d top 300"
    host.run_command("/cluster market")
    assert len(store.rows("runs")) == 1  # the default run is reused, not rebuilt
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match="not in any clustering run"):
        host.run_command("/cluster xylophone")


def test_two_words_get_a_clear_message(cli, tmp_path):
    path = tmp_path / "two.txt"
    path.write_text("cat\ndog\n")
    result = cli("clusterer", "cluster", "--words", str(path), "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "at least 3 words with vectors, got 2" in result.stderr
    assert "nothing to group" in result.stderr and "Traceback" not in result.stderr


def test_identical_vectors_are_one_cluster_and_said_so(cli, tmp_path):
    import numpy as np

    np.save(tmp_path / "same.npy", np.tile(np.array([[0.5, -1.0, 2.0]], np.float32), (6, 1)))
    (tmp_path / "same.words").write_text("\n".join("abcdef") + "\n")
    for method in ("linkage", "cw", "dbscan"):
        result = cli("clusterer", "cluster", "--vectors", str(tmp_path / "same.npy"),
                     "--method", method, "--json", "--no-store")
        assert result.exit_code == 0, result.stderr
        assert {r["cluster"] for r in lines(result)} == {0}
        assert "all 6 vectors point the same way: one cluster" in result.stderr


@pytest.mark.parametrize("groups", [
    [("apple pear banana cherry grape"), ("hammer chisel drill wrench screwdriver"),
     ("cat dog horse cow sheep")],
    [("red blue green yellow"), ("paris london berlin rome"), ("piano guitar violin drum")],
])
def test_the_issue_plain_lists_come_out_exactly_right(cli, tmp_path, groups):
    path = tmp_path / "plain.txt"
    path.write_text("\n".join(w for g in groups for w in g.split()) + "\n")
    result = cli("clusterer", "cluster", "--words", str(path), "--json", "--no-store")
    assert result.exit_code == 0, result.stderr
    by_word = {r["word"]: r["cluster"] for r in lines(result)}
    assert sorted(len({by_word[w] for w in g.split()}) for g in groups) == [1, 1, 1]
    assert len({by_word[g.split()[0]] for g in groups}) == 3


def test_explain_shows_each_cluster_s_most_central_words(cli, tmp_path, host):
    path = tmp_path / "plain.txt"
    path.write_text("\n".join(ANIMALS + FRUIT + VEHICLES) + "\n")
    shown = cli("clusterer", "cluster", "--words", str(path), "--explain")
    assert shown.exit_code == 0, shown.stderr
    central_lines = [ln for ln in shown.stdout.splitlines() if "most central:" in ln]
    assert len(central_lines) == 3
    for line in central_lines:
        words = line.split("most central:")[1].split()
        assert any(set(words) <= set(g) for g in (ANIMALS, FRUIT, VEHICLES)), line
    rows = lines(cli("clusterer", "cluster", "--words", str(path), "--explain", "--json",
                     "--no-store"))
    pear = next(r for r in rows if r["word"] == "pear")
    assert set(pear["central"]) == set(FRUIT) and pear["name"] == "fruit"
    assert "likely 'fruit'" in shown.stdout
    # the stored run's previews are the central words too
    summary = lines(cli("clusterer", "show", "--json"))
    assert {tuple(sorted(s["preview"])) for s in summary} == {
        tuple(sorted(g)) for g in (ANIMALS, FRUIT, VEHICLES)}


PLAIN = ["apple pear banana cherry grape", "hammer chisel drill wrench screwdriver",
         "cat dog horse cow sheep"]


def _plain_file(tmp_path, groups=PLAIN):
    path = tmp_path / "plain.txt"
    path.write_text("\n".join(w for g in groups for w in g.split()) + "\n")
    return path


def test_leiden_gets_the_plain_list_right_and_says_how(cli, tmp_path):
    pytest.importorskip("igraph")
    path = _plain_file(tmp_path)
    result = cli("clusterer", "cluster", "--words", str(path), "--method", "leiden", "--json")
    assert result.exit_code == 0, result.stderr
    by_word = {r["word"]: r["cluster"] for r in lines(result)}
    assert sorted(len({by_word[w] for w in g.split()}) for g in PLAIN) == [1, 1, 1]
    assert len(set(by_word.values())) == 3
    assert "3 clusters (Leiden at resolution" in result.stderr
    again = lines(cli("clusterer", "cluster", "--words", str(path), "--method", "leiden",
                      "--json", "--no-store"))
    assert {r["word"]: r["cluster"] for r in again} == by_word  # seeded: the same answer
    runs = lines(cli("clusterer", "runs", "--json"))
    assert runs[0]["method"] == "leiden"


def test_leiden_resolution_and_hint_change_the_number_of_clusters(cli, tmp_path):
    pytest.importorskip("igraph")
    path = _plain_file(tmp_path, PLAIN + ["red blue green yellow", "paris london berlin rome"])

    def count(*extra):
        result = cli("clusterer", "cluster", "--words", str(path), "--method", "leiden",
                     "--json", "--no-store", "--min-seed", "2", *extra)
        assert result.exit_code == 0, result.stderr
        return len({r["cluster"] for r in lines(result)}), result.stderr

    low, _ = count("--resolution", "0.05")
    high, _ = count("--resolution", "5")
    assert low < high
    hinted, stderr = count("--clusters", "2")
    assert hinted <= 4 and "about 2 wanted" in stderr


def test_leiden_without_igraph_says_what_to_install(cli, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "igraph", None)  # import igraph raises ImportError
    result = cli("clusterer", "cluster", "--words", str(_plain_file(tmp_path)), "--method",
                 "leiden")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "pip install 'textseq[leiden]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_clusters_is_exact_on_a_short_list(cli, tmp_path):
    path = _plain_file(tmp_path, PLAIN + ["red blue green yellow", "paris london berlin rome"])
    for wanted in (1, 2, 4, 7):
        result = cli("clusterer", "cluster", "--words", str(path), "--clusters", str(wanted),
                     "--json", "--no-store")
        assert result.exit_code == 0, result.stderr
        assert f"(short list + WordNet: {wanted} asked for)" in result.stderr
        assert len({r["cluster"] for r in lines(result)}) == wanted


def test_clusters_above_thirty_words_is_a_hint_for_the_number_of_seeds(cli, tmp_path):
    path = _plain_file(tmp_path, PLAIN + [
        "red blue green yellow", "paris london berlin rome", "piano guitar violin drum",
        "car truck bus train", "shirt hat coat dress"])
    counts = {}
    for hint in (1, 2, 4):
        result = cli("clusterer", "cluster", "--words", str(path), "--clusters", str(hint),
                     "--json", "--no-store")
        assert result.exit_code == 0, result.stderr
        assert f"(about {hint} wanted: " in result.stderr
        counts[hint] = len({r["cluster"] for r in lines(result)})
    assert counts[1] < counts[2] < counts[4] <= 35
    # without the hint nothing changes: the tree cut read off the data
    plain = cli("clusterer", "cluster", "--words", str(path), "--json", "--no-store")
    assert "tree cut at cosine distance" in plain.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--clusters", "0"], "--clusters must be at least 1 (got 0)"),
    (["--clusters", "16"], "--clusters 16 is more than the 15 words with vectors"),
    (["--clusters", "3", "--method", "cw"], "--clusters is a hint for --method linkage or leiden"),
    (["--method", "leiden", "--resolution", "0"], "--resolution must be positive"),
])
def test_bad_hints_give_one_line(cli, tmp_path, args, message):
    result = cli("clusterer", "cluster", "--words", str(_plain_file(tmp_path)), *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
