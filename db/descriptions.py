"""What every served table, view and column means, for Datasette's pages.

One entry per table or view of ``db.schema`` that is published. Tables kept
out of the published copy (see ``db.datasette.INTERNAL_TABLES``) are described
too, so that the tests can check that nothing in the schema goes undocumented.
"""
from __future__ import annotations

TableDoc = tuple[str, dict[str, str]]

_WHEN = "UTC ISO 8601 timestamp"

CATALOGUE: dict[str, TableDoc] = {
    "engines": (
        "LLM inference engines named in the list, one row per engine.",
        {
            "name": "Engine name as the list spells it (primary key).",
            "kind": "open_source, commercial, gateway or other.",
            "repo": "GitHub owner/name of the engine's main repository, if any.",
            "homepage": "Project home page.",
            "docs_url": "Documentation site.",
            "section": "List section the engine is listed under.",
            "description": "One-line description from the list.",
            "first_seen": f"When curator first read the engine in the list ({_WHEN}).",
            "in_list": "1 while the engine is still in the list, 0 once removed.",
        },
    ),
    "engine_sections": (
        "Every list section an engine appears in, with its position there.",
        {
            "engine": "Engine name.",
            "section": "List section heading.",
            "position": "Order of the engine within the section (0-based).",
        },
    ),
    "engine_links": (
        "Links the list gives for an engine: repository, docs, paper, site.",
        {
            "engine": "Engine name.",
            "kind": "What the link is (repo, docs, paper, homepage, ...).",
            "url": "The link target.",
            "label": "The link text in the list.",
            "arxiv_id": "arXiv id when the link is an arXiv paper.",
        },
    ),
    "techniques": (
        "Optimization techniques of the list, grouped by category.",
        {
            "id": "Technique id.",
            "category": "One of the ten optimization categories.",
            "name": "Technique name as the list spells it.",
            "description": "Short description used to match papers to it.",
            "source": "builtin (shipped with curator) or list (read from the list).",
        },
    ),
    "technique_refs": (
        "References (papers, code) the list cites for each technique.",
        {
            "technique_id": "The technique.",
            "url": "Reference link.",
            "label": "Link text in the list.",
            "arxiv_id": "arXiv id when the reference is an arXiv paper.",
        },
    ),
    "list_sections": (
        "Headings of the list file and whether curator understands them.",
        {
            "heading": "Heading text.",
            "level": "Markdown heading level (1-6).",
            "position": "Order of the heading in the file.",
            "understood": "1 when curator knows how to read or render the section.",
            "kind": "What the section holds (engines, techniques, prose, ...).",
            "note": "Why a section was not understood, if it was not.",
        },
    ),
}

PAPERS: dict[str, TableDoc] = {
    "papers": (
        "arXiv papers crawled or cited by the list, keyed by the id without version.",
        {
            "arxiv_id": "arXiv identifier without version, e.g. 2401.01234.",
            "version": "Latest version number seen.",
            "title": "Title of the latest version.",
            "abstract": "Abstract of the latest version.",
            "published": f"First version's publication time ({_WHEN}).",
            "updated": f"Latest version's time ({_WHEN}).",
            "primary_category": "arXiv primary category, e.g. cs.DC.",
            "categories": "All arXiv categories of the paper.",
            "comment": "Authors' comment (pages, venue).",
            "journal_ref": "Journal reference, if any.",
            "doi": "DOI, if any.",
            "abs_url": "Link to the arXiv abstract page.",
            "first_seen": f"When curator first saw the paper ({_WHEN}).",
            "last_seen": f"When curator last saw the paper in a crawl ({_WHEN}).",
            "source": "arxiv (crawled) or list (cited by the list).",
        },
    ),
    "authors": (
        "Paper authors, one row per distinct name.",
        {"id": "Author id.", "name": "Author name as arXiv gives it."},
    ),
    "paper_authors": (
        "Which author wrote which paper, in byline order.",
        {
            "arxiv_id": "The paper.",
            "author_id": "The author.",
            "position": "Position in the byline (0 = first author).",
        },
    ),
    "paper_repos": (
        "Code repositories linked from a paper's abstract or comment.",
        {
            "arxiv_id": "The paper.",
            "repo": "GitHub owner/name.",
            "url": "The link as found.",
        },
    ),
    "paper_labels": (
        "Category and technique labels of papers, from the list, the classifier "
        "or a maintainer, with their review status.",
        {
            "id": "Label id.",
            "arxiv_id": "The paper.",
            "category": "Optimization category, or empty when judged not relevant.",
            "technique": "Technique of the list the paper belongs to, if any.",
            "confidence": "Classifier confidence in the category (0-1).",
            "source": "list, classifier or maintainer.",
            "status": "proposed, accepted or rejected.",
            "relevance": "Classifier score that the paper is about LLM inference efficiency (0-1).",
            "rank": "1 for the main label; 2 for a second category.",
            "pr_number": "Pull request that proposed the label, if any.",
            "created": f"When the label was first written ({_WHEN}).",
            "updated": f"When the label last changed ({_WHEN}).",
        },
    ),
    "crawl_state": (
        "Where each arXiv query stopped (internal; not published).",
        {
            "source": "Crawled source.",
            "query": "Query text.",
            "last_success": "Last complete crawl.",
            "last_until": "Upper date bound of the last complete crawl.",
            "last_total": "Total results reported by the last crawl.",
            "resume_start": "Offset to resume an incomplete crawl from.",
        },
    ),
}

GITHUB: dict[str, TableDoc] = {
    "repos": (
        "GitHub repositories of listed engines and their crawl status.",
        {
            "repo": "owner/name as listed.",
            "repo_id": "GitHub's numeric repository id (stable across renames).",
            "status": "ok, missing, renamed, archived or unknown.",
            "renamed_to": "New owner/name when GitHub redirected.",
            "archived": "1 when the repository is archived.",
            "miss_count": "Crawls in a row that found the repository missing.",
            "first_seen": f"When curator first crawled it ({_WHEN}).",
            "last_crawled": f"Last crawl attempt ({_WHEN}).",
            "last_error": "What went wrong at the last crawl, if anything.",
        },
    ),
    "repo_stats": (
        "Daily GitHub statistics history: one row per repository per crawl date, never overwritten.",
        {
            "repo": "owner/name.",
            "date": "Crawl date (UTC, YYYY-MM-DD).",
            "repo_id": "GitHub's numeric repository id.",
            "full_name": "owner/name as GitHub reported it that day.",
            "stars": "Stargazers.",
            "forks": "Forks.",
            "watchers": "Subscribers (watchers).",
            "open_issues": "Open issues, pull requests excluded.",
            "open_prs": "Open pull requests.",
            "contributors": "Contributors.",
            "commits_90d": "Commits on the default branch in the last 90 days.",
            "releases": "Published releases.",
            "latest_release": "Tag of the latest release.",
            "latest_release_date": "Publication time of the latest release.",
            "created_at": "Repository creation time.",
            "pushed_at": "Last push time.",
            "license": "SPDX licence id.",
            "topics": "Repository topics (JSON array).",
            "homepage": "Homepage set on GitHub.",
            "description": "Description set on GitHub (cleaned).",
            "archived": "1 when archived that day.",
            "default_branch": "Default branch name.",
            "has_discussions": "1 when GitHub Discussions is on.",
            "median_first_response_hours": "Median hours to the first response on recent issues.",
        },
    ),
    "repo_readmes": (
        "Latest README of each repository, size-capped and cleaned.",
        {
            "repo": "owner/name.",
            "fetched": f"When it was fetched ({_WHEN}).",
            "size": "Size in bytes as served by GitHub.",
            "truncated": "1 when cut at the size cap.",
            "text": "README text.",
        },
    ),
    "http_cache": (
        "Conditional-request cache of GitHub responses (internal; not published).",
        {
            "url": "Requested URL.",
            "etag": "ETag of the stored response.",
            "last_modified": "Last-Modified of the stored response.",
            "body": "Stored response body.",
            "fetched": "When it was fetched.",
        },
    ),
}

SCORES: dict[str, TableDoc] = {
    "web_signals": (
        "What engines' web pages and READMEs showed on each crawl date.",
        {
            "engine": "Engine name.",
            "date": "Crawl date (UTC, YYYY-MM-DD).",
            "source": "Where the signals came from (homepage, docs, readme, ...).",
            "url": "Page fetched.",
            "status": "ok, or why the page could not be read.",
            "error": "Error detail when status is not ok.",
            "signals": "Signals found (JSON): docs, community channels, install methods.",
        },
    ),
    "engine_scores": (
        "Ease-of-Use and Ease-of-Deployment scores per engine per date, history kept.",
        {
            "engine": "Engine name.",
            "date": "Scoring date (UTC, YYYY-MM-DD).",
            "ease_of_use": "Ease-of-Use score from documentation and community activity.",
            "docs_level": "Documentation level found.",
            "sns": "1 when the engine has social-network channels.",
            "forum": "1 when the engine has a forum or chat community.",
            "meetup": "1 when the engine holds meetups or events.",
            "ease_of_deployment": "Ease-of-Deployment score from install methods.",
            "docs_score": "Documentation component of Ease-of-Use.",
            "community_score": "Community component of Ease-of-Use.",
            "activity_score": "Repository activity component of Ease-of-Use.",
            "components": "All score inputs (JSON), so a score can be explained.",
        },
    ),
    "embeddings": (
        "Cache of paper embeddings (internal; not published).",
        {
            "model": "Embedding model.",
            "text_hash": "Hash of the embedded text.",
            "dim": "Vector dimension.",
            "vector": "Packed float32 vector.",
        },
    ),
}

REPORTS: dict[str, TableDoc] = {
    "pull_requests": (
        "Pull requests curator opened on the list.",
        {
            "number": "Pull request number.",
            "branch": "Head branch.",
            "title": "Title.",
            "state": "open or closed.",
            "merged": "1 when merged.",
            "head_sha": "Head commit.",
            "created": f"When opened ({_WHEN}).",
            "updated": f"Last update seen ({_WHEN}).",
        },
    ),
    "pr_items": (
        "What each pull request proposed (papers, engines), so rejected items are not proposed again.",
        {
            "pr_number": "Pull request.",
            "kind": "Kind of item (paper, engine, ...).",
            "key": "The item's natural key (arXiv id, engine name, ...).",
        },
    ),
    "runs": (
        "Every curator command run: when, outcome and counts.",
        {
            "id": "Run id.",
            "command": "Command run, e.g. crawl arxiv.",
            "started": f"Start ({_WHEN}).",
            "finished": f"End ({_WHEN}).",
            "status": "running, ok, incomplete, failed, bad_input or interrupted.",
            "counts": "What the run did (JSON counts).",
            "error": "One-line cause when the run failed.",
        },
    ),
    "run_processes": (
        "Which process runs each command, so that a run whose process died is marked "
        "interrupted (internal; not published).",
        {
            "run_id": "The run.",
            "host": "Host name of the machine that ran it.",
            "pid": "Process id on that host.",
        },
    ),
    "request_times": (
        "When each source was last asked, so its delay between requests holds across "
        "processes (internal; not published).",
        {
            "source": "arxiv, or web: and a host name.",
            "last_request": "Seconds since the Unix epoch of the end of the last request "
                            "(or the start of one under way).",
        },
    ),
}

VIEWS: dict[str, TableDoc] = {
    "latest_repo_stats": (
        "The most recent statistics row of each repository.",
        dict(GITHUB["repo_stats"][1]),
    ),
    "engine_overview": (
        "Each engine with its latest GitHub statistics and latest scores.",
        {
            "name": "Engine name.",
            "kind": "open_source, commercial, gateway or other.",
            "section": "List section.",
            "repo": "GitHub owner/name.",
            "homepage": "Project home page.",
            "stars": "Stargazers at the latest crawl.",
            "forks": "Forks at the latest crawl.",
            "latest_release": "Tag of the latest release.",
            "latest_release_date": "Publication time of the latest release.",
            "license": "SPDX licence id.",
            "archived": "1 when archived.",
            "stats_date": "Date of the statistics shown.",
            "ease_of_use": "Latest Ease-of-Use score.",
            "docs_level": "Documentation level found.",
            "sns": "1 when the engine has social-network channels.",
            "forum": "1 when the engine has a forum or chat community.",
            "meetup": "1 when the engine holds meetups or events.",
            "ease_of_deployment": "Latest Ease-of-Deployment score.",
            "score_date": "Date of the scores shown.",
        },
    ),
    "papers_per_category": (
        "Number of distinct papers per category and label status.",
        {
            "category": "Optimization category.",
            "status": "proposed, accepted or rejected.",
            "papers": "Distinct papers.",
        },
    ),
    "classified_papers": (
        "Every paper curator has a category for, one row each, with the label that counts: a maintainer's, "
        "then the list's, then the classifier's. Facet by category, status or label source.",
        {
            "arxiv_id": "arXiv identifier without version.",
            "title": "Title.",
            "published": "Date of the first version.",
            "category": "Optimization category of the label that counts.",
            "technique": "Technique of the list, if any.",
            "confidence": "Confidence in the category (1 for the list's and maintainers' labels).",
            "status": "proposed, accepted or rejected.",
            "label_source": "maintainer, list or classifier: whose label this is.",
            "primary_category": "arXiv primary category.",
        },
    ),
    "star_history": (
        "Stars of each listed engine on every crawl date, for charts.",
        {
            "engine": "Engine name.",
            "repo": "GitHub owner/name.",
            "date": "Crawl date.",
            "stars": "Stargazers that day.",
        },
    ),
}

FTS: dict[str, TableDoc] = {
    "papers_fts": ("Full-text index of paper titles and abstracts.", {}),
    "engines_fts": ("Full-text index of engine names, descriptions and sections.", {}),
}

from db.feature_descriptions import TABLES as FEATURES  # noqa: E402  (engine facts from docs)

TABLES: dict[str, TableDoc] = {**CATALOGUE, **PAPERS, **GITHUB, **SCORES, **REPORTS, **VIEWS, **FTS, **FEATURES}
