"""Opening or updating curator's one pull request on the list's repository (PyGithub).

A run: check the token (:mod:`reports.token_check`: expired, expiring or
missing a permission fails before any write), read the list from the base
branch, sync maintainers' decisions on earlier PRs against it (merged: a paper
whose reference the merged list lacks was deleted by a maintainer, so it is
rejected; closed: all rejected), render it, and when it changed put it on the
bot branch and keep ONE open PR for it.

Commits on a bot branch by anyone but the bot are never overwritten, reset or
force-pushed: while its PR is open the update is held with a comment on the PR
(``comment``, the default) or goes to a new suffixed branch with its own PR
(``new_branch``); once the PR is closed, the branch is left as it is and the
update goes to the first suffixed branch free of others' commits. The list's
branch and the repository's default branch are never written to.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import requests
from github import Github, GithubException, UnknownObjectException

from catalogue.errors import BadInput, RunFailed
from db import prs
from db.features import record_proposals
from db.runs import now_iso
from reports import chart, listparse, prbody
from reports.token_check import check_token

log = logging.getLogger(__name__)

MAX_SUFFIX = 20


@dataclass
class Outcome:
    action: str  # unchanged | opened | updated | up_to_date | held
    branch: str | None = None
    pr_number: int | None = None
    commit: str | None = None
    accepted: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Branch:
    name: str
    sha: str | None  # None: the branch does not exist
    ref: Any = None  # its GitRef, once read
    pr: Any = None  # the open PullRequest from this branch, if any
    foreign: list[str] = field(default_factory=list)  # shas of commits not by the bot
    behind: int = 0


@dataclass
class Proposal:
    """What one run proposes: the rendered list and the pull request's text."""

    base_text: str
    new_text: str
    notes: list[str]
    report: Any  # prbody.Report
    title: str
    body: str

    @property
    def changed(self) -> bool:
        return self.new_text != self.base_text


def propose(db, config, base_text: str, failed: list[dict[str, Any]] | None = None,
            render: Callable[..., tuple[str, list[str]]] | None = None) -> Proposal:
    """Render the list from the database and write the pull request's title and body."""
    if render is None:
        from reports.render import render_text as render
    new_text, notes = render(base_text, db, config)
    report = prbody.gather(db, config, base_text, new_text, failed or [], notes)
    return Proposal(base_text, new_text, list(notes), report, prbody.title(config, report),
                    prbody.body(db, config, report))


class Publisher:
    def __init__(self, client: Github, db, config, failed: list[dict[str, Any]] | None = None,
                 render: Callable[..., tuple[str, list[str]]] | None = None,
                 now: Callable[[], datetime] | None = None):
        self.gh = client
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.notes: list[str] = []
        self.db = db
        self.config = config
        self.failed = failed or []  # the night's failed steps, named in the PR body
        self.render = render
        self.list_cfg = config["list"]
        self.pr_cfg = config["pr"]

    def run(self) -> Outcome:
        try:
            return self._run()
        except GithubException as exc:
            raise RunFailed(f"GitHub answered {exc.status}: {_message(exc)}") from None
        except requests.RequestException as exc:
            raise RunFailed(f"cannot reach GitHub ({type(exc).__name__})") from None

    def _run(self) -> Outcome:
        token = check_token(self.gh, self.list_cfg["repo"], self.now())
        self.protected = {self.list_cfg["branch"], *([token.default_branch] if token.default_branch else [])}
        self._refuse_protected(self.pr_cfg["branch"])
        self.bot = self.pr_cfg["bot_login"] or self._own_login()
        self.repo = self.gh.get_repo(self.list_cfg["repo"])
        try:
            base = self.repo.get_contents(self.list_cfg["path"], ref=self.list_cfg["branch"])
        except UnknownObjectException:
            raise BadInput(f"no {self.list_cfg['path']} on branch {self.list_cfg['branch']} of "
                           f"{self.list_cfg['repo']} (settings list.path, list.branch)") from None
        base_text = base.decoded_content.decode("utf-8")
        accepted, rejected = self.sync_decisions(base_text)
        proposal = propose(self.db, self.config, base_text, self.failed, self.render)
        out = Outcome("unchanged", accepted=accepted, rejected=rejected, notes=self.notes)
        self.notes.extend(proposal.notes)
        if not proposal.changed:
            return out
        new_text, report, title, body = proposal.new_text, proposal.report, proposal.title, proposal.body
        target = self._choose_branch()
        if target.foreign and target.pr is not None:
            self._hold(target.pr, " ".join(target.foreign))
            out.action, out.branch, out.pr_number = "held", target.name, target.pr.number
            return out
        commit = self._write(target, base, new_text, title)
        number, changed = self._pull_request(target, title, body)
        prs.save_pr(self.db, number, target.name, title, commit or None,
                    [("paper", p.arxiv_id) for p in report.added])
        record_proposals(self.db, number, report.matrix, now_iso()[:10])  # matrix cells, to remember decisions
        out.branch, out.pr_number, out.commit = target.name, number, commit
        if target.pr is None:
            out.action = "opened"
        else:
            out.action = "updated" if (commit or changed) else "up_to_date"
        return out

    def _own_login(self) -> str | None:
        """The token's login; None for a GitHub App token (GET /user is 403 for those).

        Without it, the author of our open PR stands for the bot (see ``_inspect``).
        """
        try:
            return self.gh.get_user().login
        except GithubException as exc:
            if exc.status != 403:
                raise
            log.info("GET /user refused (%s); set pr.bot_login to name the bot", exc.status)
            return None

    # --- decisions ------------------------------------------------------------

    def sync_decisions(self, merged_text: str) -> tuple[int, int]:
        """Closed PRs of ours: merged -> each paper accepted when ``merged_text`` (the
        base branch's list now) still links it, rejected when a maintainer deleted its
        reference; closed unmerged -> all rejected."""
        accepted = rejected = 0
        kept = listparse.linked_anywhere(merged_text)
        for row in prs.open_prs(self.db):
            pr = self.repo.get_pull(row["number"])
            if pr.state != "closed":
                continue
            yes, no = prs.record_decision(self.db, row["number"], bool(pr.merged), kept, _iso(pr.closed_at))
            accepted += yes
            rejected += no
            log.info("PR %s %s: %d papers accepted, %d rejected", row["number"],
                     "merged" if pr.merged else "closed", yes, no)
        return accepted, rejected

    # --- branch -----------------------------------------------------------------

    def _choose_branch(self) -> _Branch:
        """The branch to put the update on; never one holding commits curator did not make,
        unless its PR is open and the update is held there (``comment``).

        In order: the bot branch with our open PR on it (held in ``comment`` mode when
        someone else pushed to it); a still-open PR of ours on a suffixed branch; the bot
        branch when it holds nothing but curator's commits; else the first suffixed branch
        (``pr.branch-2`` ...) free of others' commits. A branch whose PR was closed with
        someone's commits on it is left exactly as it is.
        """
        name = self.pr_cfg["branch"]
        first = self._inspect(name)
        if first.pr is not None and (not first.foreign or self.pr_cfg["on_maintainer_edit"] == "comment"):
            return first  # ours and clean, or held (the caller comments)
        for row in reversed(prs.open_prs(self.db)):
            if row["branch"] != name:
                other = self._inspect(row["branch"])
                if other.pr is not None and not other.foreign:
                    return other
        if not first.foreign:
            return first
        if first.pr is None:
            self.notes.append(f"branch {name} has commits curator did not make and no open pull request; "
                              f"left as it is, the update goes to a new branch")
        for n in range(2, MAX_SUFFIX + 1):
            candidate = self._inspect(f"{name}-{n}")
            if not candidate.foreign:
                return candidate
        raise RunFailed(f"branches {name}-2 to {name}-{MAX_SUFFIX} all hold commits curator did not make")

    def _inspect(self, name: str) -> _Branch:
        try:
            ref = self.repo.get_git_ref(f"heads/{name}")
            sha = ref.object.sha
        except UnknownObjectException:
            return _Branch(name, None)
        pulls = self.repo.get_pulls(state="open", head=f"{self.repo.owner.login}:{name}",
                                    base=self.list_cfg["branch"])
        pr = next(iter(pulls), None)
        cmp = self.repo.compare(self.list_cfg["branch"], name)
        bot = self.bot or (pr.user.login if pr is not None else None)
        if bot is None and cmp.commits:
            bot = self._author_of_our_last_pr(name)
        foreign = [c.sha for c in cmp.commits if not _by(c, bot)]
        return _Branch(name, sha, ref, pr, foreign, cmp.behind_by)

    def _author_of_our_last_pr(self, branch: str) -> str | None:
        """Who opened our last PR from ``branch`` (the bot, when its login is unknown: an App token)."""
        number = prs.last_pr_on_branch(self.db, branch)
        if number is None:
            return None
        user = self.repo.get_pull(number).user
        return user.login if user is not None else None

    def _refuse_protected(self, branch: str) -> None:
        """The list's branch and the repository's default branch are never written to."""
        if branch in self.protected:
            which = "list.branch" if branch == self.list_cfg["branch"] else "the default branch of " + \
                self.list_cfg["repo"]
            raise BadInput(f"pr.branch: {branch!r} is {which}; curator never commits to it "
                           f"(set pr.branch to a branch of its own). Nothing was written")

    def _write(self, target: _Branch, base, new_text: str, title: str) -> str:
        """Put ``new_text`` on the branch; return the new commit's sha, or "" if already there.

        A branch without our open PR, or behind the base, is reset to the base first;
        :meth:`_choose_branch` only hands over such a branch when curator made all its commits."""
        self._refuse_protected(target.name)
        if target.foreign:
            raise RunFailed(f"branch {target.name} has commits curator did not make; not overwritten")
        fresh = target.sha is None or target.pr is None or target.behind > 0
        if fresh:
            base_head = self.repo.get_git_ref(f"heads/{self.list_cfg['branch']}").object.sha
        if target.sha is None:
            self.repo.create_git_ref(f"refs/heads/{target.name}", base_head)
        elif fresh:
            # no open PR (earlier work merged or closed) or behind the base: start again from the base
            target.ref.edit(base_head, force=True)
        if fresh:
            current_sha, current_text = base.sha, base.decoded_content.decode("utf-8")
        else:
            on_branch = self.repo.get_contents(self.list_cfg["path"], ref=target.name)
            current_sha, current_text = on_branch.sha, on_branch.decoded_content.decode("utf-8")
        commit = ""
        if current_text != new_text:
            result = self.repo.update_file(self.list_cfg["path"], commit_message(title), new_text,
                                           current_sha, branch=target.name)
            commit = result["commit"].sha
        return self._write_chart(target.name, title) or commit

    def _write_chart(self, branch: str, title: str) -> str:
        """Commit the star-history chart beside the list when it changed; return the commit sha or ""."""
        svg = chart.render_svg(self.db)
        if svg is None:
            return ""
        path = _beside(self.list_cfg["path"], chart.CHART_PATH)
        try:
            current = self.repo.get_contents(path, ref=branch)
        except UnknownObjectException:
            result = self.repo.create_file(path, commit_message(title), svg, branch=branch)
            return result["commit"].sha
        if current.decoded_content == svg:
            return ""
        result = self.repo.update_file(path, commit_message(title), svg, current.sha, branch=branch)
        return result["commit"].sha

    # --- pull request ------------------------------------------------------------

    def _pull_request(self, target: _Branch, title: str, body: str) -> tuple[int, bool]:
        pr = target.pr
        changed = False
        if pr is None:
            pr = self.repo.create_pull(self.list_cfg["branch"], target.name, title=title, body=body)
            changed = True
        elif pr.title != title or (pr.body or "") != body:
            pr.edit(title=title, body=body)
            changed = True
        have = {label.name for label in pr.labels}
        missing = [name for name in self.pr_cfg["labels"] if name not in have]
        if missing:
            pr.add_to_labels(*missing)
        return pr.number, changed

    def _hold(self, pr, foreign: str) -> None:
        """Leave the maintainer's commits alone; say so once per set of their commits."""
        digest = hashlib.sha256(foreign.encode("utf-8")).hexdigest()[:16]
        row = prs.pr_row(self.db, pr.number)
        if row is not None and prs.held_digest(self.db, pr.number) == digest:
            return
        pr.create_issue_comment(held_comment(digest, self.pr_cfg["branch"]))
        if row is None:
            prs.save_pr(self.db, pr.number, self.pr_cfg["branch"], pr.title, None, [])
        prs.set_held(self.db, pr.number, digest)


def _iso(when: datetime | None) -> str | None:
    """GitHub's time (PyGithub gives UTC) in the database's format."""
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _by(commit, bot: str | None) -> bool:
    """Authored by the bot and committed by it (or by GitHub on its behalf)."""
    author = commit.author.login if commit.author else None
    committer = commit.committer.login if commit.committer else None
    return bot is not None and author == bot and committer in (bot, "web-flow")


def commit_message(title: str) -> str:
    """Built only from curator's own counts: no untrusted text, no mention, no reference."""
    return f"{title}\n\nRegenerated the curator regions of the list from the curator database."


def held_comment(digest: str, branch: str) -> str:
    """Says what the next runs do; the branch name comes from the settings (checked at load)."""
    return (
        "curator has a newer update of the list, but this branch has commits that curator did not make, "
        "so it was not changed.\n\n"
        "While this pull request is open, curator leaves it alone and does not comment again until "
        "someone pushes more commits to it. Once it is merged, the next nightly run proposes the update "
        "in a new pull request. If it is closed without merging, curator never resets or overwrites this "
        f"branch: the next run puts the update on a new branch, `{branch}-2` (or the next free number), "
        "with its own pull request. (Set `pr.on_maintainer_edit = \"new_branch\"` to get it on a new branch "
        f"right away.)\n\n<!-- curator:held {digest} -->"
    )


def _beside(list_path: str, relative: str) -> str:
    folder = list_path.rsplit("/", 1)[0] if "/" in list_path else ""
    return f"{folder}/{relative}" if folder else relative


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    text = str(data.get("message") or "request failed")
    return " ".join(text.split())[:200]
