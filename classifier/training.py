"""What the classifier learns from, as plain records.

* the labelled papers shipped in ``classifier/data/labelled.jsonl`` (or any
  file of the same shape: ``arxiv_id``, ``title``, ``abstract``, ``label``);
* the technique tables of the list (rows and referenced papers, read from the
  database by ``db.classify``) or, on an empty database, the built-in taxonomy;
* maintainers' decisions (``paper_labels`` source ``maintainer``);
* the unlabelled arXiv background, of which the papers that look in scope by a
  cheap keyword rule are left out of the negatives (they are not all negative).

``python -m classifier.training`` refits the shipped heads
(``classifier/data/heads.npz``) from these files.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

DATA = Path(__file__).parent / "data"
LABELLED = DATA / "labelled.jsonl"
BACKGROUND = DATA / "arxiv-sample.jsonl.gz"
HEADS = DATA / "heads.npz"
IRRELEVANT = "irrelevant"
# weight of a background paper the keyword rule finds doubtful, as a negative
DOUBTFUL_WEIGHT = 0.0


@dataclass
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    label: str | None = None   # a category, "irrelevant", or another marker (relevant, no category)
    also: str | None = None


class BadRecord(ValueError):
    """A bad line of an input file; the message names the line."""


def read_jsonl(path: str | Path, need: tuple[str, ...] = ("arxiv_id", "title", "abstract")) -> list[dict]:
    """Records of a JSON-lines file; any defect raises :class:`BadRecord` naming the line."""
    rows = []
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BadRecord(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise BadRecord(f"{path}: line {number}: expected a JSON object")
                for key in need:
                    if not isinstance(row.get(key), str):
                        raise BadRecord(f"{path}: line {number}: missing field {key!r} (a string)")
                    if key != "abstract" and not row[key].strip():
                        raise BadRecord(f"{path}: line {number}: empty field {key!r}")
                rows.append(row)
    except OSError as exc:
        raise BadRecord(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise BadRecord(f"{path}: not UTF-8 text") from None
    return rows


def labelled(path: str | Path = LABELLED) -> list[Paper]:
    rows = read_jsonl(path, ("arxiv_id", "title", "abstract", "label"))
    return [Paper(r["arxiv_id"], r["title"], r["abstract"], r["label"], r.get("also")) for r in rows]


def background(path: str | Path = BACKGROUND) -> list[Paper]:
    return [Paper(r["arxiv_id"], r["title"], r["abstract"]) for r in read_jsonl(path)]


_LLM = re.compile(r"\b(llms?|large language models?|language models?|transformers?|gpt|llama|"
                  r"mixture[- ]of[- ]experts|moe|vlms?|multimodal models?)\b", re.I)
_EFFICIENT = re.compile(r"\b(inference|serving|decoding|kv[- ]?cache|quantiz\w*|prun\w*|spars\w*|"
                        r"speculative|throughput|latency|low[- ]bit|compress\w*|accelerat\w*|"
                        r"memory[- ]efficient|efficient attention|flashattention|batching|prefill)\b", re.I)


def looks_in_scope(title: str, abstract: str) -> bool:
    """Cheap rule: mentions a language model and an efficiency term. Used to
    keep doubtful background papers out of the negatives, never as a label."""
    text = f"{title} {abstract}"
    return bool(_LLM.search(text)) and len(set(m.lower() for m in _EFFICIENT.findall(text))) >= 2


def negatives(papers: Iterable[Paper], exclude_ids: set[str]) -> Iterator[Paper]:
    """Background papers usable as out-of-scope examples."""
    for p in papers:
        if p.arxiv_id not in exclude_ids and not looks_in_scope(p.title, p.abstract):
            yield p


def builtin_techniques() -> list[tuple[str, str, str]]:
    """(category, name, description) of the built-in taxonomy."""
    from reports.taxonomy import BUILTIN

    return [(cat, name, desc) for cat, items in BUILTIN.items() for name, desc in items]


def technique_text(category: str, name: str, description: str | None) -> str:
    words = category.replace("_", " ")
    return f"{name} ({words}). {description or ''}".strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refit the shipped classifier heads.")
    parser.add_argument("--cache-db", default=".eval-cache.db", help="embedding cache (SQLite)")
    parser.add_argument("--output", default=str(HEADS))
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--labels-db", default=None,
                        help="also learn from this database's list and maintainer labels")
    args = parser.parse_args(argv)
    from classifier.embed import make_encoder
    from classifier.pipeline import fit_heads
    from db import open_db
    from db.classify import EmbeddingCache

    encoder = make_encoder(args.model)
    papers = labelled()
    if args.labels_db:
        from db.classify import human_labels

        known = {p.arxiv_id for p in papers}
        papers += [Paper(r["arxiv_id"], r["title"], r["abstract"], r["label"])
                   for r in human_labels(open_db(args.labels_db)) if r["arxiv_id"] not in known]
    heads = fit_heads(papers, background(), builtin_techniques(), encoder,
                      EmbeddingCache(open_db(args.cache_db)))
    heads.save(args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
