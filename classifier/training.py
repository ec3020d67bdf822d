"""What the classifier learns from, as plain records.

* the labelled papers shipped in ``classifier/data/labelled.jsonl`` (or any
  file of the same shape: ``arxiv_id``, ``title``, ``abstract``, ``label``);
* the labels given by hand to part of the arXiv sample
  (``classifier/data/sample-labels.jsonl``, ``arxiv_id``, ``label``, ``also``;
  how they were given: ``classifier/data/LABELLING.md``): in-scope papers of a
  real feed, and out-of-scope ones that look in scope;
* the technique tables of the list (rows and referenced papers, read from the
  database by ``db.classify``) or, on an empty database, the built-in taxonomy;
* maintainers' decisions (``paper_labels`` source ``maintainer``);
* the unlabelled rest of the arXiv sample as out-of-scope background; papers of
  another background that look in scope by a cheap keyword rule are left out of
  the negatives (they are not all negative).

``python -m classifier.refit`` refits the shipped heads
(``classifier/data/heads.npz``) from these files.
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from catalogue.vocabulary import CATEGORIES

DATA = Path(__file__).parent / "data"
LABELLED = DATA / "labelled.jsonl"
BACKGROUND = DATA / "arxiv-sample.jsonl.gz"
SAMPLE_LABELS = DATA / "sample-labels.jsonl"
SUMMER_LABELS = DATA / "summer-labels.jsonl.gz"
TECHNIQUE_LABELS = DATA / "technique-labels.jsonl"
NO_TECHNIQUE = "none"
HEADS = DATA / "heads.npz"
IRRELEVANT = "irrelevant"
# a paper in scope that fits none of the categories
RELEVANT = "relevant"
# the labels of sample-labels.jsonl (see LABELLING.md)
LABELLING_VALUES = frozenset(CATEGORIES) | {RELEVANT, IRRELEVANT}
# weight of a background paper the keyword rule finds doubtful, as a negative
DOUBTFUL_WEIGHT = 0.0


@dataclass
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    label: str | None = None   # a category, "irrelevant", or another marker (relevant, no category)
    also: str | None = None
    week: str | None = None    # announcement week (ISO year-week) of a summer paper: its cross-validation group
    weight: float = 1.0        # how many papers of the crawl it stands for (a random draw stands for many)


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
                except RecursionError:
                    raise BadRecord(f"{path}: line {number}: JSON nested too deeply") from None
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


def sample_labelled(path: str | Path = SAMPLE_LABELS, sample: Iterable[Paper] | None = None) -> list[Paper]:
    """The hand-labelled papers of the arXiv sample, with their title and
    abstract taken from ``sample`` (default: the shipped sample)."""
    rows = read_jsonl(path, ("arxiv_id", "label"))
    by_id = {p.arxiv_id: p for p in (background() if sample is None else sample)}
    missing = [r["arxiv_id"] for r in rows if r["arxiv_id"] not in by_id]
    if missing:
        raise BadRecord(f"{path}: {len(missing)} papers are not in the arXiv sample, "
                        f"for example {missing[0]}")
    return [Paper(r["arxiv_id"], by_id[r["arxiv_id"]].title, by_id[r["arxiv_id"]].abstract,
                  r["label"], r.get("also")) for r in rows]


def summer_labelled(path: str | Path = SUMMER_LABELS) -> list[Paper]:
    """The hand-labelled summer papers (LABELLING.md): text, label, their announcement week
    and the number of crawled papers each stands for. A label outside the labelling
    values is a one-line BadRecord."""
    from datetime import date

    rows = read_jsonl(path, ("arxiv_id", "title", "abstract", "label", "announced"))
    out = []
    for n, r in enumerate(rows, 1):
        if r["label"] not in LABELLING_VALUES or (r.get("also") is not None and r["also"] not in CATEGORIES):
            raise BadRecord(f"{path}: line {n}: {r['label']!r} / {r.get('also')!r} is not a label of LABELLING.md")
        year, week, _ = date.fromisoformat(r["announced"]).isocalendar()
        out.append(Paper(r["arxiv_id"], r["title"], r["abstract"], r["label"], r.get("also"),
                         week=f"{year}-W{week:02d}", weight=float(r.get("weight", 1.0))))
    return out


def shipped_labels() -> list[Paper]:
    """Every labelled paper that ships: the labelled file, the hand-labelled sample, then
    the hand-labelled summer papers."""
    return [replace(p) for p in _shipped_labels()]


@lru_cache(maxsize=1)
def _shipped_labels() -> tuple[Paper, ...]:
    papers = labelled()
    known = {p.arxiv_id for p in papers}
    papers += [p for p in sample_labelled() if p.arxiv_id not in known]
    known = {p.arxiv_id for p in papers}
    return tuple(papers + [p for p in summer_labelled() if p.arxiv_id not in known])


def technique_labelled(path: str | Path = TECHNIQUE_LABELS,
                       papers: Iterable[Paper] | None = None) -> list[tuple[str, Paper]]:
    """(technique, paper) of the shipped papers labelled with a row of the
    built-in technique table of their category (default papers: the shipped
    labels); a line naming ``none`` is left out. A paper without a category or
    a row that its category lacks is a one-line BadRecord."""
    from catalogue.vocabulary import BUILTIN

    rows = read_jsonl(path, ("arxiv_id", "technique"))
    by_id = {p.arxiv_id: p for p in (shipped_labels() if papers is None else papers)}
    out = []
    for n, r in enumerate(rows, 1):
        paper = by_id.get(r["arxiv_id"])
        if paper is None or paper.label not in BUILTIN:
            raise BadRecord(f"{path}: line {n}: {r['arxiv_id']} is not a shipped paper with a category")
        if r["technique"] == NO_TECHNIQUE:
            continue
        if r["technique"] not in {name for name, _ in BUILTIN[paper.label]}:
            raise BadRecord(f"{path}: line {n}: {r['technique']!r} is not a technique of {paper.label}")
        out.append((r["technique"], paper))
    return out


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
    from catalogue.vocabulary import BUILTIN

    return [(cat, name, desc) for cat, items in BUILTIN.items() for name, desc in items]


def technique_text(category: str, name: str, description: str | None) -> str:
    words = category.replace("_", " ")
    return f"{name} ({words}). {description or ''}".strip()
