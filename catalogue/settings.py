"""Settings: built-in defaults, optionally overridden by a `curator.toml`.

Every setting has a default, so no file is needed. A file may set any subset.
Unknown keys and values of the wrong type or range are reported as one line
naming the key, raised as :class:`ConfigError` (the CLI turns it into exit 2).
"""
from __future__ import annotations

import copy
import math
import re
import tomllib
from pathlib import Path
from typing import Any, Callable

from catalogue.errors import ConfigError

DEFAULTS: dict[str, dict[str, Any]] = {
    "list": {
        # The GitHub repository that holds the list, the file and the base branch.
        "repo": "owner/Awesome-LLM-Inference-Engine",
        "path": "README.md",
        "branch": "main",
    },
    "arxiv": {
        "categories": ["cs.DC", "cs.LG", "cs.CL", "cs.AR", "cs.PF", "cs.OS", "cs.AI"],
        "terms": [
            "LLM", "large language model", "language model", "transformer",
            "inference", "serving", "decoding", "KV cache", "quantization",
            "speculative", "batching", "attention", "pruning", "sparsity",
            "parallelism", "prefill", "throughput", "latency",
            "LLMs", "large language models", "language models",
            # the list's Fine-Tuning section: adapters are often described without the words above
            "LoRA", "low-rank adaptation", "parameter-efficient",
        ],
        # a narrower second clause: these categories only with these terms (papers on making
        # LLMs and multimodal LLMs cheaper that are filed under vision)
        "narrow_categories": ["cs.CV"],
        "narrow_terms": ["LLM", "LLMs", "KV cache", "large language model", "large language models",
                         "VLM", "VLMs", "MLLM", "MLLMs", "LVLM", "LVLMs", "vision-language model",
                         "vision-language models", "multimodal large language model",
                         "multimodal large language models"],
        "lookback_days": 30,
        "overlap_days": 2,
        "page_size": 500,
        "delay_seconds": 3.0,
        "max_attempts": 4,
        "connect_timeout": 10.0,
        "read_timeout": 60.0,
        # total seconds for one request, body included (a server trickling bytes cannot hold it)
        "deadline_seconds": 180.0,
        "max_backoff_seconds": 120.0,
        "empty_page_retries": 3,
    },
    "github": {
        "connect_timeout": 10.0,
        "read_timeout": 30.0,
        "max_attempts": 3,
        "max_rate_limit_wait": 60,
        # requests of the hourly limit the crawl leaves for the pull request (with a token)
        "rate_reserve": 100,
        "stats_attempts": 3,
        "readme_max_bytes": 262144,
        "response_sample": 10,
        "missing_after": 3,
        "candidate_repos": 50,
    },
    "web": {
        "connect_timeout": 5.0,
        "read_timeout": 10.0,
        "max_bytes": 2_000_000,
        "deadline_seconds": 20.0,
        "user_agent": "curator/0.1 (+https://github.com/curator-bot/curator; awesome-list updater)",
        "max_redirects": 5,
        "max_pages": 3,
        # between two requests to the same host, whatever curator process sends them
        "delay_seconds": 1.0,
    },
    "classifier": {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        # the pull request's decision on the calibrated probabilities of the heads, both chosen
        # by cross-validation over the weeks of the labelled summer feed (`python -m
        # classifier.refit` prints them; the heads record them): a paper is relevant (shown to
        # the maintainer: added, or folded under "maybe") when P(in scope) reaches
        # relevance_threshold, and added to the list when P(in scope) x its category's
        # probability reaches add_threshold
        "relevance_threshold": 0.25,
        "add_threshold": 0.35,
        "batch_size": 64,
        # fitted heads (.npz from `python -m classifier.refit`); "" = the shipped ones
        "heads": "",
    },
    "pr": {
        "branch": "curator/update",
        "labels": ["curator", "automated"],
        "title_prefix": "curator:",
        "bot_login": "",
        "on_maintainer_edit": "comment",
        # PyGithub's pacing; GitHub asks for at least a second between writes
        "seconds_between_requests": 0.25,
        "seconds_between_writes": 1.0,
    },
    "scoring": {
        "docs_weight": 0.4,
        "community_weight": 0.25,
        "activity_weight": 0.35,
        "contributors_cap": 1000,
        "commits_90d_cap": 2000,
        "releases_cap": 100,
        "stars_growth_cap": 5000,
        "response_hours_cap": 720,
        # Ease-of-Deployment: points of the easiest install method + a bonus per other method
        "install_pip": 70,
        "install_homebrew": 70,
        "install_conda": 60,
        "install_docker": 60,
        "install_apt": 60,
        "install_binary": 60,
        "install_source": 25,
        "install_breadth_bonus": 10,
    },
}

# --- checks -------------------------------------------------------------------------------
# Every setting's range and form, by key. A check returns None when the value is fine, else
# what is wrong with it (the caller prefixes the key and adds the value).

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?")
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
MAX_README_BYTES = 100_000_000  # GitHub's contents API serves files up to 100 MB


def _at_least(low: float) -> Callable[[Any], str | None]:
    return lambda v: None if v >= low else f"must be at least {low:g}"


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"must be between {low:g} and {high:g}"


def _positive(v: float) -> str | None:
    return None if v > 0 else "must be more than 0"


def _branch(v: str) -> str | None:
    """A branch name git and GitHub accept (the rules of `git check-ref-format --branch`)."""
    if not v or v.startswith(("-", "/", ".")) or v.endswith(("/", ".", ".lock")) or v == "@":
        return "is not a valid branch name"
    if _REF_FORBIDDEN.search(v) or any(part.startswith(".") or part.endswith(".lock") for part in v.split("/")):
        return "is not a valid branch name"
    return None


def _repo(v: str) -> str | None:
    if not _REPO.fullmatch(v) or v.split("/")[1] in (".", ".."):
        return "expected 'owner/name' (letters, digits, '-', and '.', '_' in the name)"
    return None


def _list_path(v: str) -> str | None:
    """A relative path to a file inside the repository: no leading '/', no '..', no empty part."""
    parts = v.split("/")
    if not v or v.startswith("/") or "\\" in v or _CONTROL.search(v) or any(p in ("", ".", "..") for p in parts):
        return "expected a relative path to a file inside the repository, such as README.md or docs/list.md"
    return None


def _user_agent(v: str) -> str | None:
    if not v.strip() or v != v.strip() or any(not " " <= c <= "~" for c in v) or len(v) > 200:
        return "must be printable ASCII on one line (no control characters, CR or LF), at most 200 characters"
    return None


def _one_line(limit: int, empty: bool = False) -> Callable[[str], str | None]:
    def check(v: str) -> str | None:
        if not v and empty:
            return None
        if not v.strip() or _CONTROL.search(v) or len(v) > limit:
            return f"must be one line of at most {limit} characters, not blank, without control characters"
        return None
    return check


def _login(v: str) -> str | None:
    return None if not v or _LOGIN.fullmatch(v) else "expected a GitHub login such as my-app[bot], or \"\""


def _each(check: Callable[[str], str | None], *, empty: bool) -> Callable[[list[str]], str | None]:
    def run(values: list[str]) -> str | None:
        if not values and not empty:
            return "must not be empty"
        for value in values:
            problem = check(value)
            if problem:
                return f"{value!r} {problem}"
        return None
    return run


def _category(v: str) -> str | None:
    return None if _ARXIV_CATEGORY.fullmatch(v) else "is not an arXiv category such as cs.DC"


def _term(v: str) -> str | None:
    if not v.strip() or v != v.strip() or _CONTROL.search(v) or any(c in v for c in '"():'):
        return "must be a word or phrase without quotes, parentheses, colons or surrounding spaces"
    return None


def _label(v: str) -> str | None:
    if not v.strip() or v != v.strip() or _CONTROL.search(v) or "," in v or len(v) > 50:
        return "is not a GitHub label name (1-50 characters, no commas, no surrounding spaces)"
    return None


_TIMEOUTS = [(s, k) for s in ("arxiv", "github", "web") for k in ("connect_timeout", "read_timeout")]
RULES: dict[tuple[str, str], Callable[[Any], str | None]] = {
    ("list", "repo"): _repo,
    ("list", "path"): _list_path,
    ("list", "branch"): _branch,
    ("arxiv", "categories"): _each(_category, empty=False),
    ("arxiv", "terms"): _each(_term, empty=False),
    ("arxiv", "narrow_categories"): _each(_category, empty=True),
    ("arxiv", "narrow_terms"): _each(_term, empty=True),
    ("arxiv", "lookback_days"): _at_least(1),
    ("arxiv", "page_size"): _between(1, 2000),
    ("arxiv", "delay_seconds"): lambda v: None if v >= 3 else "arXiv asks for at least 3 seconds",
    ("arxiv", "max_attempts"): _at_least(1),
    ("arxiv", "deadline_seconds"): _positive,
    **{key: _positive for key in _TIMEOUTS},
    **{key: _positive for key in [("web", "deadline_seconds")]},
    ("github", "max_attempts"): _at_least(1),
    ("github", "stats_attempts"): _at_least(1),
    ("github", "readme_max_bytes"): _between(1, MAX_README_BYTES),
    ("github", "response_sample"): _between(0, 100),
    ("github", "missing_after"): _at_least(1),
    ("web", "max_bytes"): _at_least(1),
    ("web", "user_agent"): _user_agent,
    ("web", "max_redirects"): _between(0, 20),
    ("web", "max_pages"): _at_least(1),
    ("classifier", "model"): _one_line(200),
    ("classifier", "relevance_threshold"): _between(0, 1),
    ("classifier", "add_threshold"): _between(0, 1),
    ("classifier", "batch_size"): _at_least(1),
    ("pr", "branch"): _branch,
    ("pr", "labels"): _each(_label, empty=True),
    ("pr", "title_prefix"): _one_line(100, empty=True),
    ("pr", "bot_login"): _login,
    ("pr", "on_maintainer_edit"): lambda v: None if v in ("comment", "new_branch") else "must be comment or new_branch",
    **{("scoring", k): _at_least(1) for k in ("contributors_cap", "commits_90d_cap", "releases_cap",
                                              "stars_growth_cap", "response_hours_cap")},
    **{("scoring", k): _between(0, 100) for k in DEFAULTS["scoring"] if k.startswith("install_")},
}

class Config:
    """Read-only view of the merged settings: ``cfg["arxiv"]["page_size"]``."""

    def __init__(self, data: dict[str, dict[str, Any]], source: str | None = None):
        self._data = data
        self.source = source

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self._data[section]

    def get(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self._data[section][key]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self._data)


def _check_type(name: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}: expected an integer, got {value!r}")
        if value < 0:
            raise ConfigError(f"{name}: must not be negative, got {value}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{name}: must be a finite number, got {value}")
        if value < 0:
            raise ConfigError(f"{name}: must not be negative, got {value}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{name}: expected a string, got {value!r}")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name}: expected a list of strings, got {value!r}")
        return list(value)
    raise ConfigError(f"{name}: unsupported setting")  # pragma: no cover


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, list)) else f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _validate(data: dict[str, dict[str, Any]], base_dir: Path | None) -> None:
    for (section, key), check in RULES.items():
        value = data[section][key]
        problem = check(value)
        if problem:  # a list's check names the bad item itself
            got = "" if isinstance(value, list) else f", got {_shown(value)}"
            raise ConfigError(f"{section}.{key}: {problem}{got}")
    if data["pr"]["branch"] == data["list"]["branch"]:
        raise ConfigError(f"pr.branch: must differ from list.branch ({data['list']['branch']!r}); "
                          f"curator never commits to the list's own branch")
    cls = data["classifier"]
    weights = [data["scoring"][k] for k in ("docs_weight", "community_weight", "activity_weight")]
    if sum(weights) <= 0:
        raise ConfigError("scoring: docs_weight, community_weight and activity_weight must not all be zero")
    if cls["heads"]:
        cls["heads"] = str(_heads_path(cls["heads"], base_dir))


def _heads_path(value: str, base_dir: Path | None) -> Path:
    """``classifier.heads`` as a path: relative to the settings file's folder (the current
    directory when there is no file); the file must exist."""
    if _CONTROL.search(value):
        raise ConfigError(f"classifier.heads: not a file path, got {_shown(value)}")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    if not path.is_file():
        raise ConfigError(f"classifier.heads: no such file {path} (a relative path is read from the settings "
                          f"file's folder; write one with `python -m classifier.refit --output FILE`, or leave "
                          f"the setting empty for the shipped heads)")
    return path


# settings that no longer exist, and what replaced them
RETIRED = {
    "classifier.confidence_threshold": "no longer a setting: a paper is added when relevance x category "
                                       "probability reaches classifier.add_threshold (docs/settings.md)",
    "classifier.low_confidence_floor": "no longer a setting: every relevant paper keeps its two likeliest "
                                       "categories (docs/settings.md)",
    "classifier.second_category_ratio": "no longer a setting: every relevant paper keeps its two likeliest "
                                        "categories (docs/settings.md)",
}


def merge(overrides: dict[str, Any], source: str = "curator.toml", base_dir: Path | None = None) -> Config:
    """Merge a parsed TOML mapping over the defaults, checking every key.

    ``base_dir`` is the folder relative paths (``classifier.heads``) are read from:
    the settings file's folder; None = the current directory."""
    data = copy.deepcopy(DEFAULTS)
    for section, values in overrides.items():
        if section not in data:
            raise ConfigError(f"{section}: unknown section (known: {', '.join(DEFAULTS)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{section}: expected a table of settings, got {values!r}")
        for key, value in values.items():
            name = f"{section}.{key}"
            if key not in data[section]:
                raise ConfigError(f"{name}: {RETIRED.get(name, 'unknown setting')}")
            data[section][key] = _check_type(name, DEFAULTS[section][key], value)
    _validate(data, base_dir)
    return Config(data, source)


def load(path: str | Path | None) -> Config:
    """Load settings from ``path``; ``None`` means ``./curator.toml`` when it exists."""
    if path is None:
        default = Path("curator.toml")
        if not default.exists():
            return Config(copy.deepcopy(DEFAULTS))
        path = default
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    try:
        parsed = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return merge(parsed, str(path), path.resolve().parent)
