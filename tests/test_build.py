"""`kg build`: incremental, validated, and never losing the served graph on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg import iris
from kg.build import BuildError
from kg.store import GenerationStore, count_quads
from kg.validate import validate_store
from tests.conftest import SEED_CORPUS, kg_cli

SEED_IDS = sorted(p.stem for p in (SEED_CORPUS / "articles").glob("*.txt"))


def graphs(store: Path) -> set[str]:
    return {g.value for g in GenerationStore(store).open_read().named_graphs() if isinstance(g, NamedNode)}


def test_seed_build_has_one_graph_per_article_plus_reference_graphs(seed_store: Path) -> None:
    expected = {iris.article_graph(a) for a in SEED_IDS} | {iris.KB_GRAPH, iris.ONTOLOGY_GRAPH}
    assert graphs(seed_store) == expected


def test_built_graph_conforms_to_shapes(seed_store: Path) -> None:
    assert validate_store(GenerationStore(seed_store).open_read()) == []


def test_unchanged_rebuild_extracts_nothing_and_keeps_generation(seed_copy: Path) -> None:
    before = GenerationStore(seed_copy).current_name()
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(SEED_CORPUS), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "0 extracted, 5 unchanged" in result.stdout
    assert GenerationStore(seed_copy).current_name() == before


def test_changed_and_removed_articles(seed_copy: Path, corpus_copy: Path) -> None:
    changed, removed = SEED_IDS[0], SEED_IDS[1]
    path = corpus_copy / "articles" / f"{changed}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe Belarusian leader said nothing more.\n", "utf-8")
    manifest = corpus_copy / "manifest.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if not line.startswith(removed)), encoding="utf-8")
    (corpus_copy / "articles" / f"{removed}.txt").unlink()
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "1 extracted, 3 unchanged, 1 removed" in result.stdout
    assert iris.article_graph(removed) not in graphs(seed_copy)
    assert iris.article_graph(changed) in graphs(seed_copy)


def test_bad_article_is_skipped_and_its_old_graph_kept(seed_copy: Path, corpus_copy: Path) -> None:
    store = GenerationStore(seed_copy)
    quads_before = count_quads(store.open_read())
    broken = corpus_copy / "articles" / f"{SEED_IDS[2]}.txt"
    broken.write_bytes(b"\xff\xfe not utf-8 at all")
    result = kg_cli("build", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet")
    assert result.returncode == 1
    assert f"({SEED_IDS[2]}.txt): article is not UTF-8 (byte 0xff at offset 0)" in result.stderr
    assert "Traceback" not in result.stderr
    assert count_quads(store.open_read()) == quads_before
    assert iris.article_graph(SEED_IDS[2]) in graphs(seed_copy)


def test_strict_stops_at_first_problem_and_changes_nothing(seed_copy: Path, corpus_copy: Path) -> None:
    before = GenerationStore(seed_copy).current_name()
    manifest = corpus_copy / "manifest.tsv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("2013-06-05", "05.06.2013"), "utf-8")
    (corpus_copy / "articles" / f"{SEED_IDS[3]}.txt").write_text("changed text, The President said.", "utf-8")
    result = kg_cli("build", "--strict", "--store", str(seed_copy), "--corpus", str(corpus_copy), "--quiet")
    assert result.returncode == 1
    assert "build stopped, served graph unchanged: manifest.tsv:2" in result.stderr
    assert "'05.06.2013' is not a YYYY-MM-DD date" in result.stderr
    assert GenerationStore(seed_copy).current_name() == before


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = kg_cli("build", "--store", str(tmp_path / "s"), "--corpus", str(tmp_path / "nope"), "--quiet")
    assert result.returncode == 1
    assert "articles folder not found" in result.stderr
    assert "Traceback" not in result.stderr


# -- an extractor that breaks on one article must not stop the build --------------------------

def _fake_extractor(fail_on: set[str], message: str = "spaCy choked"):
    from kg.records import ArticleRecords

    def extract_all(articles, *, model=None, n_process=1, batch_size=16):
        for article in articles:
            if article.id in fail_on:
                raise RuntimeError(f"{message} on {article.id}" if len(fail_on) < 3 else message)
            yield ArticleRecords(article=article)

    return extract_all


def test_extraction_crash_on_one_article_is_reported_and_skipped(tmp_path: Path, monkeypatch) -> None:
    from kg.build import build
    from kg.config import load_settings

    monkeypatch.setattr("kg.extract.extract_all", _fake_extractor({SEED_IDS[1]}))
    settings = load_settings().with_overrides(store=str(tmp_path / "s"), corpus=SEED_CORPUS)
    report = build(settings)
    assert [str(p) for p in report.problems] == [
        f"articles/{SEED_IDS[1]}.txt: extraction failed: RuntimeError: spaCy choked on {SEED_IDS[1]}"]
    assert sorted(report.extracted) == sorted(set(SEED_IDS) - {SEED_IDS[1]})
    assert iris.article_graph(SEED_IDS[1]) not in graphs(tmp_path / "s")


def test_extraction_failing_for_every_article_stops_the_build(tmp_path: Path, monkeypatch) -> None:
    from kg.build import BuildError, build
    from kg.config import load_settings

    monkeypatch.setattr("kg.extract.extract_all", _fake_extractor(set(SEED_IDS), "[E050] Can't find model"))
    settings = load_settings().with_overrides(store=str(tmp_path / "s"), corpus=SEED_CORPUS)
    with pytest.raises(BuildError, match=r"^extraction failed: RuntimeError: \[E050\] Can't find model \(for every"):
        build(settings)
    assert not GenerationStore(tmp_path / "s").exists()


def test_strict_stops_at_an_extraction_crash(tmp_path: Path, monkeypatch) -> None:
    from kg.build import BuildError, build
    from kg.config import load_settings

    monkeypatch.setattr("kg.extract.extract_all", _fake_extractor({SEED_IDS[2]}))
    settings = load_settings().with_overrides(store=str(tmp_path / "s"), corpus=SEED_CORPUS)
    with pytest.raises(BuildError, match=f"^articles/{SEED_IDS[2]}.txt: extraction failed"):
        build(settings, strict=True)
    assert not GenerationStore(tmp_path / "s").exists()


def test_parallel_build_stores_the_same_graphs_as_one_process(seed_store: Path, tmp_path: Path) -> None:
    result = kg_cli("build", "--store", str(tmp_path / "s"), "--corpus", str(SEED_CORPUS), "--jobs", "2", "--quiet")
    assert result.returncode == 0, result.stderr
    assert f"{len(SEED_IDS)} extracted" in result.stdout

    def article_quads(store: Path) -> set:
        reader = GenerationStore(store).open_read()
        graphs = [NamedNode(iris.article_graph(a)) for a in SEED_IDS]
        return {q for g in graphs for q in reader.quads_for_pattern(None, None, None, g)}

    assert article_quads(tmp_path / "s") == article_quads(seed_store)


# -- an article whose extraction cannot be stored is remembered, not re-extracted ---------------

class _Calls:
    """The ids of the articles extracted, kept in a file so that a worker process's extractions count too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clear()

    def clear(self) -> None:
        self.path.write_text("", encoding="utf-8")

    def record(self, article_id: str) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(article_id + "\n")

    def ids(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").split()


def _counting_extractor(calls: _Calls):
    from kg.records import ArticleRecords

    def extract_all(articles, *, model=None, n_process=1, batch_size=16):
        for article in articles:
            calls.record(article.id)
            yield ArticleRecords(article=article)

    return extract_all


def test_unmappable_article_is_re_reported_without_extraction(tmp_path: Path, corpus_copy: Path,
                                                              monkeypatch) -> None:
    from kg import mapper
    from kg.build import PROBLEMS_FILE, build
    from kg.config import load_settings

    bad = SEED_IDS[3]
    real = mapper.article_triples

    def article_triples(records, input_hash=None):
        if records.article.id == bad:
            raise ValueError("no such meeting kind")
        return real(records, input_hash)

    calls = _Calls(tmp_path / "extracted.txt")
    monkeypatch.setattr("kg.extract.extract_all", _counting_extractor(calls))
    monkeypatch.setattr("kg.mapper.article_triples", article_triples)
    settings = load_settings().with_overrides(store=str(tmp_path / "s"), corpus=corpus_copy)
    problem = f"articles/{bad}.txt: cannot turn the extraction into RDF: ValueError: no such meeting kind"

    first = build(settings)
    assert [str(p) for p in first.problems] == [problem]
    assert sorted(calls.ids()) == SEED_IDS
    assert (tmp_path / "s" / PROBLEMS_FILE).is_file()
    generation = first.generation

    calls.clear()
    again = build(settings)
    assert calls.ids() == []  # neither the bad article nor the stored ones were extracted again
    assert [str(p) for p in again.problems] == [problem]
    assert (len(again.extracted), again.unchanged, again.generation) == (0, len(SEED_IDS) - 1, generation)

    path = corpus_copy / "articles" / f"{bad}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    changed = build(settings)
    assert calls.ids() == [bad]  # a changed article is tried again
    assert [str(p) for p in changed.problems] == [problem]

    monkeypatch.setattr("kg.mapper.article_triples", real)
    calls.clear()
    with pytest.raises(BuildError, match=f"^articles/{bad}.txt: cannot turn"):
        build(settings, strict=True)  # a remembered problem still stops a strict build
    assert calls.ids() == []


def test_parallel_build_without_the_model_stops_with_one_clear_error(tmp_path: Path) -> None:
    from kg.build import build
    from kg.config import load_settings

    settings = load_settings().with_overrides(store=str(tmp_path / "s"), corpus=SEED_CORPUS, model="no_such_model")
    with pytest.raises(BuildError, match=r"^extraction failed: ValueError: spaCy model 'no_such_model' is not inst"):
        build(settings, jobs=2)
    assert not GenerationStore(tmp_path / "s").exists()


# -- small updates: a worker loads the pipeline while the build reads the corpus and plans ------

def _recording_extractor(log: Path):
    """The real ``extract_all``, noting which process ran it (a file, so a worker's runs count too)."""
    from kg import extract

    real = extract.extract_all

    def extract_all(articles, **kwargs):
        _note_pid(log)
        yield from real(articles, **kwargs)

    return extract_all


def _recording_mapper(log: Path):
    """The real ``mapper.article_triples``, noting which process ran it."""
    from kg import mapper

    real = mapper.article_triples

    def article_triples(records, input_hash=None):
        _note_pid(log)
        return real(records, input_hash)

    return article_triples


def _note_pid(log: Path) -> None:
    import os

    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\n")


def _pids(log: Path) -> set[int]:
    return {int(p) for p in log.read_text(encoding="utf-8").split()}


def _article_quads(store: Path, article_id: str) -> set:
    return set(GenerationStore(store).open_read().quads_for_pattern(None, None, None,
                                                                     NamedNode(iris.article_graph(article_id))))


def test_small_update_extracts_in_the_warmed_worker_maps_here_and_stores_the_same_graph(
        seed_store: Path, corpus_copy: Path, tmp_path: Path, monkeypatch) -> None:
    import multiprocessing
    import os
    import shutil

    from kg import build as kg_build
    from kg.config import load_settings

    changed = SEED_IDS[0]
    path = corpus_copy / "articles" / f"{changed}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe Belarusian leader said nothing more.\n", "utf-8")
    log, mapped = tmp_path / "pids.txt", tmp_path / "mapped.txt"
    monkeypatch.setattr("kg.extract.extract_all", _recording_extractor(log))
    monkeypatch.setattr("kg.mapper.article_triples", _recording_mapper(mapped))
    pids = {}
    for name, warm_max in (("warm", kg_build.WARM_MAX), ("here", 0)):
        store = tmp_path / name
        shutil.copytree(seed_store, store)
        monkeypatch.setattr(kg_build, "WARM_MAX", warm_max)
        log.write_text("", encoding="utf-8")
        mapped.write_text("", encoding="utf-8")
        report = kg_build.build(load_settings().with_overrides(store=str(store), corpus=corpus_copy))
        assert (report.extracted, report.problems) == ([changed], [])
        pids[name] = _pids(log)
        # the worker only extracts: this process, which loaded the shapes meanwhile, maps and validates
        assert _pids(mapped) == {os.getpid()}
        assert multiprocessing.active_children() == []  # the worker is gone with the build
    assert len(pids["warm"]) == 1 and os.getpid() not in pids["warm"]
    assert pids["here"] == {os.getpid()}
    assert _article_quads(tmp_path / "warm", changed) == _article_quads(tmp_path / "here", changed)
    assert _article_quads(tmp_path / "warm", changed) != _article_quads(seed_store, changed)


def test_update_without_the_model_stops_with_one_clear_error(seed_copy: Path, corpus_copy: Path) -> None:
    import multiprocessing

    from kg.build import build
    from kg.config import load_settings

    manifest = corpus_copy / "manifest.tsv"  # one article: its failure could pass for that article's problem
    manifest.write_text("".join(manifest.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), "utf-8")
    before = GenerationStore(seed_copy).current_name()
    settings = load_settings().with_overrides(store=str(seed_copy), corpus=corpus_copy, model="no_such_model")
    with pytest.raises(BuildError, match=r"^extraction failed: ValueError: spaCy model 'no_such_model' is not inst"):
        build(settings)
    assert GenerationStore(seed_copy).current_name() == before
    assert multiprocessing.active_children() == []


def test_unchanged_rebuild_stops_the_warming_worker(seed_copy: Path) -> None:
    import multiprocessing

    from kg.build import build
    from kg.config import load_settings

    report = build(load_settings().with_overrides(store=str(seed_copy), corpus=SEED_CORPUS))
    assert (report.extracted, report.unchanged) == ([], len(SEED_IDS))
    assert multiprocessing.active_children() == []


def test_a_big_update_is_served_then_compacted_and_says_so(seed_copy: Path, corpus_copy: Path, monkeypatch) -> None:
    from kg.build import build
    from kg.config import load_settings

    monkeypatch.setattr("kg.store.OPTIMIZE_QUADS", 1)  # every update is "big"
    path = corpus_copy / "articles" / f"{SEED_IDS[0]}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe Belarusian leader said nothing more.\n", "utf-8")
    before = int(GenerationStore(seed_copy).current_name().removeprefix("gen-"))
    report = build(load_settings().with_overrides(store=str(seed_copy), corpus=corpus_copy))
    assert report.extracted == [SEED_IDS[0]]
    # gen before+1 holds the update as written and was served first; before+2 is its compacted copy
    assert report.generation == f"gen-{before + 2:06d}" == GenerationStore(seed_copy).current_name()
    assert report.compaction_seconds is not None and report.compaction_problem is None
    assert f"serving gen-{before + 2:06d} (" in report.summary() and "s, compacted in " in report.summary()
    assert graphs(seed_copy) == {iris.article_graph(a) for a in SEED_IDS} | {iris.KB_GRAPH, iris.ONTOLOGY_GRAPH}


def test_the_summary_says_why_a_due_compaction_did_not_happen() -> None:
    from kg.build import BuildReport

    report = BuildReport(articles=3, generation="gen-000004", seconds=2.0,
                         compaction_problem="/s: disk full while compacting gen-000004 into gen-000005: No space left")
    assert report.summary().endswith(
        "serving gen-000004 (2.0s, not compacted: /s: disk full while compacting gen-000004 into gen-000005: "
        "No space left)")
    assert BuildReport(generation="gen-000001", seconds=1.0).summary().endswith("serving gen-000001 (1.0s)")
