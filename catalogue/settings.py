"""Settings: built-in defaults, optionally overridden by a `curator.toml`.

Every setting has a default, so no file is needed. A file may set any subset.
Unknown keys and values of the wrong type or range are reported as one line
naming the key, raised as :class:`ConfigError` (the CLI turns it into exit 2).
"""
from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

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
        ],
        # a narrower second clause: these categories only with these terms (vision LLM serving papers)
        "narrow_categories": ["cs.CV"],
        "narrow_terms": ["LLM", "LLMs", "KV cache", "large language model", "large language models"],
        "lookback_days": 30,
        "overlap_days": 2,
        "page_size": 500,
        "delay_seconds": 3.0,
        "max_attempts": 4,
        "connect_timeout": 10.0,
        "read_timeout": 60.0,
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
        # the highest threshold keeping recall 0.85, cross-validated on the shipped labels
        # (`curator evaluate --baselines` prints it, and each fold's own pick); higher trades
        # recall for precision
        "relevance_threshold": 0.67,
        "confidence_threshold": 0.6,
        "low_confidence_floor": 0.4,
        "second_category_ratio": 0.6,
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

_CHOICES = {
    ("pr", "on_maintainer_edit"): ("comment", "new_branch"),
}
_UNIT_INTERVAL = {
    ("classifier", "relevance_threshold"),
    ("classifier", "confidence_threshold"),
    ("classifier", "low_confidence_floor"),
    ("classifier", "second_category_ratio"),
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


def _validate(data: dict[str, dict[str, Any]]) -> None:
    for (section, key), choices in _CHOICES.items():
        if data[section][key] not in choices:
            raise ConfigError(
                f"{section}.{key}: must be one of {', '.join(choices)}, got {data[section][key]!r}"
            )
    for section, key in _UNIT_INTERVAL:
        if not 0.0 <= data[section][key] <= 1.0:
            raise ConfigError(f"{section}.{key}: must be between 0 and 1, got {data[section][key]}")
    repo = data["list"]["repo"]
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ConfigError(f"list.repo: expected 'owner/name', got {repo!r}")
    if not 1 <= data["arxiv"]["page_size"] <= 2000:
        raise ConfigError(f"arxiv.page_size: must be between 1 and 2000, got {data['arxiv']['page_size']}")
    if data["arxiv"]["delay_seconds"] < 3.0:
        raise ConfigError(f"arxiv.delay_seconds: arXiv asks for at least 3 seconds, got {data['arxiv']['delay_seconds']}")
    if data["arxiv"]["max_attempts"] < 1 or data["github"]["max_attempts"] < 1:
        raise ConfigError("max_attempts: must be at least 1")
    if not data["arxiv"]["categories"]:
        raise ConfigError("arxiv.categories: must name at least one category")
    weights = [data["scoring"][k] for k in ("docs_weight", "community_weight", "activity_weight")]
    if sum(weights) <= 0:
        raise ConfigError("scoring: docs_weight, community_weight and activity_weight must not all be zero")


def merge(overrides: dict[str, Any], source: str = "curator.toml") -> Config:
    """Merge a parsed TOML mapping over the defaults, checking every key."""
    data = copy.deepcopy(DEFAULTS)
    for section, values in overrides.items():
        if section not in data:
            raise ConfigError(f"{section}: unknown section (known: {', '.join(DEFAULTS)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{section}: expected a table of settings, got {values!r}")
        for key, value in values.items():
            name = f"{section}.{key}"
            if key not in data[section]:
                raise ConfigError(f"{name}: unknown setting")
            data[section][key] = _check_type(name, DEFAULTS[section][key], value)
    _validate(data)
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
    return merge(parsed, str(path))
