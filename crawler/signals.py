"""What a page or README says about an engine: pure text analysis, no I/O.

``from_html(html, url)`` and ``from_markdown(text, url)`` return a
:class:`Signals` dataclass; ``merge`` combines several. Only visible text and
link targets are read: ``script``, ``style``, ``noscript``, ``template`` and
comments are dropped, and a ``<meta http-equiv=refresh>`` is neither followed
nor counted.

Community channels (each with the evidence URLs or words):

- ``discord``: links to discord.gg / discord.com / discordapp.com;
- ``slack``: links to slack.com or a ``slack.`` host;
  (either also: a link outside code hosts whose text or path names Slack or
  Discord, e.g. an invite behind a short link such as ``/join-slack``);
- ``forum``: a dedicated community forum, the way the survey counts it:
  Discourse (``discourse`` host, a ``discuss.``/``forum(s).``/``community.``
  host), a vendor forum, or a link outside code hosts whose text names a forum;
- ``discussions`` (GitHub Discussions, ``github.com/O/R/discussions``) and
  ``reddit`` (``reddit.com/r/``): recorded, but not a forum;
- ``meetup``: meetup.com, lu.ma / luma.com, eventbrite, an ``events.`` host,
  a link/heading naming a meetup, office hours or an event/summit/conference,
  or text that mentions a meetup ("find the meetup slides here");
- ``twitter``: twitter.com / x.com; ``wechat``: weixin.qq.com or "WeChat".

Documentation: ``docs_root`` (the first link labelled "docs"/"documentation",
badges included, whose host or path names the repository's owner or name when
``project`` is given - a README's link to another project's docs is not the
engine's docs site), ``docs_links`` (also docs.* hosts, readthedocs.io, ``/docs``
paths; general services such as Google Docs excluded), ``nav_entries`` (links inside ``nav``, sidebars or
tables of contents, HTML only), ``api_reference`` (also a link named after an
API - "LLM API", "REST API" - leading into the project's own pages), ``quick_start``,
``tutorials`` (words in headings and link texts).

Installation guides: ``install_links``, links of the project (see
``belongs_to``) whose text says install/installation or whose path has an
``install``/``installation`` part: where a README that shows no install
command sends its readers.

Install methods (in code and text): ``pip`` (``pip install``, ``uv pip
install``, ``pipx install``), ``conda`` (``conda install``, ``mamba install``,
conda-forge), ``docker`` (``docker run/pull/build/compose``, container
registries), ``homebrew`` (``brew install X``,
"via brew"), ``apt`` (``apt install X``,
``apt-get install X``, an APT repository), ``binary`` (prebuilt binaries, release downloads,
``curl ... | sh`` installers, winget), ``source`` (build from source, ``git
clone`` followed by ``cmake``/``make``/``pip install -e``/``cargo build``/
``go build``, ``make install``, "build X locally"). ``brew``/``apt`` lines
that only install common build dependencies (cmake, gcc, ``*-dev``...) do not
count as an install method of the engine.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment

from catalogue.vocabulary import INSTALL_METHODS

CHANNELS = ("discord", "slack", "forum", "meetup", "twitter", "wechat", "discussions", "reddit")
MAX_EVIDENCE = 3

_MD_LINK = re.compile(r"\[([^\]]{0,300})\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_BADGE = re.compile(r"\[!\[([^\]]{0,200})\]\([^)]*\)\]\(\s*<?([^)\s>]+)>?\s*\)")
_MD_REF = re.compile(r"^\s{0,3}\[([^\]]{1,300})\]:\s*<?(\S+?)>?\s*$", re.M)
_BARE_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)

_INSTALL_PATTERNS = {
    "pip": [r"\b(?:uv\s+)?pip3?\s+install\b", r"\bpipx\s+install\b", r"\bpython3?\s+-m\s+pip\s+install\b"],
    "conda": [r"\b(?:conda|mamba|micromamba)\s+install\b", r"\bconda-forge\b"],
    "docker": [r"\bdocker\s+(?:run|pull|build|compose)\b", r"\bdocker-compose\b", r"\bpodman\s+run\b",
               r"\bhub\.docker\.com/", r"\b(?:ghcr|nvcr)\.io/", r"\bdocker image\b"],
    "homebrew": [r"\b(?:via|with|using)\s+\[?(?:home)?brew\b", r"\bhomebrew\s+formula\b"],
    "apt": [r"\bapt\s+repositor(?:y|ies)\b"],
    "binary": [r"\bpre-?built\s+(?:binar|package|wheel|release)", r"\bbinar(?:y|ies)\s+(?:release|download)",
               r"\bdownload\s+(?:the\s+)?(?:latest\s+)?(?:release|binar|installer)", r"/releases/(?:latest|download)\b",
               r"\bcurl\s+[^\n|]*install[^\n|]*\|\s*(?:ba|z)?sh\b", r"\bwinget\s+install\b",
               r"\bdownload\s+(?:the\s+)?\w*\s*installer\b"],
    "source": [r"\bbuild(?:ing)?\s+[\w.`-]+\s+locally\b", r"\bmake\s+install\b", r"\b(?:build|install(?:ing)?|compil(?:e|ing))\s+(?:\w+\s+)?from\s+(?:the\s+)?source\b",
               r"\bgit\s+clone\b[\s\S]{0,400}?\b(?:cmake|make\b|pip3?\s+install\s+(?:-e|--editable|\.)|"
               r"cargo\s+build|go\s+build|python3?\s+setup\.py|bazel\s+build)"],
}
_INSTALL_RE = {k: re.compile("|".join(v), re.I) for k, v in _INSTALL_PATTERNS.items()}

# Packages a README installs as build dependencies, not the engine itself.
_BUILD_DEPS = frozenset("""build-essential cmake git git-lfs gcc g++ clang llvm make ninja ninja-build
pkg-config protobuf protobuf-compiler protoc wget curl ccache python3 python3-pip python3-venv
python3-dev openssl libomp rust go coreutils unzip gfortran swig libopenblas-dev sudo ffmpeg
libgl1 nvidia-container-toolkit""".split())
_PKG_INSTALL = re.compile(r"\b(brew|apt(?:-get)?)\s+install\s+([^\n&;|`]*)", re.I)


def _package_installs(text: str) -> dict[str, str]:
    """``brew install X`` / ``apt install X`` lines whose X is not a build dependency."""
    found: dict[str, str] = {}
    for tool, args in _PKG_INSTALL.findall(text):
        packages = [a for a in args.split() if not a.startswith("-") and a != "sudo"]
        engine_pkgs = [p for p in packages if p.lower() not in _BUILD_DEPS and not p.lower().endswith("-dev")]
        if engine_pkgs:
            method = "homebrew" if tool.lower() == "brew" else "apt"
            found.setdefault(method, f"{tool} install {engine_pkgs[0]}"[:80])
    return found


_API_RE = re.compile(r"\bapi\s*(?:reference|references|docs|documentation)\b|\bpython\s+api\b|\bapi\b", re.I)
_QUICK_RE = re.compile(r"\bquick\s*-?\s*start\b|\bgetting\s+started\b|\bget\s+started\b|\bquick\s+tour\b", re.I)
_TUTORIAL_RE = re.compile(r"\btutorials?\b|\bexamples?\b|\bcookbook\b|\bhow-?to\b|\bguides?\b", re.I)
# a link named after an API of the project ("LLM API", "Python API", "REST API reference"), not a key or token
_API_LINK_TEXT = re.compile(r"\bAPIs?\b(?!\s*(?:keys?|tokens?|credits?|status|pricing))", re.I)
_FORUM_TEXT = re.compile(r"\bforums?\b|\bdiscourse\b", re.I)
_MEETUP_TEXT = re.compile(r"\bmeet-?ups?\b|\boffice\s+hours\b|\bsummit\b|\bconference\b|\bhackathon\b|\bevents?\b", re.I)
_MEETUP_WORD = re.compile(r"\bmeet-?ups?\b", re.I)
_WECHAT_TEXT = re.compile(r"\bwe-?chat\b|微信", re.I)
# Document hosts of general services, never an engine's own documentation.
_NOT_PROJECT_DOCS = frozenset({"docs.google.com", "drive.google.com", "docs.github.com", "docs.python.org",
                               "docs.docker.com", "docs.conda.io", "docs.microsoft.com"})
_DOCS_TEXT = re.compile(r"\bdocumentation\b|\bdocs\b", re.I)
_INSTALL_LINK_TEXT = re.compile(r"\binstall(?:ation|ing)?\b", re.I)
_INSTALL_LINK_PATH = re.compile(r"(?:^|/)install(?:ation)?(?:[/._-]|$)", re.I)
MAX_INSTALL_LINKS = 5


@dataclass
class Signals:
    channels: dict[str, list[str]] = field(default_factory=dict)  # kind -> evidence
    install: dict[str, list[str]] = field(default_factory=dict)  # method -> evidence
    docs_links: list[str] = field(default_factory=list)
    install_links: list[str] = field(default_factory=list)  # installation guides of the project
    docs_root: str | None = None  # the first link labelled as documentation
    nav_entries: int = 0
    api_reference: bool = False
    quick_start: bool = False
    tutorials: bool = False
    is_docs_page: bool = False
    headings: int = 0
    text_chars: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Signals":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def _add(target: dict[str, list[str]], key: str, evidence: str) -> None:
    items = target.setdefault(key, [])
    if evidence not in items and len(items) < MAX_EVIDENCE:
        items.append(evidence)


def _channel_of(url: str, label: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    if host.endswith(("discord.gg", "discord.com", "discordapp.com")):
        return "discord"
    if host == "slack.com" or host.endswith(".slack.com") or host.startswith("slack."):
        return "slack"
    code_host = host.endswith(("github.com", "github.io", "gitlab.com", "huggingface.co"))
    for chat in ("slack", "discord"):  # an invite behind a short link: "Join our Slack", /join-slack
        if not code_host and (re.search(rf"\b{chat}\b", label, re.I) or re.search(rf"\b{chat}\b", path)):
            return chat
    if host.endswith(("twitter.com", "x.com")) and host in ("twitter.com", "x.com", "www.twitter.com", "www.x.com",
                                                            "mobile.twitter.com"):
        return "twitter"
    if host.endswith("weixin.qq.com") or _WECHAT_TEXT.search(label):
        return "wechat"
    if host.endswith("github.com") and re.match(r"^/[^/]+/[^/]+/discussions(?:/|$)", path):
        return "discussions"
    if host.endswith("reddit.com") and path.startswith("/r/"):
        return "reddit"
    if "discourse" in host or host.split(".")[0] in ("discuss", "forum", "forums", "community", "discourse"):
        return "forum"
    if host.endswith(("meetup.com", "lu.ma", "luma.com", "eventbrite.com")) or host.startswith("events."):
        return "meetup"
    if label and _MEETUP_TEXT.search(label):
        return "meetup"
    if label and _FORUM_TEXT.search(label) and not host.endswith(("github.com", "reddit.com")):
        return "forum"
    return None


def is_docs_url(url: str) -> bool:
    """Whether a URL looks like a documentation page (docs host, readthedocs, a /docs path)."""
    return _is_docs_url(url)


def _is_docs_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    if host.endswith("readthedocs.io") or host.startswith(("docs.", "doc.", "documentation.")):
        return True
    if host.endswith("github.com"):
        return False
    return bool(re.search(r"(?:^|/)(?:docs?|documentation)(?:/|$)", path))


def _scan_links(sig: Signals, links: list[tuple[str, str]], project: str | None = None) -> None:
    labelled: list[str] = []  # a link called "Documentation" is the best docs root
    others: list[str] = []
    for label, url in links:
        if not url.startswith(("http://", "https://")):
            continue
        kind = _channel_of(url, label)
        if kind:
            _add(sig.channels, kind, url)
        _scan_words(sig, label)
        host = (urlsplit(url).hostname or "").lower()
        if host in _NOT_PROJECT_DOCS or _is_image(url):
            continue
        if _is_install_link(label, url, project) and url not in sig.install_links \
                and len(sig.install_links) < MAX_INSTALL_LINKS:
            sig.install_links.append(url)
        if host.endswith("github.com"):
            continue
        if label and _API_LINK_TEXT.search(label) and project and belongs_to(url, project):
            sig.api_reference = True  # "LLM API", "REST API" leading into the project's own docs
        if label and _DOCS_TEXT.search(label):
            labelled.append(url)
            if sig.docs_root is None and belongs_to(url, project):
                sig.docs_root = url
        elif _is_docs_url(url):
            others.append(url)
    for url in labelled + others:
        if url not in sig.docs_links and len(sig.docs_links) < 10:
            sig.docs_links.append(url)


def _is_install_link(label: str, url: str, project: str | None) -> bool:
    path = urlsplit(url).path
    return bool(_INSTALL_LINK_TEXT.search(label or "") or _INSTALL_LINK_PATH.search(path)) \
        and belongs_to(url, project)


def _is_image(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    return (parts.hostname or "").endswith(("shields.io", "badge.fury.io")) or "/badge" in path or \
        path.endswith((".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"))


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def belongs_to(url: str, project: str | None) -> bool:
    """Whether a docs link looks like the project's own: its host or path
    contains the repository's owner or name (letters and digits only).
    Without a project every link is accepted."""
    if not project or "/" not in project:
        return True
    owner, name = project.split("/", 1)
    parts = urlsplit(url)
    where = _squash((parts.hostname or "") + parts.path)
    return any(len(t) >= 3 and t in where for t in (_squash(owner), _squash(name.split("/")[0])))


def _scan_words(sig: Signals, text: str) -> None:
    if not text:
        return
    if _API_RE.search(text) and re.search(r"reference|docs|documentation|python api", text, re.I):
        sig.api_reference = True
    if _QUICK_RE.search(text):
        sig.quick_start = True
    if _TUTORIAL_RE.search(text):
        sig.tutorials = True


def _scan_text(sig: Signals, text: str, headings: list[str]) -> None:
    for method, pattern in _INSTALL_RE.items():
        match = pattern.search(text)
        if match:
            _add(sig.install, method, " ".join(match.group(0).split())[:80])
    for method, evidence in _package_installs(text).items():
        _add(sig.install, method, evidence)
    for heading in headings:
        _scan_words(sig, heading)
        if _MEETUP_TEXT.search(heading) and re.search(r"meet-?up|office hours", heading, re.I):
            _add(sig.channels, "meetup", f"heading: {heading[:60]}")
    if _WECHAT_TEXT.search(text):
        _add(sig.channels, "wechat", "text: WeChat")
    if _MEETUP_WORD.search(text):
        _add(sig.channels, "meetup", "text: meetup")
    sig.headings += len(headings)
    sig.text_chars += len(text)


def from_markdown(text: str, base_url: str | None = None, project: str | None = None) -> Signals:
    """Signals of a README (Markdown, possibly with inline HTML)."""
    sig = Signals()
    links = [(label, _absolute(url, base_url)) for label, url in _MD_LINK.findall(text)]
    links += [(label, _absolute(url, base_url)) for label, url in _MD_BADGE.findall(text)]
    links += [(label, _absolute(url, base_url)) for label, url in _MD_REF.findall(text)]
    html_part = BeautifulSoup(text, "html.parser") if "<" in text else None
    if html_part is not None:
        for a in html_part.find_all("a", href=True):
            links.append((a.get_text(" ", strip=True), _absolute(a["href"], base_url)))
    seen = {url for _, url in links}
    links += [("", url.rstrip(".,;")) for url in _BARE_URL.findall(text) if url.rstrip(".,;") not in seen]
    headings = [h for h in _MD_HEADING.findall(text)]
    if html_part is not None:
        headings += [h.get_text(" ", strip=True) for h in html_part.find_all(re.compile(r"^h[1-6]$"))]
    _scan_links(sig, links, project)
    _scan_text(sig, _strip_html_noise(text), headings)
    return sig


def from_html(html: str, url: str | None = None, project: str | None = None) -> Signals:
    """Signals of a web page: visible text, headings and links only."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed"]):
        tag.decompose()
    for meta in soup.find_all("meta"):
        meta.decompose()  # meta refresh and friends: never followed
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    sig = Signals()
    links = [(a.get_text(" ", strip=True), _absolute(a["href"], url)) for a in soup.find_all("a", href=True)]
    headings = [h.get_text(" ", strip=True) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    _scan_links(sig, links, project)
    text = soup.get_text("\n", strip=True)
    _scan_text(sig, text, headings)
    sig.nav_entries = _nav_entries(soup)
    sig.is_docs_page = bool(url and _is_docs_url(url)) or sig.nav_entries >= 10 and sig.api_reference
    return sig


def _nav_entries(soup: BeautifulSoup) -> int:
    """Links inside navigation structures: nav, role=navigation, sidebars, TOCs."""
    hrefs: set[str] = set()
    containers = soup.find_all("nav") + soup.find_all(attrs={"role": "navigation"})
    marker = re.compile(r"sidebar|toctree|\btoc\b|navigation|menu|sphinxsidebar|md-nav", re.I)
    containers += soup.find_all(class_=marker) + soup.find_all(id=marker)
    for box in containers:
        for a in box.find_all("a", href=True):
            hrefs.add(a["href"].split("#")[0] or a["href"])
    return len(hrefs)


def merge(parts: list[Signals]) -> Signals:
    out = Signals()
    for sig in parts:
        for kind, ev in sig.channels.items():
            for e in ev:
                _add(out.channels, kind, e)
        for method, ev in sig.install.items():
            for e in ev:
                _add(out.install, method, e)
        for link in sig.docs_links:
            if link not in out.docs_links and len(out.docs_links) < 10:
                out.docs_links.append(link)
        for link in sig.install_links:
            if link not in out.install_links and len(out.install_links) < MAX_INSTALL_LINKS:
                out.install_links.append(link)
        out.docs_root = out.docs_root or sig.docs_root
        out.nav_entries = max(out.nav_entries, sig.nav_entries)
        out.api_reference |= sig.api_reference
        out.quick_start |= sig.quick_start
        out.tutorials |= sig.tutorials
        out.is_docs_page |= sig.is_docs_page
        out.headings += sig.headings
        out.text_chars += sig.text_chars
    return out


def docs_candidate(sig: Signals, project: str | None = None) -> str | None:
    """The documentation root worth fetching, if any: the labelled docs link,
    else the first docs-looking link that belongs to the project."""
    if sig.docs_root:
        return sig.docs_root
    for link in sig.docs_links:
        if belongs_to(link, project) and project:
            return link
    return None


def _absolute(url: str, base: str | None) -> str:
    url = url.strip()
    return urljoin(base, url) if base else url


def _strip_html_noise(text: str) -> str:
    return re.sub(r"<(script|style)\b[\s\S]*?</\1\s*>", " ", text, flags=re.I)
