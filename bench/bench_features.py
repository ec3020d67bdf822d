"""Engine facts from docs against the grown list's hand-made matrices and overview marks.

    python -m bench.bench_features [--from DIR] [--list FILE] [--show ENGINE]

Reads every engine's documentation from a docs snapshot (default: the bundled
``bench/data/docs-snapshot.tar.xz``, unpacked to a temporary folder) with the
same code as ``curator crawl docs --from DIR``, extracts the three matrices
and prints:

1. agreement with the list's Hardware Support, Optimization Coverage and
   Numeric Precision matrices on the cells the list marks ✅ or ❌ (an unknown
   counts as a miss), apart for the DEV engines the extraction was tuned on and
   the HELD_OUT engines (``bench/feature_split.py``), with the same figures
   when the enumeration rule ("excluded") is switched off;
2. a mechanical check that every ✅ the seed list would render carries a quote
   that names the feature or a synonym of it;
3. Docs / SNS / Forum / Meetup agreement with the list's overview over all 25
   engines, the marks computed by ``classifier.scoring`` from the same pages
   (READMEs of the demo data for the engines the snapshot lacks);
4. the time to read and extract all seed engines' docs from the folder.

``--show ENGINE`` prints one DEV engine's cells with their evidence (it
refuses held-out engines: their docs stay unseen while tuning).
"""
from __future__ import annotations

import argparse
import os
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "bench" / "data" / "docs-snapshot.tar.xz"
GROWN_LIST = ROOT / "tests" / "fixtures" / "list-2026-06-30.md"
SEED_LIST = ROOT / "tests" / "fixtures" / "seed-list.md"
DEMO_READMES = ROOT / "curator" / "demo_data" / "readmes"
SYMBOL = {1: "✅", 0: "❌", None: "–"}


def unpack(archive: Path, into: Path) -> Path:
    """The snapshot archive unpacked (members checked to stay inside ``into``)."""
    with tarfile.open(archive, "r:xz") as tar:
        tar.extractall(into, filter="data")
    inner = [p for p in into.iterdir() if p.is_dir()]
    return inner[0] if len(inner) == 1 and not (into / "INDEX.json").exists() else into


def list_engines(text: str) -> dict[str, object]:
    from reports.listparse import parse
    from reports.matrix_parse import engine_key

    return {engine_key(e.name): e for e in parse(text).engines}


def read_engine(root: Path, engine, index, vendors: list[str]):
    """The docs of one listed engine from the snapshot (None when it has none there)."""
    from crawler import docs as reader

    if engine.repo:
        got = reader.read_local(root, engine.repo, index)
        return got if got.status == "ok" else None
    slug = reader.vendor_slug(engine.name, engine.homepage, vendors)
    if slug:
        got = reader.read_vendor(root, slug)
        return got if got.pages else None
    return None


def extract_all(root: Path, list_text: str):
    from classifier.features import extract
    from crawler import docs as reader
    from reports.matrix_parse import engine_key, hand_matrices

    hand = hand_matrices(list_text)
    engines = list_engines(list_text)
    index = reader.load_index(root)
    vendors = [p.name for p in (root / reader.VENDOR_DIR).iterdir()] if (root / reader.VENDOR_DIR).is_dir() else []
    labels = sorted({label for m in hand.values() for label in m.rows})
    out = {}
    for label in labels:
        engine = engines.get(engine_key(label))
        got = read_engine(root, engine, index, vendors) if engine is not None else None
        own = engine_names(engine) if engine is not None else []
        others = [n for e in engines.values() if e is not engine for n in engine_names(e)]
        out[label] = (got, extract(got.pages, others=others, own=own) if got else None)
    return hand, out


def engine_names(engine) -> list[str]:
    """The names an engine goes by: as listed, without a parenthesis, its repository's name."""
    from classifier.features import names_of

    return names_of(engine.name, engine.repo)


def agreement(hand, extracted, names, excluded: bool = True) -> tuple[Counter, Counter]:
    """(hits, cells) per group over the list's ✅/❌ cells of the named rows."""
    from catalogue.features import feature

    hits, cells = Counter(), Counter()
    for group, matrix in hand.items():
        for label in names:
            row = matrix.rows.get(label)
            if row is None:
                continue
            marks = extracted.get(label, (None, None))[1]
            for column, listed in row.items():
                if listed is None:
                    continue
                cells[group] += 1
                m = marks.get(feature(group, column).key) if marks else None
                got = None if m is None or (not excluded and m.basis == "excluded") else m.supported
                hits[group] += int(got == listed)
    return hits, cells


def _pct(h: int, n: int) -> str:
    return f"{100 * h / n:5.1f} % ({h}/{n})" if n else "   n/a"


def print_agreement(hand, extracted, dev_only: bool = False) -> None:
    from bench.feature_split import DEV, HELD_OUT, NO_DOCS

    print("1. Agreement with the grown list's matrices (cells marked ✅ or ❌; unknown = miss)")
    print(f"{'engines':<22}{'rule':<14}{'hardware':>22}{'optimization':>22}{'precision':>22}{'all':>22}")
    groups = (("dev", DEV),) if dev_only else (("dev", DEV), ("held-out", HELD_OUT), ("no docs snapshot", NO_DOCS))
    for title, names in groups:
        for rule, excl in (("all rules", True), ("no exclusion", False)):
            hits, cells = agreement(hand, extracted, names, excl)
            print(f"{title:<22}{rule:<14}" + "".join(f"{_pct(hits[g], cells[g]):>22}" for g in
                                                       ("hardware", "optimization", "precision"))
                  + f"{_pct(sum(hits.values()), sum(cells.values())):>22}")
    print()


def show(hand, extracted, label: str) -> None:
    from bench.feature_split import DEV
    from catalogue.features import feature

    if label not in DEV:
        raise SystemExit(f"--show: {label!r} is not a DEV engine ({', '.join(DEV)})")
    got, marks = extracted[label]
    print(f"{label}: {len(got.pages) if got else 0} pages")
    for group, matrix in hand.items():
        for column, listed in matrix.rows.get(label, {}).items():
            m = marks[feature(group, column).key] if marks else None
            ok = "  " if m and m.supported == listed else "!!"
            mark = SYMBOL[m.supported] if m else "–"
            print(f"{ok} {group[:5]} {column:<22} list {SYMBOL[listed]} got {mark} "
                  f"{(m.basis or '') if m else '':<9} {(m.evidence or '')[:150] if m else ''!r} "
                  f"{(m.url or '').rsplit('/', 1)[-1] if m else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="from_dir", default=None, help="docs snapshot folder")
    parser.add_argument("--list", default=str(GROWN_LIST), help="the grown list (matrices, overview)")
    parser.add_argument("--show", default=None, help="print one DEV engine's cells and evidence")
    parser.add_argument("--dev-only", action="store_true", help="figures of the DEV engines only (while tuning)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.from_dir) if args.from_dir else unpack(SNAPSHOT, Path(tmp))
        text = Path(args.list).read_text(encoding="utf-8")
        started = time.perf_counter()
        hand, extracted = extract_all(root, text)
        seconds = time.perf_counter() - started
        if args.show:
            show(hand, extracted, args.show)
            return 0
        print_agreement(hand, extracted, args.dev_only)
        print(f"read and extracted {len(extracted)} engines in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
