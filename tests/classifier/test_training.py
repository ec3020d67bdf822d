"""Training records: JSON-lines reading, the doubtful-background rule, the pipeline on a fake encoder."""
from __future__ import annotations

import json

import pytest

from classifier.pipeline import Classifier, fit_heads
from classifier.training import BadRecord, Paper, labelled, looks_in_scope, negatives, read_jsonl
from tests.classifier.fakes import DictCache, TopicEncoder


def test_shipped_labelled_file_reads():
    papers = labelled()
    assert len(papers) >= 150 and all(p.label for p in papers)


@pytest.mark.parametrize("text, needle", [
    ('{"arxiv_id": "1", "title": "t", "abstract": "a"}\n{bad', "line 2: not valid JSON"),
    ('{"arxiv_id": "1", "title": "t"}', "line 1: missing field 'abstract'"),
    ('{"arxiv_id": "", "title": "t", "abstract": "a"}', "line 1: empty field 'arxiv_id'"),
    ('"just a string"', "line 1: expected a JSON object"),
])
def test_read_jsonl_names_the_bad_line(tmp_path, text, needle):
    path = tmp_path / "x.jsonl"
    path.write_text(text)
    with pytest.raises(BadRecord, match=needle):
        read_jsonl(path)


def test_doubtful_background_is_kept_out_of_negatives():
    inside = Paper("1", "KV cache compression for LLM inference", "reduces latency and memory")
    outside = Paper("2", "Protein folding", "we fold proteins")
    known = Paper("3", "Galaxies", "stars")
    assert looks_in_scope(inside.title, inside.abstract)
    assert not looks_in_scope("Transformers for vision", "image classification accuracy")
    assert [p.arxiv_id for p in negatives([inside, outside, known], {"3"})] == ["2"]


def test_pipeline_fits_and_classifies_with_a_fake_encoder():
    pos = [Paper(f"q{i}", f"int4 quantization of llm number {i}", "low-bit inference", "quantization") for i in range(6)]
    pos += [Paper(f"c{i}", f"kv cache eviction for llm serving {i}", "cache", "caching") for i in range(6)]
    bg = [Paper(f"b{i}", f"bird migration study {i}", "field data on birds") for i in range(30)]
    techniques = [("caching", "Prefix Caching", "reuse the kv cache of a shared prefix"),
                  ("quantization", "GPTQ", "int4 quantization with error compensation")]
    enc, cache = TopicEncoder(), DictCache()
    heads = fit_heads(pos, bg, techniques, enc, cache)
    clf = Classifier.with_techniques(heads, enc, cache, techniques, threshold=0.5)
    a, b, c = clf.classify([("New int4 quantization for LLM inference", "low-bit"),
                            ("A kv cache eviction policy for llm serving", "cache"),
                            ("Bird migration in spring", "birds")])
    assert (a.category, a.technique) == ("quantization", "GPTQ")
    assert (b.category, b.technique) == ("caching", "Prefix Caching")
    assert not c.relevant
    encoded = enc.encoded
    clf.classify([("Bird migration in spring", "birds")])
    assert enc.encoded == encoded  # cached


def test_sample_labels_take_title_and_abstract_from_the_sample(tmp_path):
    from classifier.training import sample_labelled

    sample = [Paper("2605.00001", "Int4 serving", "an abstract"), Paper("2605.00002", "Birds", "songs")]
    path = tmp_path / "labels.jsonl"
    path.write_text('{"arxiv_id": "2605.00002", "label": "irrelevant", "also": null}\n'
                    '{"arxiv_id": "2605.00001", "label": "quantization", "also": "caching"}\n')
    got = sample_labelled(path, sample)
    assert [(p.arxiv_id, p.title, p.abstract, p.label, p.also) for p in got] == [
        ("2605.00002", "Birds", "songs", "irrelevant", None),
        ("2605.00001", "Int4 serving", "an abstract", "quantization", "caching")]
    path.write_text('{"arxiv_id": "2605.09999", "label": "caching"}\n')
    with pytest.raises(BadRecord, match="1 papers are not in the arXiv sample, for example 2605.09999"):
        sample_labelled(path, sample)


def test_shipped_labels_are_the_labelled_file_then_the_sample_then_the_summer_without_repeats():
    from catalogue.vocabulary import CATEGORIES
    from classifier.training import LABELLING_VALUES, sample_labelled, shipped_labels, summer_labelled

    papers = shipped_labels()
    given = labelled()
    assert [p.arxiv_id for p in papers[:len(given)]] == [p.arxiv_id for p in given]
    assert len({p.arxiv_id for p in papers}) == len(papers) > len(given) + 600
    rest = papers[len(given):]
    assert {p.label for p in rest} <= LABELLING_VALUES and all(p.abstract for p in rest)
    assert all(p.also is None or (p.also in LABELLING_VALUES and p.label not in ("relevant", "irrelevant"))
               for p in rest if p.week is None)
    summer = summer_labelled()
    # in the summer labels a paper in scope with no category may name the one it comes closest to
    assert all(p.also is None or (p.also in CATEGORIES and p.label != "irrelevant" and p.also != p.label)
               for p in summer)
    sample = {p.arxiv_id for p in sample_labelled()}
    new = [p.arxiv_id for p in summer if p.arxiv_id not in sample]  # a paper labelled twice counts once
    assert [p.arxiv_id for p in papers[-len(new):]] == new and len(new) > len(summer) - 5
    assert all(p.week and p.week.startswith("2026-W") for p in summer)
    drawn = [p for p in summer if p.weight > 1]  # the random draw from the low-scored rest stands for many
    assert len(drawn) == 400 and all(p.weight == drawn[0].weight for p in drawn)
    papers[0].label = "changed"
    assert shipped_labels()[0].label != "changed"  # callers get copies


def test_technique_labels_name_rows_of_the_papers_own_category(tmp_path):
    from classifier.training import technique_labelled

    papers = [Paper("1", "EAGLE-3 drafting", "a", "sampling_optimization"), Paper("2", "birds", "b", "irrelevant"),
              Paper("3", "KV offload", "c", "caching")]
    path = tmp_path / "techniques.jsonl"
    path.write_text('{"arxiv_id": "1", "technique": "EAGLE"}\n{"arxiv_id": "3", "technique": "none"}\n')
    assert [(name, p.arxiv_id) for name, p in technique_labelled(path, papers)] == [("EAGLE", "1")]
    for line, needle in [('{"arxiv_id": "1", "technique": "GPTQ"}', "line 1: 'GPTQ' is not a technique of "
                                                                     "sampling_optimization"),
                         ('{"arxiv_id": "2", "technique": "none"}', "line 1: 2 is not a shipped paper with a category"),
                         ('{"arxiv_id": "9", "technique": "EAGLE"}', "line 1: 9 is not a shipped paper")]:
        path.write_text(line + "\n")
        with pytest.raises(BadRecord, match=needle):
            technique_labelled(path, papers)


def test_shipped_technique_labels_cover_the_shipped_papers_with_a_category():
    from classifier.training import TECHNIQUE_LABELS, read_jsonl, shipped_labels, technique_labelled
    from catalogue.vocabulary import CATEGORIES

    with_category = [p.arxiv_id for p in shipped_labels() if p.label in CATEGORIES]
    assert [r["arxiv_id"] for r in read_jsonl(TECHNIQUE_LABELS, ("arxiv_id", "technique"))] == with_category
    assert len(technique_labelled()) > 0.8 * len(with_category)


def test_technique_references_travel_with_the_heads_and_steer_the_technique():
    pos = [Paper(f"q{i}", f"int4 quantization of llm number {i}", "low-bit inference", "quantization") for i in range(6)]
    pos += [Paper(f"c{i}", f"kv cache eviction for llm serving {i}", "cache", "caching") for i in range(6)]
    bg = [Paper(f"b{i}", f"bird migration study {i}", "field data on birds") for i in range(30)]
    # the row texts alone put eviction papers nearest to Prefix Caching; labelled references move them
    techniques = [("caching", "Prefix Caching", "reuse the kv cache of llm serving: cache blocks"),
                  ("caching", "KV Cache Compression", "smaller memory footprint"),
                  ("quantization", "GPTQ", "int4 quantization with error compensation")]
    enc, cache = TopicEncoder(), DictCache()
    paper = ("A kv cache eviction policy for llm serving", "cache")
    plain = Classifier.with_techniques(fit_heads(pos, bg, techniques, enc, cache), enc, cache, techniques,
                                       threshold=0.5)
    assert plain.classify([paper])[0].technique == "Prefix Caching"
    heads = fit_heads(pos, bg, techniques, enc, cache,
                      technique_refs=[("KV Cache Compression", p) for p in pos[6:]])
    assert heads.meta["technique_refs"] == "6" and heads.shipped_refs()[("caching", "KV Cache Compression")][1] == 6
    steered = Classifier.with_techniques(heads, enc, cache, techniques, threshold=0.5)
    assert steered.classify([paper])[0].technique == "KV Cache Compression"
