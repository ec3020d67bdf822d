"""The one place where text from outside (titles, names, descriptions, URLs) is
made safe for the list, pull-request bodies and commit messages on GitHub.

- :func:`clean` normalises: NFC, no bidi overrides, zero-width or control
  characters, no newlines (one line, single spaces). NFC/NFD twins become equal.
- :func:`inline` escapes running text: Markdown syntax, HTML, pipes, our own
  ``curator:`` markers, and GitHub's automatic links (``@user``, ``@org/team``,
  ``#123``, ``owner/repo#12``, ``GH-1``, so closing keywords such as ``Fixes #1``
  close nothing).
- :func:`cell` is :func:`inline` for a table cell, truncated with an ellipsis.
- :func:`plain` is for plain-text places (commit messages): no Markdown
  escaping, references broken with a real zero-width space.
- :func:`safe_url` accepts only http(s) URLs and percent-encodes what would
  break a Markdown link; :func:`link` builds ``[label](url)`` (a label without
  brackets keeps its parentheses as written: nothing in it can end the link) or, for an
  unsafe URL, just the escaped label.

GitHub references are broken with a zero-width space written as the entity
``&#8203;`` right after ``@``/``#``: GitHub renders ``@&#8203;user`` as the
literal text and its mention and issue-reference filters no longer match.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
ZWSP = "&#8203;"

# bidi embeddings/overrides/isolates and marks, zero-width characters, BOM
_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                 "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
_LINE_BREAKS = set("\n\r\t\v\f\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")

# characters with a meaning in (GitHub-flavoured) Markdown inside a line
_MD_SPECIAL = set("\\`*_[](){}|~$!")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<!&)#(?=\d)")
_GH_REF = re.compile(r"\b(GH)-(?=\d)", re.IGNORECASE)
_MARKER = re.compile(r"curator:(?=\s*(?:begin|end)\b)", re.IGNORECASE)
_LEADING_LIST = re.compile(r"^(\d+)([.)])")

SAFE_SCHEMES = ("http", "https")
# left as they are in a URL; everything else is percent-encoded (existing %XX stay)
_URL_SAFE = "/:?#&=+%@!$*,;~-._"


def clean(text: object) -> str:
    """NFC-normalised single line without invisible or control characters."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text))
    out = []
    for ch in s:
        if ch in _LINE_BREAKS:
            out.append(" ")
        elif ch in _INVISIBLE:
            continue
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != " ":
            continue
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def _escape(s: str) -> str:
    """Escape an already cleaned string for running Markdown text on GitHub."""
    out = []
    for ch in s:
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    r = "".join(out)
    r = _MARKER.sub("curator&#58;", r)
    r = _MENTION.sub("@" + ZWSP, r)
    r = _ISSUE_REF.sub("#" + ZWSP, r)
    r = _GH_REF.sub(lambda m: m.group(1) + ZWSP + "-", r)
    # block syntax that only matters at the start of a line
    if r.startswith(("#", "-", "+", "=")):
        r = "\\" + r
    r = _LEADING_LIST.sub(r"\1\\\2", r)
    return r


def truncate(text: str, max_len: int | None) -> str:
    """Cut a cleaned string to ``max_len`` characters, ending in an ellipsis."""
    if max_len is None or len(text) <= max_len:
        return text
    if max_len <= 1:
        return ELLIPSIS[:max_len]
    return text[: max_len - 1].rstrip() + ELLIPSIS


def inline(text: object, max_len: int | None = None) -> str:
    """Untrusted text as one literal line of Markdown (PR body, commit message, list)."""
    return _escape(truncate(clean(text), max_len))


def cell(text: object, max_len: int = 300) -> str:
    """Untrusted text as the content of one Markdown table cell: never adds or
    removes a cell, never bleeds into the next row."""
    return inline(text, max_len)


def plain(text: object, max_len: int | None = None) -> str:
    """Untrusted text for plain-text places (commit messages, titles): cleaned, and
    ``@name``/``#123``/``GH-1`` broken with a real zero-width space so GitHub links nothing."""
    s = truncate(clean(text), max_len)
    s = _MENTION.sub("@\u200b", s)
    s = re.sub(r"#(?=\d)", "#\u200b", s)
    return _GH_REF.sub(lambda m: m.group(1) + "\u200b-", s)


def safe_url(url: object) -> str | None:
    """An http(s) URL encoded so a Markdown link around it holds; None otherwise."""
    if url is None:
        return None
    s = clean(url)
    try:
        parts = urlsplit(s)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    if not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]", ascii_host if ":" not in ascii_host
                        else f"[{ascii_host}]"):
        return None
    netloc = ascii_host if ":" not in ascii_host else f"[{ascii_host}]"
    if parts.username is not None:
        return None
    if port is not None:
        netloc += f":{port}"
    rest = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return f"{parts.scheme.lower()}://{netloc}" + quote(rest, safe=_URL_SAFE)


def link(label: object, url: object, max_len: int = 300) -> str:
    """``[label](url)`` with both made safe; the escaped label alone when the URL is not."""
    text = cell(label, max_len) or cell(url, max_len)
    target = safe_url(url)
    if target is None:
        return text
    if "[" not in text and "]" not in text:
        # inside a link's brackets parentheses mean nothing: keep them as written
        text = text.replace("\\(", "(").replace("\\)", ")")
    return f"[{text}]({target})"
