"""Proposals for the list's hand-made matrices: which cells, with quotes, in the PR body;
rejected ones are not made again until their evidence changes."""
from __future__ import annotations

from catalogue.settings import merge
from db import features as store
from reports import matrix_proposals as mp
from reports import prbody
from reports.matrix_parse import hand_matrices, mark_of
from tests.db.test_catalogue import NOW, save
from tests.reports.test_matrices import HOSTILE, marks
from tests.reports.test_prbody import assert_inert

CONFIG = merge({})


def grown(db, fixtures) -> str:
    text = (fixtures / "list-2026-06-30.md").read_text(encoding="utf-8")
    save(db, text)
    # the list: vLLM Windows ❌, TPU ✅, FP8 ✅, MXFP4 ❌; Fireworks AI Dynamic Batching "-", Linux ❌
    store.save_engine_features(db, "vLLM", "2026-06-02", marks("vllm", {
        ("hardware", "Windows"): (1, "Install vLLM on Windows with WSL2.", "stated"),  # contradicts ❌
        ("hardware", "Google TPU"): (0, "Supports NVIDIA GPUs and AMD GPUs.", "excluded"),  # too weak to overrule ✅
        ("precision", "FP8"): (0, "FP8 is no longer supported.", "denied"),  # contradicts ✅
        ("precision", "MXFP4"): (0, "MXFP4 is not supported.", "denied"),  # agrees with ❌
        ("precision", "INT4"): (1, HOSTILE, "stated"),  # the list says ✅: agrees
    }))
    store.save_engine_features(db, "Fireworks AI", "2026-06-02", marks("fw", {
        ("optimization", "Dynamic Batching"): (1, "Requests are grouped by dynamic batching.", "stated", True),  # fills -
        ("hardware", "Linux"): (1, "Runs on Linux.", "stated", True),  # weak, but contradicting a ❌ is allowed
        ("hardware", "Web/API"): (0, "Download and run it locally.", "denied", True),  # weak: never overrules ✅
    }))
    return text


def test_hand_matrices_are_read_with_their_marks(fixtures):
    hand = hand_matrices((fixtures / "list-2026-06-30.md").read_text(encoding="utf-8"))
    assert hand["hardware"].rows["LLaMA.cpp"]["ETC"] == 1  # "Moore Threads MTT" names something
    assert hand["hardware"].rows["vLLM"]["Windows"] == 0
    assert hand["optimization"].rows["Fireworks AI"]["Dynamic Batching"] is None  # "-"
    assert (mark_of("✅ (NVIDIA Jetson)"), mark_of("❌"), mark_of("--"), mark_of("")) == (1, 0, None, None)


def test_cells_the_docs_fill_or_contradict(mem_db, fixtures):
    found = mp.proposals(mem_db, grown(mem_db, fixtures), today="2026-06-03")
    got = [(p.label, p.feature, p.listed, p.proposed, p.kind) for p in found]
    assert got == [("Fireworks AI", "Linux", 0, 1, "contradicts"), ("vLLM", "Windows", 0, 1, "contradicts"),
                   ("Fireworks AI", "Dynamic Batching", None, 1, "fills"), ("vLLM", "FP8", 1, 0, "contradicts")]
    assert found[1].evidence == "Install vLLM on Windows with WSL2." and found[1].url.endswith("/docs/Win.md")


def test_the_pr_body_proposes_them_with_quotes_and_links_and_changes_no_matrix(mem_db, fixtures):
    text = grown(mem_db, fixtures)
    store.save_engine_features(mem_db, "vLLM", "2026-06-04", marks("vllm", {
        ("hardware", "Windows"): (1, HOSTILE.replace("FP8", "Windows"), "stated")}))
    report = prbody.gather(mem_db, CONFIG, text, text)
    body = prbody.body(mem_db, CONFIG, report)
    assert "### Comparison matrices: 4 cells the engines' docs fill or contradict" in body
    assert "does not change those matrices" in body
    row = next(line for line in body.splitlines() if line.startswith("| vLLM | hardware | Windows |"))
    assert row.count(" | ") == 5 and "| ❌ | ✅ |" in row and "[page](https://github.com/o/vllm/" in row
    assert "| Fireworks AI | optimization | Dynamic Batching | – | ✅ |" in body
    assert "weak evidence" in body
    assert_inert(body)


def test_a_rejected_proposal_is_not_made_again_until_its_evidence_changes(mem_db, fixtures):
    text = grown(mem_db, fixtures)
    mem_db["pull_requests"].insert({"number": 5, "branch": "curator/update", "state": "open", "created": NOW,
                                    "updated": NOW})
    first = mp.proposals(mem_db, text, today="2026-06-03")
    store.record_proposals(mem_db, 5, first, "2026-06-03")
    assert len(mp.proposals(mem_db, text, today="2026-06-04")) == 4  # PR still open: proposed again
    mem_db.execute("UPDATE pull_requests SET state = 'closed' WHERE number = 5")
    taken = text.replace("| Fireworks AI           | -                |", "| Fireworks AI           | ✅                |")
    assert taken != text
    assert mp.proposals(mem_db, taken, today="2026-06-05") == []
    states = dict(((r["feature"], r["status"]) for r in mem_db.query("SELECT feature, status FROM feature_proposals")))
    assert states == {"Dynamic Batching": "accepted", "Linux": "rejected", "Windows": "rejected", "FP8": "rejected"}
    store.save_engine_features(mem_db, "vLLM", "2026-06-06", marks("vllm", {
        ("hardware", "Windows"): (1, "Windows is supported natively since 0.9.", "stated")}))
    again = mp.proposals(mem_db, taken, today="2026-06-06")
    assert [(p.label, p.feature) for p in again] == [("vLLM", "Windows")]  # new evidence, proposed again


def test_no_hand_made_matrix_no_proposal(mem_db, fixtures):
    text = (fixtures / "seed-list.md").read_text(encoding="utf-8")
    save(mem_db, text)
    store.save_engine_features(mem_db, "vLLM", "d", marks("vllm", {("hardware", "Windows"): (1, "Windows.", "stated")}))
    assert mp.proposals(mem_db, text) == []
    assert "Comparison matrices" not in prbody.body(mem_db, CONFIG, prbody.gather(mem_db, CONFIG, text, text))


MATRIX_LIST = """# Awesome LLM inference

## 💾 Caching

<!-- curator:begin papers-caching -->
<!-- curator:end papers-caching -->

## 📚 Comparison Table

### 💻 Hardware Support Matrix

| Framework | Linux | Windows | macOS |
|---|---|---|---|
| vLLM | ✅ | ❌ | ❌ |
"""


def test_the_pull_request_records_its_proposals_and_a_rejection_sticks(mem_db):
    from db import open_db
    from reports.render import render_text
    from tests.fakes.github_git import FakeGitHub
    from tests.reports.helpers import add_paper, import_list
    from tests.reports.test_publish import TOKEN, make_config, publish

    config = make_config()
    listed = open_db(None)
    import_list(listed, MATRIX_LIST)
    rendered = render_text(MATRIX_LIST, listed, config)[0]
    fake = FakeGitHub("owner/list", {"README.md": rendered}, token=TOKEN, bot="curator-bot")
    with fake.server:
        import_list(mem_db, MATRIX_LIST)
        mem_db["engines"].insert({"name": "vLLM", "kind": "open_source", "repo": "vllm-project/vllm", "section": "s",
                                  "first_seen": NOW})
        store.save_engine_features(mem_db, "vLLM", "2026-06-02", marks("vllm", {
            ("hardware", "Windows"): (1, "Install vLLM on Windows with WSL2.", "stated")}))
        add_paper(mem_db, "2606.00001", "Prefix caching at scale")
        publish(mem_db, fake, config)
        assert "| vLLM | hardware | Windows | ❌ | ✅ |" in fake.pulls[1].body
        assert list(mem_db.query("SELECT feature, pr_number, status FROM feature_proposals")) == [
            {"feature": "Windows", "pr_number": 1, "status": "open"}]
        fake.close(1)
        add_paper(mem_db, "2606.00002", "A new one")
        publish(mem_db, fake, config)
        assert "Comparison matrices" not in fake.pulls[2].body
        assert mem_db.execute("SELECT status FROM feature_proposals").fetchall() == [("rejected",)]
