"""What one unit of documentation says about the matrix features it names: which features
it names (and whether only inside an identifier or as a point of comparison), whether it
states, denies or plans them, what a table cell's mark is, and the headings that put a unit
out of play. Pure text work over :mod:`catalogue.features`; :mod:`classifier.features`
decides the marks with it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from catalogue.features import FEATURES, compiled

STATED, DENIED, PLANNED, EXCLUDED = "stated", "denied", "planned", "excluded"
_YES = re.compile(r"^(?:✅|✔️?|✓|☑️?|🟢|yes|y|supported|\(?x\)?)(?:\s|\*|\(|$)", re.IGNORECASE)
_NO = re.compile(r"^(?:❌|✗|✘|✖️?|🔴|⛔|no|n|not supported|unsupported)(?:\s|\*|\(|$)", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:is|are|was|were)\s+not\s+(?:yet\s+|currently\s+|officially\s+)?(?:supported|available|compatible)\b"
    r"|\b(?:isn't|aren't|wasn't|weren't)\s+(?:yet\s+|currently\s+)?(?:supported|available|compatible)\b"
    r"|\bnot\s+(?:yet\s+)?supported\b|\bunsupported\b|\bincompatible\b"
    r"|\b(?:does|do|did)\s*(?:n't|\s+not)\s+(?:yet\s+|currently\s+)?(?:support|run|work)\b"
    r"|\b(?:cannot|can't|can\s+not)\s+(?:be\s+)?(?:run|use|used|support)\b"
    r"|\bno\s+(?:native\s+|official\s+)?support\s+for\b|\blacks?\s+support\b|\bnot\s+available\b",
    re.IGNORECASE)
_SCOPED = re.compile(
    r"(?:not\s+(?:yet\s+)?supported|unsupported|not\s+available|incompatible|(?:does|do)\s*(?:n't|\s+not)\s+support)"
    r"\s+(?:with|on|for|in|by|when|if|under|together|alongside|across|combined|in\s+combination)\b"
    r"|\b(?:with|when\s+using|combined\s+with|together\s+with)\b[^.;]{0,60}\b(?:not\s+supported|unsupported)\b",
    re.IGNORECASE)
REMOVED = re.compile(r"\bno\s+longer\s+(?:supported|available)\b|\bsupport\s+(?:has\s+been|was|is)\s+"
                     r"(?:removed|dropped|discontinued)\b|\bdropped\s+support\b", re.IGNORECASE)
_PLANNED = re.compile(
    r"\bcoming\s+soon\b|\bplanned\b|\bon\s+(?:the|our)\s+roadmap\b|\bnot\s+yet\b|\bwill\s+(?:be\s+)?(?:support|add)"
    r"|\bin\s+the\s+future\b|\bwork\s+in\s+progress\b|\bupcoming\b|\b(?:todo|tbd|wip)\b|^\s*\[\s\]"
    r"|\b(?:start|begin)\s+adding\b|\bplan(?:s|ning)?\s+to\s+(?:add|support)\b|\bwould\s+like\s+to\s+add\b",
    re.IGNORECASE)
# headings over units that speak of what is not there yet, or of other projects
PLANNED_HEADING = re.compile(r"\btodos?\b|\broadmap\b|\bwish ?list\b|\bfuture\s+(?:work|plans?)\b|\bplanned\b"
                             r"|\bcoming\s+soon\b|\bupcoming\b", re.IGNORECASE)
OTHERS_HEADING = re.compile(r"\bforks?\b|\bintegrations?\b|\becosystem\b|\brelated\s+(?:projects?|work)\b"
                            r"|\bpublications?\b|\bpapers?\b"
                            r"|\backnowledg|\bcitations?\b|\breferences?\b|\bbuilt\s+with\b|\bprojects\s+using\b"
                            r"|\bwho\s+uses\b|\bbindings\b|\bports?\b|\balternatives\b|\bcommunity\s+projects?\b"
                            r"|\bthird[- ]party\b|\bsee\s+also\b|\bciting\b", re.IGNORECASE)
FEATURES_HEADING = re.compile(r"\b(?:key\s+)?features?\b|\bhighlights?\b|\bcapabilities\b|\bwhat'?s\s+supported\b"
                              r"|\bfeature\s+(?:matrix|support)\b|\bsupport\s+matrix\b", re.IGNORECASE)
SUPPORT_WORDS = re.compile(r"\bsupport(?:s|ed|ing)?\b|\bruns?\b|\benabled?\b|\bavailable\b|\bcompatible\b|"
                           r"\bworks?\b|\bbuilt[- ]in\b|\bprovides?\b|\boffers?\b", re.IGNORECASE)
# a sentence about how things were done before (other systems, history)
HISTORY = re.compile(r"^(?:in\s+the\s+past|previously|traditionally|historically|prior\s+(?:work|systems|to)|"
                     r"existing\s+(?:systems|frameworks))\b", re.IGNORECASE)
# an enumeration that says it is not complete: it names examples, not all there is
OPEN_LIST = re.compile(r"\bsuch\s+as\b|(?<!would\s)(?<!'d\s)\blike\b|\be\.\s?g\.|\bfor\s+(?:example|instance)\b"
                       r"|\bincluding\b|\betc\b|\band\s+(?:many\s+)?(?:more|others|so\s+on)\b|\bamong\s+others\b"
                       r"|\bor\s+(?:more|other)\b|\band\s+other\b", re.IGNORECASE)
_NEWS = re.compile(r"^\W*\[?20\d\d[/-]\d\d(?:[/-]\d\d)?\]?")


@lru_cache(maxsize=65536)
def names_in(text: str) -> dict[str, int]:
    """Every feature ``text`` names, with where the first mention starts (memoised: the
    same text is asked about by several rules)."""
    out = {}
    for f in FEATURES:
        m = compiled(f.key).search(text)
        if m:
            out[f.key] = m.start()
    return out


_TOKEN_EDGE = re.compile(r"[\s|,;()\[\]<>`'\"]")
IDENTIFIER_SLACK = 12   # characters an identifier may have around a feature name and still read as naming it


def only_in_identifiers(key: str, text: str) -> bool:
    """Whether every mention of the feature sits inside a longer identifier - a model or
    file name, a flag value ("zephyr-sft-bnb-4bit-DPO.jinja", "orca-mini:3b-q8_0") - which
    names a thing that has the feature, not the engine's support of it."""
    for m in compiled(key).finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and not _TOKEN_EDGE.match(text[start - 1]):
            start -= 1
        while end < len(text) and not _TOKEN_EDGE.match(text[end]):
            end += 1
        token = text[start:end].rstrip(".:!?")
        if len(token) - len(m.group(0)) <= IDENTIFIER_SLACK or not re.search(r"[-_./:]", token):
            return False
    return True


# what comes just before a mention that names the feature only as a point of comparison or as
# something else's ("2-4x speedup over BF16", "less memory than FP16", "instead of converting BF16",
# "mentions MXFP4 as an industry format"): it says nothing of the engine's support
_BASELINE_BEFORE = re.compile(
    r"(?:\b(?:speed-?ups?|faster|slower|improvements?|gains?|better|worse|reductions?|higher|lower)\s+(?:\S+\s+){0,2}"
    r"(?:over|vs\.?|versus)|\bthan|\bvs\.?|\bversus|\bcompared\s+(?:to|with)|\brelative\s+to|\binstead\s+of"
    r"(?:\s+\w+){0,2}|\brather\s+than|\bunlike|\bmentions?|\bmentioning)\s+(?:the\s+|an?\s+)?[\w-]*\W{0,2}$",
    re.IGNORECASE)


def only_as_baseline(key: str, text: str) -> bool:
    """Whether every mention of the feature in ``text`` is a point of comparison or a mere mention."""
    found = False
    for m in compiled(key).finditer(text):
        found = True
        if not _BASELINE_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
            return False
    return found


def quality(text: str) -> int:
    return (1 if SUPPORT_WORDS.search(text) else 0) - (2 if _NEWS.match(text) else 0)


def polarity(text: str, several: bool) -> str | None:
    """stated, denied or planned; None when the unit's negation is scoped or ambiguous."""
    if REMOVED.search(text):
        return None if several else DENIED
    if _PLANNED.search(text):
        return None if several else PLANNED
    if _NEGATION.search(text):
        if several or _SCOPED.search(text):
            return None
        return DENIED
    return STATED


def cell_mark(cell: str) -> str | None:
    cell = cell.strip()
    if _YES.match(cell):
        return STATED
    if _NO.match(cell):
        return DENIED
    if _PLANNED.search(cell):
        return PLANNED
    return None


class PageLike(Protocol):
    path: str
    url: str
    text: str
    date: str | None
    weak: bool
