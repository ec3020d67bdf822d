"""The README and docs/ stay true to the code.

- every command and sub-command registered in the click group has a section in
  docs/commands.md (a heading with `curator COMMAND` in code), and every option of it
  appears in that section;
- every setting of ``catalogue.settings.DEFAULTS`` appears in docs/settings.md's full
  ``toml`` block with its default value, any table row that gives a setting's default
  agrees, and every ``toml`` block is a valid settings file;
- every environment variable the product's code reads is named in docs/;
- every table and view of the database is described in docs/dataset.md;
- the generated blocks of docs/ (the scoring tables, the categories) are what the code
  produces now;
- the README's first code block is exactly the install and test commands that ``.ci/run``
  runs, the README names every command, and it stays under README_MAX_BYTES;
- every relative link of README.md and docs/*.md points to an existing file, and a link
  to ``file.md#anchor`` to an existing heading.

Each check is a function that returns a list of problems; the tests assert the list is
empty, and the last tests feed broken text to the checks to show they do fail.

Generated blocks sit between ``<!-- begin generated: NAME ... -->`` and
``<!-- end generated: NAME -->`` lines. Rewrite all of them from the code with::

    python -m tests.test_docs --write
"""
from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import click
import pytest
from markdown_it import MarkdownIt

from catalogue.settings import DEFAULTS, merge

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
COMMANDS_DOC = DOCS / "commands.md"
SETTINGS_DOC = DOCS / "settings.md"
DATASET_DOC = DOCS / "dataset.md"
CI_RUN = ROOT / ".ci" / "run"
README_MAX_BYTES = 12_500
PACKAGES = ("catalogue", "curator", "crawler", "classifier", "db", "reports")
# Pages of docs/ that the index links to and that come from another branch of work; a
# link to one of them is accepted while the file does not exist yet, and checked once it does.
_ENV_READ = re.compile(r"""(?:environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]|getenv\(|envvar=)\s*["']([A-Z][A-Z0-9_]+)["']""")
# names in curator's own prefixes count wherever they are written (a constant, a dict of variables)
_ENV_NAME = re.compile(r"""["']((?:CURATOR|GITHUB|HF|TRANSFORMERS)_[A-Z0-9_]+)["']""")
INSTALL_MARK = "# --- README: install ---"
TEST_MARK = "# --- README: test ---"
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_SETTING = re.compile(r"^`?([a-z_]+)\.([a-z_0-9]+)`?$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def doc_files() -> list[Path]:
    return [README] + sorted(DOCS.rglob("*.md"))


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- reading Markdown ----------------------------------------------------------------------

@dataclass
class Section:
    heading: str           # the heading's inline source
    level: int
    start: int             # first line (0-based) of the heading
    end: int               # first line after the section (next heading of same or higher level)


def _tokens(text: str):
    return MarkdownIt("commonmark").enable("table").parse(text)


def sections(text: str) -> list[Section]:
    tokens = _tokens(text)
    heads = [(tok, tokens[i + 1].content) for i, tok in enumerate(tokens) if tok.type == "heading_open"]
    n_lines = len(text.split("\n"))
    out = []
    for k, (tok, content) in enumerate(heads):
        level = int(tok.tag[1])
        end = next((t.map[0] for t, _ in heads[k + 1:] if int(t.tag[1]) <= level), n_lines)
        out.append(Section(content, level, tok.map[0], end))
    return out


def command_path_of(heading: str) -> list[tuple[str, ...]]:
    """Command paths named by code spans: `curator crawl arxiv` -> ("crawl", "arxiv")."""
    paths = []
    for span in re.findall(r"`([^`]+)`", heading):
        words = span.split()
        if not words or words[0] != "curator":
            continue
        path = []
        for word in words[1:]:
            if not _WORD.match(word):
                break
            path.append(word)
        paths.append(tuple(path))
    return paths


def fenced_blocks(text: str, info: str | None = None) -> list[tuple[str, int]]:
    """(content, first line) of the fenced code blocks, optionally of one info string."""
    return [(t.content, t.map[0]) for t in _tokens(text)
            if t.type == "fence" and (info is None or t.info.strip() == info)]


def code_spans(text: str) -> list[str]:
    return [child.content for tok in _tokens(text) if tok.type == "inline"
            for child in tok.children or () if child.type == "code_inline"]


def tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table as rows of cell texts (header row first)."""
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    table: list[list[str]] | None = None
    tokens = _tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            table = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open") and row is not None:
            row.append(tokens[i + 1].content.strip())
        elif tok.type == "tr_close" and table is not None and row is not None:
            table.append(row)
        elif tok.type == "table_close" and table is not None:
            out.append(table)
            table = None
    return out


def _plain(inline) -> str:
    """The text of an inline token as GitHub renders it (code spans and link texts included)."""
    return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline", "html_inline"))


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings: lower case, punctuation dropped, spaces to
    hyphens, and -1, -2 ... appended to repeats."""
    seen: dict[str, int] = {}
    out = set()
    tokens = _tokens(text)
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open":
            continue
        slug = re.sub(r"[^\w\- ]", "", _plain(tokens[i + 1]).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def links(text: str) -> list[str]:
    """The targets of the links and images of a Markdown text."""
    out = []
    for tok in _tokens(text):
        for child in ([tok] + list(tok.children or ())):
            if child.type == "link_open":
                out.append(child.attrGet("href"))
            elif child.type == "image":
                out.append(child.attrGet("src"))
    return [h for h in out if h]


# --- the CLI ---------------------------------------------------------------------------

def commands(group: click.Group | None = None, path: tuple[str, ...] = ()):
    """(path, command) for the group itself and every command under it, depth first."""
    if group is None:
        from curator.cli import cli

        group = cli
    yield path, group
    for name in sorted(group.commands):
        sub = group.commands[name]
        if isinstance(sub, click.Group):
            yield from commands(sub, path + (name,))
        else:
            yield path + (name,), sub


def _label(path: tuple[str, ...]) -> str:
    return "`" + " ".join(("curator",) + path) + "`"


def option_names(command: click.Command) -> list[str]:
    names = []
    for param in command.params:
        if isinstance(param, click.Option):
            names += [n for n in param.opts + param.secondary_opts if n not in ("-h", "--help")]
    return names


# --- the generated blocks -------------------------------------------------------------------

# Short descriptions of the code's keys. A key the code has and this table lacks is an
# error, so a new part, signal or install method cannot reach the docs undescribed.
EASE_PARTS = {
    "docs_weight": "documentation maturity (`docs_score`)",
    "community_weight": "community channels (`community_score`)",
    "activity_weight": "measured activity (`activity_score`)",
}
DOCS_LABELS = {
    "docs_site": "a docs site: a docs page was fetched, or a link labelled docs/documentation whose "
                 "host or path names the repository's owner or name",
    "quick_start": "a quick start (\"quick start\", \"getting started\")",
    "api_reference": "an API reference",
    "tutorials": "tutorials, examples, guides or a cookbook",
    "navigation": "navigation depth: `{w} × log(1+n) / log(1+max(n, {cap}))`, where n is the number of "
                  "links in the docs pages' navigation, sidebars and tables of contents (HTML pages only)",
}
COMMUNITY_LABELS = {
    "chat": ("chat: Discord or Slack (WeChat is recorded, not counted)", "`sns`"),
    "forum": ("forum: a dedicated community forum (Discourse, a vendor forum site); not GitHub Discussions "
              "nor Reddit", "`forum`"),
    "meetup": ("meetups or events (meetup.com, lu.ma, Eventbrite, `events.` sites, a meetup or office-hours "
               "heading, a mention of a meetup)", "`meetup`"),
    "twitter": ("X/Twitter", ""),
}
ACTIVITY_LABELS = {
    "contributors": "contributors",
    "commits_90d": "commits in the last 90 days",
    "releases": "releases (count)",
    "stars_growth_30d": "stars gained over 30 days: the latest stars minus those of the `repo_stats` row "
                        "closest to 30 days old (at least 7 days old), scaled to 30 days; null with less "
                        "than a week of history",
    "median_first_response_hours": "median hours to first response on issues of the last 90 days; lower "
                                    "is better: `s = 1 − log(1+h) / log(1+max(h, cap))`",
}
INSTALL_LABELS = {
    "pip": "pip", "conda": "conda", "docker": "Docker", "homebrew": "Homebrew", "apt": "APT",
    "binary": "prebuilt binaries", "source": "a source build",
}


class Undescribed(LookupError):
    """The code has a key that the generator has no description for."""


def _describe(labels: dict, key: str, where: str):
    if key not in labels:
        raise Undescribed(f"{where} has {key!r}, which tests/test_docs.py does not describe: "
                          f"add it to the descriptions there, then run python -m tests.test_docs --write")
    return labels[key]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:g}"


def block_scores_ease_of_use() -> str:
    scoring = DEFAULTS["scoring"]
    rows = [[f"`scoring.{key}`", _num(scoring[key]), _describe(EASE_PARTS, key, "DEFAULTS['scoring']")]
            for key in scoring if key.endswith("_weight")]
    return _table(["setting", "default", "part"], rows)


def block_scores_docs() -> str:
    from classifier.scoring import DOCS_LEVELS, DOCS_PARTS, NAV_CAP

    rows = []
    for key, weight in DOCS_PARTS.items():
        label = _describe(DOCS_LABELS, key, "classifier/scoring.py DOCS_PARTS")
        if key == "navigation":
            rows.append([label.format(w=f"{weight:.2f}", cap=NAV_CAP), f"up to {weight:.2f}"])
        else:
            rows.append([label, f"{weight:.2f}"])
    levels = sorted(DOCS_LEVELS)
    cuts = [f"`{levels[0][1]}` below {_num(levels[1][0])}"] + [f"`{name}` from {_num(floor)}"
                                                               for floor, name in levels[1:]]
    return (_table(["component", "points"], rows) + "\n\n"
            f"`docs_level` is derived from `docs_score`: {', '.join(cuts[:-1])} and {cuts[-1]}.")


def block_scores_community() -> str:
    from classifier.scoring import COMMUNITY_PARTS

    rows = []
    for key, weight in COMMUNITY_PARTS.items():
        label, column = _describe(COMMUNITY_LABELS, key, "classifier/scoring.py COMMUNITY_PARTS")
        rows.append([label, f"{weight:.2f}", column])
    return _table(["channel", "points", "column"], rows)


def block_scores_activity() -> str:
    from classifier.scoring import ACTIVITY_WEIGHTS, CAP_SETTINGS

    rows = []
    for key, weight in ACTIVITY_WEIGHTS.items():
        setting = CAP_SETTINGS[key]
        rows.append([_describe(ACTIVITY_LABELS, key, "classifier/scoring.py ACTIVITY_WEIGHTS"), _num(weight),
                     f"`scoring.{setting}`", _num(DEFAULTS["scoring"][setting])])
    return _table(["signal", "weight", "cap setting", "default"], rows)


def block_scores_deployment() -> str:
    from catalogue.vocabulary import INSTALL_METHODS
    from classifier.scoring import Weights, deployment_part

    scoring = DEFAULTS["scoring"]
    rows = [[_describe(INSTALL_LABELS, m, "catalogue/vocabulary.py INSTALL_METHODS"), f"`scoring.install_{m}`",
             _num(scoring[f"install_{m}"])] for m in INSTALL_METHODS]
    rows.append(["each further method (breadth bonus)", "`scoring.install_breadth_bonus`",
                 _num(scoring["install_breadth_bonus"])])
    example = [m for m in ("pip", "docker", "source") if m in INSTALL_METHODS]
    weights = Weights.from_config()
    score, _ = deployment_part({"install": {m: True for m in example}}, weights)
    best = max(weights.install[m] for m in example)
    names = " + ".join(INSTALL_LABELS[m] for m in example)
    return (_table(["install method", "setting", "default"], rows) + "\n\n"
            f"For example, {names} gives `min(100, {_num(best)} + {len(example) - 1} × "
            f"{_num(weights.breadth_bonus)}) = {_num(score)}`.")


def block_categories() -> str:
    from catalogue.vocabulary import VOCABULARY, slug

    rows = [[f"`{c.id}`", c.heading, ", ".join(c.heading_aliases) or "", f"`techniques-{slug(c.id)}`",
             str(len(c.techniques))] for c in VOCABULARY]
    return _table(["category", "heading", "other spellings", "region", "built-in techniques"], rows)


GENERATORS: dict[str, Callable[[], str]] = {
    "scores-ease-of-use": block_scores_ease_of_use,
    "scores-docs": block_scores_docs,
    "scores-community": block_scores_community,
    "scores-activity": block_scores_activity,
    "scores-deployment": block_scores_deployment,
    "categories": block_categories,
}
_BEGIN = re.compile(r"^<!-- begin generated: ([a-z0-9-]+)\b.*-->[ \t]*$")
_END = "<!-- end generated: {} -->"


def _generated(name: str, generators: dict[str, Callable[[], str]]) -> str:
    return "\n" + generators[name]() + "\n"


def generated_blocks(text: str) -> tuple[list[tuple[str, int, int]], list[str]]:
    """(name, first content line, end marker line) of each generated block, and problems
    with the markers themselves."""
    lines = text.split("\n")
    blocks, problems = [], []
    i = 0
    while i < len(lines):
        m = _BEGIN.match(lines[i])
        if m:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == _END.format(m.group(1))), None)
            if end is None:
                problems.append(f"generated block {m.group(1)!r} at line {i + 1} has no "
                                f"'{_END.format(m.group(1))}' line")
                i += 1
                continue
            blocks.append((m.group(1), i + 1, end))
            i = end
        i += 1
    return blocks, problems


def block_problems(text: str, where: str, generators: dict[str, Callable[[], str]] | None = None) -> list[str]:
    generators = GENERATORS if generators is None else generators
    blocks, problems = generated_blocks(text)
    lines = text.split("\n")
    for name, first, end in blocks:
        if name not in generators:
            problems.append(f"{where}: generated block {name!r} is unknown (known: {', '.join(generators)})")
            continue
        try:
            expected = _generated(name, generators)
        except Undescribed as exc:
            problems.append(str(exc))
            continue
        if "\n".join(lines[first:end]) != expected:
            problems.append(f"{where}: generated block {name!r} (line {first}) differs from what the code gives: "
                            f"run python -m tests.test_docs --write")
    return problems


def write_blocks(text: str, generators: dict[str, Callable[[], str]] | None = None) -> str:
    generators = GENERATORS if generators is None else generators
    blocks, problems = generated_blocks(text)
    if problems:
        raise SystemExit("\n".join(problems))
    lines = text.split("\n")
    for name, first, end in reversed(blocks):
        if name in generators:
            lines[first:end] = _generated(name, generators).split("\n")
    return "\n".join(lines)


# --- the checks --------------------------------------------------------------------------

def command_problems(text: str) -> list[str]:
    lines = text.split("\n")
    by_path: dict[tuple[str, ...], list[str]] = {}
    for sec in sections(text):
        for path in command_path_of(sec.heading):
            by_path.setdefault(path, []).append("\n".join(lines[sec.start:sec.end]))
    problems = []
    for path, command in commands():
        bodies = by_path.get(path)
        if not bodies:
            problems.append(f"docs/commands.md does not mention {_label(path)}: add a section headed "
                            f"like '## {_label(path)}'")
            continue
        for name in option_names(command):
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            if not any(pattern.search(body) for body in bodies):
                problems.append(f"docs/commands.md does not mention option {name} of {_label(path)} "
                                f"(in its section)")
    return problems


def readme_command_problems(text: str) -> list[str]:
    """The README's command list names every command (a code span `curator COMMAND ...`)."""
    named = [tuple(span.split()[1:]) for span in code_spans(text) if span.split()[:1] == ["curator"]]
    return [f"README does not name {_label(path)} in its list of commands"
            for path, _ in commands() if path and not any(words[:len(path)] == path for words in named)]


def _defaults_block(text: str) -> tuple[dict | None, list[str]]:
    """The toml block that covers every section of DEFAULTS, parsed."""
    candidates = []
    for content, line in fenced_blocks(text, "toml"):
        try:
            parsed = tomllib.loads(content)
        except tomllib.TOMLDecodeError as exc:
            return None, [f"docs/settings.md's toml block at line {line + 1} is not valid TOML: {exc}"]
        candidates.append(parsed)
    full = [c for c in candidates if set(DEFAULTS) <= set(c)]
    if not full:
        return None, ["docs/settings.md has no ```toml block listing every section of curator.toml "
                      f"({', '.join(DEFAULTS)}) with its defaults"]
    return full[0], []


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def config_problems(text: str) -> list[str]:
    block, problems = _defaults_block(text)
    if block is None:
        return problems
    for section, keys in DEFAULTS.items():
        for key, default in keys.items():
            if key not in block.get(section, {}):
                problems.append(f"docs/settings.md does not mention setting {section}.{key} "
                                f"(key {key!r} in [{section}] of curator.toml)")
            elif not _same(block[section][key], default):
                problems.append(f"docs/settings.md gives {section}.{key} = {block[section][key]!r} as the default; "
                                f"catalogue/settings.py DEFAULTS has {default!r}")
    for section, keys in block.items():
        for key in keys if isinstance(keys, dict) else ():
            if key not in DEFAULTS.get(section, {}):
                problems.append(f"docs/settings.md documents setting {section}.{key}, "
                                "which catalogue/settings.py does not have")
    return problems


def toml_problems(text: str, where: str) -> list[str]:
    """Every ```toml block is a settings file curator accepts."""
    problems = []
    for content, line in fenced_blocks(text, "toml"):
        try:
            merge(tomllib.loads(content), where)
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            problems.append(f"{where}: the toml block at line {line + 1} is not a valid settings file: {exc}")
    return problems


def table_default_problems(text: str, where: str = "docs") -> list[str]:
    """Rows of tables with a 'default' column that name a setting must give its default."""
    problems = []
    for table in tables(text):
        header = [h.lower() for h in table[0]]
        if "default" not in header:
            continue
        col = header.index("default")
        for row in table[1:]:
            match = next((m for m in map(_SETTING.match, row) if m and m.group(1) in DEFAULTS), None)
            if not match or col >= len(row):
                continue
            section, key = match.groups()
            if key not in DEFAULTS[section]:
                problems.append(f"{where}: a table names setting {section}.{key}, "
                                "which catalogue/settings.py does not have")
                continue
            try:
                value = tomllib.loads(f"v = {row[col].strip('`')}")["v"]
            except tomllib.TOMLDecodeError:
                value = row[col]
            if not _same(value, DEFAULTS[section][key]):
                problems.append(f"{where}: a table gives {section}.{key} default {row[col]}; "
                                f"catalogue/settings.py DEFAULTS has {DEFAULTS[section][key]!r}")
    return problems


def environment_variables() -> dict[str, str]:
    """Variables the product's code reads or sets: name -> first file that does."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for name in _ENV_READ.findall(source) + _ENV_NAME.findall(source):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def environment_problems(text: str, variables: dict[str, str]) -> list[str]:
    return [f"docs/ does not mention environment variable {name} (used in {where})"
            for name, where in sorted(variables.items())
            if not re.search(rf"(?<![\w]){name}(?![\w])", text)]


def database_names() -> list[str]:
    """The tables and views of a new database, without SQLite's and FTS's own."""
    from db import open_db

    db = open_db(None)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
    fts = {n for n in names if any(n == f"{t}_fts" or n.startswith(f"{t}_fts_") for t in names)}
    return sorted(n for n in names if not n.startswith("sqlite_") and n not in fts)


def dataset_problems(text: str, names: list[str]) -> list[str]:
    spans = set(code_spans(text))
    return [f"docs/dataset.md does not describe table or view {name}" for name in names if name not in spans]


def ci_commands(run_script: str) -> tuple[str | None, str | None]:
    """The install and test commands of .ci/run: the first command after each marker."""
    found: dict[str, str | None] = {INSTALL_MARK: None, TEST_MARK: None}
    lines = run_script.splitlines()
    for i, line in enumerate(lines):
        if line.strip() in found:
            found[line.strip()] = next((rest.strip() for rest in lines[i + 1:]
                                        if rest.strip() and not rest.strip().startswith("#")), None)
    return found[INSTALL_MARK], found[TEST_MARK]


def install_test_problems(text: str, run_script: str) -> list[str]:
    install, test = ci_commands(run_script)
    problems = []
    if install is None or test is None:
        return [f".ci/run lacks the lines {INSTALL_MARK!r} / {TEST_MARK!r} followed by the commands"]
    blocks = fenced_blocks(text)
    if not blocks:
        return ["README has no code block: the install and test commands must come first"]
    first = [line.strip() for line in blocks[0][0].splitlines() if line.strip()]
    if first != [install, test]:
        problems.append(f"README's first code block must be exactly the install and test commands of "
                        f".ci/run, {install!r} and {test!r}; it is {first!r}")
    return problems


def size_problems(text: str) -> list[str]:
    size = len(text.encode("utf-8"))
    if size > README_MAX_BYTES:
        return [f"README.md is {size:,} bytes, more than {README_MAX_BYTES:,}: move reference text to docs/"]
    return []


def link_problems(path: Path, text: str) -> list[str]:
    """Relative links of ``path`` that point to no file, or to no heading of a Markdown file."""
    problems = []
    for href in links(text):
        if _SCHEME.match(href):
            continue
        target, _, anchor = href.partition("#")
        if not target:
            if unquote(anchor).lower() not in anchors(text):
                problems.append(f"{_rel(path)}: link {href!r}: no heading of this file has that anchor")
            continue
        dest = (path.parent / unquote(target)).resolve()
        if not dest.exists():
            problems.append(f"{_rel(path)}: link {href!r} points to {_rel(dest)}, which does not exist")
            continue
        if anchor and dest.suffix == ".md" and dest.is_file():
            if unquote(anchor).lower() not in anchors(dest.read_text(encoding="utf-8")):
                problems.append(f"{_rel(path)}: link {href!r}: {_rel(dest)} has no heading with anchor #{anchor}")
    return problems


# --- the tests ---------------------------------------------------------------------------

def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def readme() -> str:
    return _read(README)


@pytest.fixture(scope="module")
def commands_doc() -> str:
    return _read(COMMANDS_DOC)


@pytest.fixture(scope="module")
def settings_doc() -> str:
    return _read(SETTINGS_DOC)


@pytest.fixture(scope="module")
def scores_doc() -> str:
    return _read(DOCS / "scores.md")


def test_every_command_and_option_is_documented(commands_doc):
    problems = command_problems(commands_doc)
    assert not problems, "\n".join(problems)


def test_the_readme_names_every_command(readme):
    problems = readme_command_problems(readme)
    assert not problems, "\n".join(problems)


def test_every_setting_is_documented_with_its_default(settings_doc):
    problems = config_problems(settings_doc)
    assert not problems, "\n".join(problems)


def test_setting_tables_give_the_real_defaults():
    problems = [p for path in doc_files() for p in table_default_problems(_read(path), _rel(path))]
    assert not problems, "\n".join(problems)


def test_every_toml_block_is_a_valid_config():
    problems = [p for path in doc_files() for p in toml_problems(_read(path), _rel(path))]
    assert not problems, "\n".join(problems)


def test_every_environment_variable_is_documented():
    variables = environment_variables()
    assert {"CURATOR_DB", "GITHUB_TOKEN", "CURATOR_ARXIV_API_URL", "CURATOR_GITHUB_API_URL"} <= set(variables)
    docs = "\n".join(_read(path) for path in sorted(DOCS.rglob("*.md")))
    problems = environment_problems(docs, variables)
    assert not problems, "\n".join(problems)


def test_every_table_and_view_is_described():
    names = database_names()
    assert {"papers", "runs", "engine_overview"} <= set(names)
    problems = dataset_problems(_read(DATASET_DOC), names)
    assert not problems, "\n".join(problems)


def test_generated_blocks_are_current():
    found = {name for path in doc_files() for name, _, _ in generated_blocks(_read(path))[0]}
    assert found == set(GENERATORS), f"generated blocks in the docs: {sorted(found)}"
    problems = [p for path in doc_files() for p in block_problems(_read(path), _rel(path))]
    assert not problems, "\n".join(problems)


def test_install_and_test_commands_are_those_of_ci(readme):
    problems = install_test_problems(readme, _read(CI_RUN))
    assert not problems, "\n".join(problems)


def test_the_readme_stays_short(readme):
    problems = size_problems(readme)
    assert not problems, "\n".join(problems)


def test_relative_links_point_to_files_and_headings():
    problems = [p for path in doc_files() for p in link_problems(path, _read(path))]
    assert not problems, "\n".join(problems)


# --- the checks do fail --------------------------------------------------------------------

def _without_word(text: str, word: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", "", text)


def test_a_missing_option_is_reported(commands_doc):
    problems = command_problems(_without_word(commands_doc, "--check"))
    assert "docs/commands.md does not mention option --check of `curator render` (in its section)" in problems


def test_a_missing_command_is_reported(commands_doc, readme):
    broken = "\n".join(line for line in commands_doc.split("\n") if not line.startswith("## `curator score`"))
    assert any(p.startswith("docs/commands.md does not mention `curator score`") for p in command_problems(broken))
    short = "\n".join(line for line in readme.split("\n") if "`curator score`" not in line)
    assert readme_command_problems(short) == ["README does not name `curator score` in its list of commands"]


def test_a_missing_or_wrong_setting_is_reported(settings_doc, scores_doc):
    broken = re.sub(r"(?m)^docs_weight = 0\.4$", "", settings_doc)
    assert ("docs/settings.md does not mention setting scoring.docs_weight (key 'docs_weight' in [scoring] "
            "of curator.toml)" in config_problems(broken))
    wrong = re.sub(r"(?m)^page_size = 500( .*)?$", "page_size = 400", settings_doc)
    assert any(p.startswith("docs/settings.md gives arxiv.page_size = 400") for p in config_problems(wrong))
    table = re.sub(r"(\| `scoring\.install_pip` \| )70 \|", r"\g<1>75 |", scores_doc)
    assert table != scores_doc
    assert any("scoring.install_pip default 75" in p for p in table_default_problems(table))
    cap = re.sub(r"(\| `scoring\.releases_cap` \| )100 \|", r"\g<1>50 |", scores_doc)
    assert cap != scores_doc
    assert any("scoring.releases_cap default 50" in p for p in table_default_problems(cap))
    assert toml_problems("```toml\n[scoring]\ndocs_weight = 'high'\n```\n", "x.md")


def test_a_missing_environment_variable_is_reported():
    problems = environment_problems("no variables here", {"CURATOR_NEW_SETTING": "curator/x.py"})
    assert problems == ["docs/ does not mention environment variable CURATOR_NEW_SETTING (used in curator/x.py)"]


def test_a_missing_table_is_reported():
    assert dataset_problems("`papers` only", ["papers", "runs"]) == ["docs/dataset.md does not describe table or view runs"]


def test_changed_ci_commands_are_reported(readme):
    script = _read(CI_RUN).replace("python -m pytest -q", "python -m pytest -q -x")
    assert install_test_problems(readme, script)
    assert install_test_problems(readme, "#!/bin/sh\n")


def test_a_long_readme_is_reported(readme):
    assert size_problems(readme + "x" * README_MAX_BYTES)


def test_broken_links_are_reported():
    where = DOCS / "example.md"
    text = ("[a](commands.md#curator-score) [b](nowhere.md) [c](commands.md#no-such-heading) "
            "[d](#local) [e](https://example.com/x.md) [f](architecture.md) [g](#elsewhere)\n\n## Local\n")
    assert link_problems(where, text) == [
        "docs/example.md: link 'nowhere.md' points to docs/nowhere.md, which does not exist",
        "docs/example.md: link 'commands.md#no-such-heading': docs/commands.md has no heading with anchor #no-such-heading",
        "docs/example.md: link '#elsewhere': no heading of this file has that anchor",
    ]
    assert "first-run-curator-demo" in anchors(_read(README))


def test_a_stale_generated_block_is_reported(scores_doc, monkeypatch):
    assert not block_problems(scores_doc, "docs/scores.md")
    stale = re.sub(r"(\| an API reference \| )0\.20 \|", r"\g<1>0.25 |", scores_doc)
    assert stale != scores_doc
    assert any("'scores-docs'" in p for p in block_problems(stale, "docs/scores.md"))
    assert write_blocks(stale) == scores_doc

    import classifier.scoring

    monkeypatch.setitem(classifier.scoring.DOCS_PARTS, "api_reference", 0.25)
    assert any("'scores-docs'" in p for p in block_problems(scores_doc, "docs/scores.md"))
    monkeypatch.setitem(classifier.scoring.COMMUNITY_PARTS, "mailing_list", 0.1)
    assert any("'mailing_list'" in p for p in block_problems(scores_doc, "docs/scores.md"))


def test_broken_block_markers_are_reported():
    text = "<!-- begin generated: categories (x) -->\n| a |\n"
    assert generated_blocks(text)[1]
    unknown = "<!-- begin generated: nothing -->\n<!-- end generated: nothing -->\n"
    assert any("unknown" in p for p in block_problems(unknown, "x.md"))


# --- regenerating --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.test_docs",
                                     description="Check or rewrite the generated blocks of README.md and docs/.")
    parser.add_argument("--write", action="store_true", help="rewrite the generated blocks from the code")
    args = parser.parse_args(argv)
    status = 0
    for path in doc_files():
        text = _read(path)
        if args.write:
            new = write_blocks(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {_rel(path)}")
        else:
            for problem in block_problems(text, _rel(path)):
                print(problem, file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
