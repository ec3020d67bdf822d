"""README.md stays true to the code.

- every command and sub-command registered in the click group has a section (a heading
  with `curator COMMAND` in code), and every option of it appears in that section;
- every setting of ``catalogue.settings.DEFAULTS`` appears in the README's full ``toml``
  block with its default value, and any table row that gives a setting's default agrees;
- every environment variable the product's code reads is named;
- the install and test commands near the top are exactly the ones ``.ci/run`` runs.

Each check is a function that returns a list of problems; the tests assert the list is
empty, and the last tests feed broken text to the checks to show they do fail.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt

from curator.cli import cli
from catalogue.settings import DEFAULTS, merge

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
PACKAGES = ("curator", "crawler", "classifier", "db", "reports")
_ENV_READ = re.compile(r"""(?:environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]|getenv\(|envvar=)\s*["']([A-Z][A-Z0-9_]+)["']""")
INSTALL_MARK = "# --- README: install ---"
TEST_MARK = "# --- README: test ---"
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_SETTING = re.compile(r"^`?([a-z_]+)\.([a-z_0-9]+)`?$")


# --- reading the README ----------------------------------------------------------------

@dataclass
class Section:
    heading: str           # the heading's inline text
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
    """Command paths named by a heading's code spans: `curator crawl arxiv` -> ("crawl", "arxiv")."""
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


# --- the CLI ---------------------------------------------------------------------------

def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    """(path, command) for the group itself and every command under it, depth first."""
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
            problems.append(f"README does not mention {_label(path)}: add a section headed "
                            f"like '### {_label(path)}'")
            continue
        for name in option_names(command):
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            if not any(pattern.search(body) for body in bodies):
                problems.append(f"README does not mention option {name} of {_label(path)} "
                                f"(in its section)")
    return problems


def _defaults_block(text: str) -> tuple[dict | None, list[str]]:
    """The toml block that covers every section of DEFAULTS, parsed."""
    candidates = []
    for content, line in fenced_blocks(text, "toml"):
        try:
            parsed = tomllib.loads(content)
        except tomllib.TOMLDecodeError as exc:
            return None, [f"README's toml block at line {line + 1} is not valid TOML: {exc}"]
        candidates.append(parsed)
    full = [c for c in candidates if set(DEFAULTS) <= set(c)]
    if not full:
        return None, ["README has no ```toml block listing every section of curator.toml "
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
                problems.append(f"README does not mention setting {section}.{key} "
                                f"(key {key!r} in [{section}] of curator.toml)")
            elif not _same(block[section][key], default):
                problems.append(f"README gives {section}.{key} = {block[section][key]!r} as the default; "
                                f"catalogue/settings.py DEFAULTS has {default!r}")
    for section, keys in block.items():
        for key in keys if isinstance(keys, dict) else ():
            if key not in DEFAULTS.get(section, {}):
                problems.append(f"README documents setting {section}.{key}, which catalogue/settings.py does not have")
    return problems


def table_default_problems(text: str) -> list[str]:
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
                problems.append(f"README's table names setting {section}.{key}, which catalogue/settings.py does not have")
                continue
            try:
                value = tomllib.loads(f"v = {row[col].strip('`')}")["v"]
            except tomllib.TOMLDecodeError:
                value = row[col]
            if not _same(value, DEFAULTS[section][key]):
                problems.append(f"README's table gives {section}.{key} default {row[col]}; "
                                f"catalogue/settings.py DEFAULTS has {DEFAULTS[section][key]!r}")
    return problems


def environment_variables() -> dict[str, str]:
    """Variables the product's code reads or sets: name -> first file that does."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _ENV_READ.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def environment_problems(text: str, variables: dict[str, str]) -> list[str]:
    return [f"README does not mention environment variable {name} (used in {where})"
            for name, where in sorted(variables.items())
            if not re.search(rf"(?<![\w]){name}(?![\w])", text)]


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


# --- the tests ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_every_command_and_option_is_documented(readme):
    problems = command_problems(readme)
    assert not problems, "\n".join(problems)


def test_every_setting_is_documented_with_its_default(readme):
    problems = config_problems(readme)
    assert not problems, "\n".join(problems)


def test_setting_tables_give_the_real_defaults(readme):
    problems = table_default_problems(readme)
    assert not problems, "\n".join(problems)


def test_documented_settings_are_a_valid_config(readme):
    block, problems = _defaults_block(readme)
    assert block is not None, problems
    merge(block, "README.md")


def test_every_environment_variable_is_documented(readme):
    variables = environment_variables()
    assert {"CURATOR_DB", "GITHUB_TOKEN", "CURATOR_ARXIV_API_URL", "CURATOR_GITHUB_API_URL"} <= set(variables)
    problems = environment_problems(readme, variables)
    assert not problems, "\n".join(problems)


def test_install_and_test_commands_are_those_of_ci(readme):
    problems = install_test_problems(readme, CI_RUN.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


# --- the checks do fail --------------------------------------------------------------------

def _without_word(text: str, word: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", "", text)


def test_a_missing_option_is_reported(readme):
    problems = command_problems(_without_word(readme, "--check"))
    assert "README does not mention option --check of `curator render` (in its section)" in problems


def test_a_missing_command_is_reported(readme):
    broken = "\n".join(line for line in readme.split("\n") if not line.startswith("### `curator score`"))
    assert any(p.startswith("README does not mention `curator score`") for p in command_problems(broken))


def test_a_missing_or_wrong_setting_is_reported(readme):
    broken = re.sub(r"(?m)^docs_weight = 0\.4$", "", readme)
    assert ("README does not mention setting scoring.docs_weight (key 'docs_weight' in [scoring] of curator.toml)"
            in config_problems(broken))
    wrong = re.sub(r"(?m)^page_size = 500( .*)?$", "page_size = 400", readme)
    assert any(p.startswith("README gives arxiv.page_size = 400") for p in config_problems(wrong))
    table = readme.replace("| `scoring.install_pip` | 70 |", "| `scoring.install_pip` | 75 |")
    assert any("scoring.install_pip default 75" in p for p in table_default_problems(table))
    cap = readme.replace("| `scoring.releases_cap` | 100 |", "| `scoring.releases_cap` | 50 |")
    assert any("scoring.releases_cap default 50" in p for p in table_default_problems(cap))


def test_a_missing_environment_variable_is_reported(readme):
    problems = environment_problems(readme, {"CURATOR_NEW_SETTING": "curator/x.py"})
    assert problems == ["README does not mention environment variable CURATOR_NEW_SETTING (used in curator/x.py)"]


def test_changed_ci_commands_are_reported(readme):
    script = CI_RUN.read_text(encoding="utf-8").replace("python -m pytest -q", "python -m pytest -q -x")
    assert install_test_problems(readme, script)
    assert install_test_problems(readme, "#!/bin/sh\n")
