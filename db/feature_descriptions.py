"""Datasette metadata of the engine feature tables (``db.features``): descriptions,
facets and the canned query "engines supporting FEATURE".

``db.descriptions`` and ``db.datasette`` merge these in, so the tables are
described, faceted and queried like every other.
"""
from __future__ import annotations

from typing import Any

TableDoc = tuple[str, dict[str, str]]

_MARK = "1 = the docs say supported, 0 = the docs say not supported, NULL = unknown (no evidence either way)."
_BASIS = ("How the mark was decided: stated (a sentence or row names it as supported), denied (says it is not), "
          "planned (coming soon, not yet), excluded (the docs list what they support in this part of the "
          "matrix, without it).")

TABLES: dict[str, TableDoc] = {
    "engine_features": (
        "What each engine's documentation says about every column of the list's three comparison matrices "
        "(Hardware Support, Optimization Coverage, Numeric Precision), with the evidence behind each mark.",
        {
            "engine": "Engine name.",
            "grp": "Matrix: hardware, optimization or precision.",
            "feature": "The matrix column, as the list writes it (e.g. AMD GPU (ROCm/HIP), FP8, Chunked-prefills).",
            "supported": _MARK,
            "evidence": "The sentence or table row that says so (at most 300 characters, as the page has it).",
            "url": "Where the evidence is: the page at the commit read, or the vendor page.",
            "date": "Date of the commit (or page) the evidence was read from.",
            "basis": _BASIS,
            "weak": "1 when the evidence is a summary of a vendor page (weak evidence), not the page itself.",
            "checked": "Date curator last read the engine's docs.",
        },
    ),
    "engine_feature_history": (
        "Every change of an engine's mark (a first reading that decides it included): when, from what to what, "
        "on what evidence.",
        {
            "id": "Change id.",
            "engine": "Engine name.",
            "grp": "Matrix: hardware, optimization or precision.",
            "feature": "The matrix column.",
            "changed": "Date of the docs crawl that saw the change.",
            "old_supported": "The mark before (NULL: unknown, or never read).",
            "supported": "The mark after. " + _MARK,
            "evidence": "The evidence of the new mark.",
            "url": "Where that evidence is.",
            "date": "Date of the commit or page of the evidence.",
            "basis": _BASIS,
        },
    ),
    "docs_reads": (
        "Each crawl of an engine's documentation: where it was read, which commit, how many pages.",
        {
            "engine": "Engine name.",
            "date": "Crawl date (UTC, YYYY-MM-DD).",
            "source": "github (the default branch), local (a docs snapshot), vendor (vendor page summaries) or website.",
            "repo": "GitHub owner/name read, if any.",
            "commit_sha": "The commit read (NULL when the pages came from several commits or no repository).",
            "pages": "Documentation pages read.",
            "readme_only": "1 when there is no documentation page beyond README files.",
            "truncated": "1 when a page or size cap left pages out.",
            "status": "ok, unchanged (same commit as the last read), missing or error.",
            "error": "Why the docs could not be read.",
            "extractor": "Version of the extraction rules the marks were made with.",
            "signals": "Docs, community channels and install methods found in the pages (JSON), for the scores.",
        },
    ),
    "feature_proposals": (
        "Cells of the list's hand-made matrices that curator proposed to change in a pull request, and what "
        "the maintainers decided: a rejected proposal is not made again until its evidence changes.",
        {
            "engine": "Engine name.",
            "grp": "Matrix: hardware, optimization or precision.",
            "feature": "The matrix column.",
            "proposed": "The mark proposed: 1 supported, 0 not supported.",
            "evidence_key": "Digest of the evidence (quote and URL) the proposal rests on.",
            "listed": "The list's mark when proposed (NULL: - or empty).",
            "evidence": "The quote.",
            "url": "Where the quote is.",
            "pr_number": "The pull request that proposed it.",
            "status": "open while the pull request is; accepted when the list took the mark; rejected otherwise.",
            "proposed_on": "Date first proposed.",
            "decided": "Date the decision was recorded.",
        },
    ),
    "feature_matrix": (
        "The three matrices for every listed engine, one row per cell, with the mark spelled out and its evidence.",
        {
            "engine": "Engine name.",
            "kind": "open_source, commercial, gateway or other.",
            "grp": "Matrix: hardware, optimization or precision.",
            "feature": "The matrix column.",
            "supported": _MARK,
            "mark": "yes, no or unknown.",
            "basis": _BASIS,
            "weak": "1 for vendor page summaries.",
            "evidence": "The sentence or table row.",
            "url": "Where it is.",
            "date": "Date of the commit or page.",
        },
    ),
}

TABLE_CONFIG: dict[str, dict[str, Any]] = {
    "engine_features": {"facets": ["grp", "feature", "supported", "basis"], "sort": "engine"},
    "engine_feature_history": {"facets": ["engine", "grp"], "sort_desc": "id"},
    "docs_reads": {"facets": ["source", "status"], "sort_desc": "date"},
    "feature_proposals": {"facets": ["status", "grp"], "sort_desc": "proposed_on"},
    "feature_matrix": {"facets": ["grp", "feature", "mark", "kind"], "sort": "engine"},
}

QUERIES: dict[str, dict[str, str]] = {
    "engines_supporting_feature": {
        "title": "Engines supporting FEATURE",
        "description": (
            "The listed engines whose documentation says they support a feature, with the quote and the page "
            "it is on. 'feature' is a matrix column as the list writes it (Linux, AMD GPU (ROCm/HIP), "
            "Speculative Decoding, FP8...) or a part of one (case ignored); engines whose docs say no, or say "
            "nothing, are not shown."
        ),
        "sql": """SELECT f.engine, f.grp, f.feature, f.evidence, f.url, f.date, f.weak
FROM engine_features f JOIN engines e ON e.name = f.engine
WHERE e.in_list = 1 AND f.supported = 1
  AND (f.feature = :feature COLLATE NOCASE OR instr(lower(f.feature), lower(:feature)) > 0)
  AND :feature != ''
ORDER BY f.grp, f.feature, f.engine COLLATE NOCASE""",
    },
}
