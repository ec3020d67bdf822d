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
