"""Rewrite the generated regions of the list, and add the update's papers to its tables.

``render_text(text, db, config) -> (new_text, notes)`` does two things:

- fills every registered region (see ``reports.regions``): regions already
  marked in the text are re-rendered in place (or removed when their function
  has nothing to show); missing ones are inserted at the end of the section
  their heading opens, in registration order (noted in ``notes``);
- adds each paper the update adds (``reports.papers``) to the list as one
  reference, in its technique's row of a hand-written table (the row's
  References cell gains it; nothing else changes) or as a new row of that table
  (``reports.references``); papers of categories without a hand-written table
  go to the generated technique tables (``reports.technique_tables``).

Every other byte stays, so a second run gives the same text. ``render_file``
does the same on a file, writing atomically (temp file in the same directory,
then rename). Rendering a database into which no list was imported is bad
input: it would fill the list with placeholders.
"""
from __future__ import annotations

import codecs
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue import vocabulary
from catalogue.errors import BadInput, RunFailed
from db import catalogue
from reports import listparse, papers, references, regions
from reports.regions import Context, RegionSpec

log = logging.getLogger(__name__)

# The regions register themselves on import, in this order: technique tables,
# the comparison table, candidate engines and the star chart.
from reports import technique_tables  # noqa: E402
from reports import comparison  # noqa: E402,F401
from reports import engine_regions  # noqa: E402,F401
from reports import matrices  # noqa: E402,F401  (the comparison matrices from engines' docs)


@dataclass
class Update:
    """What an update does to one list: its papers, and where the added ones go."""
    doc: Any                                # reports.listparse.ListDoc
    plan: papers.Plan
    placement: references.Placement
    descriptions: dict[tuple[str, str], str]


def update_for(text: str, db, config) -> Update:
    """The update of the list ``text``: its papers judged against it, and their places."""
    if not catalogue.list_imported(db):
        raise BadInput("no list imported into this database: run `curator import-list LIST.md` first "
                       "(with the same --db)")
    doc = listparse.parse(text)
    plan = papers.build(db, config, doc)
    known = technique_tables.known_techniques(db)
    names = {cat: {key: row["name"] for key, row in rows.items()} for cat, rows in known.items()}
    placement = references.place(plan.added, doc, names)
    descriptions = {(cat, key): row["description"] or "" for cat, rows in known.items() for key, row in rows.items()}
    return Update(doc, plan, placement, descriptions)


# --- rendering -------------------------------------------------------------------------

def _split(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as markdown-it counts lines)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _content(spec: RegionSpec, db, config, ctx: Context) -> list[str] | None:
    """The region's lines, or None when it has nothing to show."""
    out = spec.fn(db, config, ctx) if spec.context else spec.fn(db, config)
    return None if out is None else str(out).strip("\n").split("\n")


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


def _insert_at(spec: RegionSpec, doc, sec, lines: list[str], marked: list[regions.Marked]) -> int:
    """Where a missing region goes in its section: before the first region of the section
    that comes later in registration order, else at the end of the section's content."""
    order = {s.name: i for i, s in enumerate(regions.registered())}
    nxt = [s.line for s in doc.sections if s.line > sec.line]
    stop = min(nxt) if nxt else len(lines)
    later = [m.begin for m in marked if sec.line < m.begin < stop and order.get(m.name, -1) > order[spec.name]]
    if later:
        at = min(later)
        while at - 1 > sec.line and not lines[at - 1].strip():
            at -= 1
        return at
    return _body_end(doc, sec, lines)


def render_text(text: str, db, config) -> tuple[str, list[str]]:
    """The list with every registered region rendered and the update's papers added;
    notes say what was inserted, removed or skipped."""
    marked = regions.find_regions(text)
    update = update_for(text, db, config)
    doc = update.doc
    lines = _split(text)
    nl = "\r\n" if "\r\n" in text else "\n"
    notes: list[str] = []
    present = {m.name for m in marked}
    edited, rows = references.line_edits(lines, doc, update.placement, {p.arxiv_id: p for p in update.plan.added},
                                         update.descriptions)
    replace: dict[int, tuple[int, list[str] | None]] = {}
    for m in marked:
        spec = regions.get(m.name)
        if spec is None:
            if regions.RETIRED.fullmatch(m.name):
                replace[m.begin] = (m.end, None)
                notes.append(f"removed region {m.name} (line {m.begin + 1}): curator no longer writes it")
            else:
                notes.append(f"line {m.begin + 1}: region {m.name} is not known to curator; left as it is")
            continue
        sec = _section_at(doc, m.begin)
        home = sec is not None and vocabulary.heading_key(sec.text) == vocabulary.heading_key(spec.heading)
        content = _content(spec, db, config, Context(doc, sec.text if sec else "", home, update.plan,
                                                     update.placement))
        replace[m.begin] = (m.end, content)
        if content is None:
            notes.append(f"removed region {m.name} (line {m.begin + 1}): nothing to show")
    inserts: dict[int, list[str]] = {}
    for spec in regions.registered():
        if spec.name in present:
            continue
        found = _target(spec, doc)
        if found is None:
            if _content(spec, db, config, Context(doc, "", False, update.plan, update.placement)) is None:
                continue  # nothing to show: no heading needed
            msg = " or ".join(repr(h) for h in spec.headings())
            msg = f"no heading {msg} in the list for region {spec.name}"
            if spec.required and not marked:
                raise BadInput(msg)
            notes.append(msg + "; not added")
            continue
        sec, home = found
        content = _content(spec, db, config, Context(doc, sec.text, home, update.plan, update.placement))
        if content is None:
            continue
        at = _insert_at(spec, doc, sec, lines, marked)
        inserts.setdefault(at, []).extend(["", regions.begin_line(spec.name), "", *content, "",
                                           regions.end_line(spec.name)])
        notes.append(f"inserted region {spec.name} under heading {sec.text!r} (line {sec.line + 1})")
    result = _assemble(lines, replace, inserts, nl, edited, rows)
    inserted = {n for block in inserts.values() for n in (m.group(1) for m in map(regions.BEGIN.match, block) if m)}
    removed = {m.name for m in marked if m.begin in replace and replace[m.begin][1] is None}
    _check_markers(result, present | {s.name for s in regions.registered()}, (present - removed) | inserted)
    for note in notes:
        log.debug("%s", note)
    return result, notes


def _check_markers(result: str, names: set[str], expected: set[str]) -> None:
    """A region function must never emit marker text, and every region rendered must read
    back as one (not swallowed by a code block); refuse to write a list that would break."""
    try:
        found = {m.name for m in regions.find_regions(result)}
    except BadInput as exc:
        raise RunFailed(f"rendering produced broken markers ({exc}); the list was not changed") from None
    extra = found - names
    if extra:
        raise RunFailed(f"rendering produced unexpected region markers {sorted(extra)}; the list was not changed")
    lost = expected - found
    if lost:
        raise BadInput(f"region {sorted(lost)[0]} would land inside a code block (is a ``` fence above it left "
                       f"open?); the list was not changed")


def _assemble(lines: list[str], replace: dict[int, tuple[int, list[str] | None]],
              inserts: dict[int, list[str]], nl: str, edited: dict[int, str] | None = None,
              rows: dict[int, list[str]] | None = None) -> str:
    """The new text: ``lines`` with regions replaced (None: removed with one blank line
    around it), blocks inserted before line indexes, edited lines, and table rows
    inserted before line indexes (ahead of any block inserted there)."""
    edited, rows = edited or {}, rows or {}
    out: list[str] = []
    i = 0
    if lines and (len(lines) in inserts or len(lines) in rows) and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + nl]
    while i <= len(lines):
        out.extend(x + nl for x in rows.get(i, []))
        if i in inserts:
            out.extend(x + nl for x in inserts[i])
            if i < len(lines) and lines[i].strip():
                out.append(nl)
        if i == len(lines):
            break
        if i in replace:
            end, content = replace[i]
            if content is None:
                i = end + 1
                if i < len(lines) and not lines[i].strip() and (not out or not out[-1].strip()):
                    i += 1
                continue
            out.append(lines[i])
            out.extend(x + nl for x in ["", *content, ""])
            i = end
            continue
        out.append(edited.get(i, lines[i]))
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
