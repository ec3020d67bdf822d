"""Rewrite the generated regions of the list, and nothing else.

``render_text(text, db, config) -> (new_text, notes)`` fills every registered
region (see ``reports.regions``): regions already marked in the text are
re-rendered in place; missing ones are inserted at the end of the section
their heading opens (noted in ``notes``). Bytes outside the markers never
change, so a second run gives the same text. ``render_file`` does the same on
a file, writing atomically (temp file in the same directory, then rename).

This module's own regions: ``comparison`` (every listed engine, columns blank
until crawled) under "Comparison Table", and ``techniques-<category>`` under
each category's heading (or "Optimization Techniques" when the list has none),
showing the techniques the list's hand-written tables do not already show.
"""
from __future__ import annotations

import codecs
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from catalogue.vocabulary import CATEGORIES
from catalogue.errors import BadInput, RunFailed
from db import catalogue
from catalogue import vocabulary
from reports import escape, listparse, regions
from reports.regions import Context, RegionSpec

log = logging.getLogger(__name__)

COMPARISON_COLUMNS = ("Engine", "Kind", "Stars", "Δ stars", "Last release", "Licence", "Ease-of-Use",
                      "Docs", "SNS", "Forum", "Meetup", "Ease-of-Deployment")
KIND_LABELS = {"open_source": "open source", "gateway": "gateway", "commercial": "commercial", "other": "other"}


# --- this module's regions -----------------------------------------------------------

def _flag(v: Any) -> str:
    return "" if v is None else ("✅" if v else "❌")


def _num(v: Any) -> str:
    if v is None:
        return ""
    return f"{v:,}" if isinstance(v, int) else f"{v:.2f}"


def _delta(v: int | None) -> str:
    return "" if v is None else f"{v:+,}"


def _engine_url(r: dict[str, Any]) -> str | None:
    return f"https://github.com/{r['repo']}" if r["repo"] else r["homepage"]


def comparison(db, config) -> str:
    """The engine comparison table: every engine in the list, one row each."""
    rows = catalogue.engine_table(db)
    if not rows:
        return "_No engines imported yet: run `curator import-list` on this list._"
    lines = ["| " + " | ".join(COMPARISON_COLUMNS) + " |", "|" + "---|" * len(COMPARISON_COLUMNS)]
    for r in rows:
        release = escape.cell(r["latest_release"] or "", 60)
        if release and r["latest_release_date"]:
            release += f" ({escape.cell(str(r['latest_release_date'])[:10])})"
        cells = [
            escape.link(r["name"], _engine_url(r), 100),
            KIND_LABELS.get(r["kind"], escape.cell(r["kind"])),
            _num(r["stars"]), _delta(r["stars_delta"]), release,
            escape.cell(r["license"] or "", 40), _num(r["ease_of_use"]), escape.cell(r["docs_level"] or "", 40),
            _flag(r["sns"]), _flag(r["forum"]), _flag(r["meetup"]), _num(r["ease_of_deployment"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def techniques_region(category: str):
    """The region function for one category's techniques and references."""
    def region(db, config, ctx: Context) -> str:
        shown = ctx.doc.shown_techniques(category)
        rows = [t for t in catalogue.techniques(db, category) if vocabulary.technique_key(t["name"]) not in shown]
        head = [] if ctx.home else [f"**{vocabulary.HEADINGS[category]}**", ""]
        if not rows:
            msg = ("_Every technique curator knows in this category is in the table above._" if shown
                   else "_No techniques in the database yet: run `curator import-list` on this list._")
            return "\n".join(head + [msg])
        lines = head + ["| Technique | Description | References |", "|---|---|---|"]
        for t in rows:
            refs = ", ".join(escape.link(r["label"] or r["arxiv_id"] or r["url"], r["url"], 120) for r in t["refs"])
            lines.append(f"| {escape.cell(t['name'], 120)} | {escape.cell(t['description'] or '')} | {refs} |")
        return "\n".join(lines)
    region.__name__ = f"techniques_{category}"
    return region


regions.register("comparison", "Comparison Table", comparison, required=True)
for _cat in CATEGORIES:
    regions.register(f"techniques-{vocabulary.slug(_cat)}", vocabulary.HEADINGS[_cat], techniques_region(_cat),
                     fallback="Optimization Techniques", context=True, required=True)

# The regions about papers, candidate engines and the chart register themselves on import.
from reports import paper_regions  # noqa: E402,F401


# --- rendering -------------------------------------------------------------------------

def _split(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as markdown-it counts lines)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _content(spec: RegionSpec, db, config, ctx: Context) -> list[str]:
    out = spec.fn(db, config, ctx) if spec.context else spec.fn(db, config)
    return str(out).strip("\n").split("\n")


def _section_at(doc, line: int):
    found = None
    for s in doc.sections:
        if s.line < line:
            found = s
    return found


def _target(spec: RegionSpec, doc) -> tuple[Any, bool] | None:
    for n, h in enumerate(spec.headings()):
        key = vocabulary.heading_key(h)
        for s in doc.sections:
            if vocabulary.heading_key(s.text) == key:
                return s, n == 0
    return None


def _body_end(doc, sec, lines: list[str]) -> int:
    """Line index where new regions go: after the section's own content, before trailing blanks."""
    nxt = [s.line for s in doc.sections if s.line > sec.line]
    end = min(nxt) if nxt else len(lines)
    while end - 1 > sec.line and not lines[end - 1].strip():
        end -= 1
    return end


def render_text(text: str, db, config) -> tuple[str, list[str]]:
    """The list with every registered region rendered; notes say what was inserted or skipped."""
    marked = regions.find_regions(text)
    doc = listparse.parse(text)
    lines = _split(text)
    nl = "\r\n" if "\r\n" in text else "\n"
    notes: list[str] = []
    present = {m.name for m in marked}
    replace: dict[int, tuple[int, list[str]]] = {}
    for m in marked:
        spec = regions.get(m.name)
        if spec is None:
            notes.append(f"line {m.begin + 1}: region {m.name} is not known to curator; left as it is")
            continue
        sec = _section_at(doc, m.begin)
        home = sec is not None and vocabulary.heading_key(sec.text) == vocabulary.heading_key(spec.heading)
        ctx = Context(doc, sec.text if sec else "", home)
        replace[m.begin] = (m.end, _content(spec, db, config, ctx))
    inserts: dict[int, list[str]] = {}
    for spec in regions.registered():
        if spec.name in present:
            continue
        found = _target(spec, doc)
        if found is None:
            msg = " or ".join(repr(h) for h in spec.headings())
            msg = f"no heading {msg} in the list for region {spec.name}"
            if spec.required and not marked:
                raise BadInput(msg)
            notes.append(msg + "; not added")
            continue
        sec, home = found
        at = _body_end(doc, sec, lines)
        block = ["", regions.begin_line(spec.name), "", *_content(spec, db, config, Context(doc, sec.text, home)),
                 "", regions.end_line(spec.name)]
        inserts.setdefault(at, []).extend(block)
        notes.append(f"inserted region {spec.name} under heading {sec.text!r} (line {sec.line + 1})")
    result = _assemble(lines, replace, inserts, nl)
    _check_markers(result, present | {s.name for s in regions.registered()})
    for note in notes:
        log.debug("%s", note)
    return result, notes


def _check_markers(result: str, names: set[str]) -> None:
    """A region function must never emit marker text; refuse to write a list that would break."""
    try:
        found = regions.find_regions(result)
    except BadInput as exc:
        raise RunFailed(f"rendering produced broken markers ({exc}); the list was not changed") from None
    extra = {m.name for m in found} - names
    if extra:
        raise RunFailed(f"rendering produced unexpected region markers {sorted(extra)}; the list was not changed")


def _assemble(lines: list[str], replace: dict[int, tuple[int, list[str]]],
              inserts: dict[int, list[str]], nl: str) -> str:
    out: list[str] = []
    i = 0
    if lines and len(lines) in inserts and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + nl]
    while i <= len(lines):
        if i in inserts:
            out.extend(x + nl for x in inserts[i])
            if i < len(lines) and lines[i].strip():
                out.append(nl)
        if i == len(lines):
            break
        if i in replace:
            end, content = replace[i]
            out.append(lines[i])
            out.extend(x + nl for x in ["", *content, ""])
            i = end
            continue
        out.append(lines[i])
        i += 1
    return "".join(out)


def render_file(path: str | Path, db, config, check: bool = False, notes: list[str] | None = None) -> bool:
    """Render the list file in place (atomically); with ``check`` only say whether it would change."""
    p = Path(path)
    text = listparse.read_list(p)
    bom = p.read_bytes().startswith(codecs.BOM_UTF8)
    new_text, found = render_text(text, db, config)
    if notes is not None:
        notes.extend(found)
    if new_text == text:
        return False
    if not check:
        _write_atomic(p, (codecs.BOM_UTF8 if bom else b"") + new_text.encode("utf-8"))
    return True


def check_writable(path: Path) -> None:
    """BadInput unless ``path`` may be replaced: a read-only list file is refused
    even though its folder would let the rename through."""
    if not os.access(path, os.W_OK):
        raise BadInput(f"{path}: cannot write (the file is read-only)")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise BadInput(f"{path}: cannot write (its folder {path.parent} is read-only)")


def _write_atomic(path: Path, data: bytes) -> None:
    """Old bytes or new bytes, never a mix: a temporary file beside it, synced, then renamed
    over it (a kill before the rename leaves the old file and a stray ``.NAME.*.tmp``)."""
    check_writable(path)
    mode = path.stat().st_mode & 0o7777
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        _sync_folder(path.parent)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise BadInput(f"{path}: cannot write ({exc.strerror or exc})") from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can sync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
