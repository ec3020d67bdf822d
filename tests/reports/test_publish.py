"""`curator pr`'s publishing against a fake GitHub API, driven by the real PyGithub."""
from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone

import pytest

from catalogue.settings import merge
from catalogue.errors import BadInput, RunFailed
from curator.clients import GitHubAccess, github_api
from reports.publish import Publisher
from tests.fakes.github_git import FakeGitHub, blob_sha
from tests.reports.helpers import add_engine, add_paper, import_list
from tests.reports.test_prbody import HOSTILE, assert_inert

TOKEN = "ghp_testtoken0123456789"
RAW_LIST = """# Awesome LLM inference

Hand-written intro.

## 💾 Caching

<!-- curator:begin papers-caching -->
<!-- curator:end papers-caching -->

## Comparison Table

## Contributing

Be nice.
"""
REPO = "owner/list"
BRANCH = "curator/update"
PREFIX = f"/repos/{REPO}"


def make_config(**pr):
    return merge({"list": {"repo": REPO}, "pr": {"seconds_between_requests": 0.0, "seconds_between_writes": 0.0, **pr}})


def _rendered_empty() -> str:
    """The list as curator renders it from a database with only the list: what main holds after a merge."""
    from db import open_db
    from reports.render import render_text

    db = open_db(None)
    import_list(db, RAW_LIST)
    return render_text(RAW_LIST, db, make_config())[0]


LIST = _rendered_empty()


@pytest.fixture(autouse=True)
def imported(mem_db):
    """Each test's database holds the list, as after `curator import-list`."""
    import_list(mem_db, LIST)


@pytest.fixture(scope="module")
def github_server():
    gh = FakeGitHub(REPO, {"README.md": LIST}, token=TOKEN, bot="curator-bot")
    with gh.server:
        yield gh


@pytest.fixture
def fake(github_server):
    github_server.reset({"README.md": LIST})
    return github_server


def publish(db, fake, config=None, failed=None):
    config = config or make_config()
    client = github_api(config, GitHubAccess(fake.server.url, TOKEN), writes=True)
    return Publisher(client, db, config, failed).run()


def calls(fake, start=0):
    return [(r.method, r.path) for r in fake.server.requests[start:]]


def changes(fake, start=0):
    """The requests that change something: not GETs, not the token check's empty-bodied probes."""
    return [(r.method, r.path) for r in fake.server.requests[start:] if r.method != "GET" and r.json() != {}]


# the token check every run starts with: read the repository, then probe each write permission
CHECK = [("GET", PREFIX), ("POST", f"{PREFIX}/git/refs"), ("POST", f"{PREFIX}/pulls"), ("POST", f"{PREFIX}/labels")]


def test_first_run_opens_one_pr_with_exact_requests(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    main_sha = fake.refs["main"]

    out = publish(mem_db, fake)

    assert (out.action, out.pr_number, out.branch) == ("opened", 1, BRANCH)
    assert calls(fake) == [
        *CHECK,
        ("GET", "/user"),
        ("GET", PREFIX),
        ("GET", f"{PREFIX}/contents/README.md"),
        ("GET", f"{PREFIX}/git/ref/heads/{BRANCH}"),
        ("GET", f"{PREFIX}/git/ref/heads/main"),
        ("POST", f"{PREFIX}/git/refs"),
        ("PUT", f"{PREFIX}/contents/README.md"),
        ("POST", f"{PREFIX}/pulls"),
        ("POST", f"{PREFIX}/issues/1/labels"),
    ]
    assert [r.json() for r in fake.server.requests[1:4]] == [{}, {}, {}]  # probes: nothing created
    reqs = fake.server.requests[len(CHECK):]
    assert all(r.headers["authorization"] == f"token {TOKEN}" for r in fake.server.requests)
    assert reqs[2].param("ref") == "main"
    assert reqs[5].json() == {"ref": f"refs/heads/{BRANCH}", "sha": main_sha}
    put = reqs[6].json()
    assert put["branch"] == BRANCH and put["sha"] == blob_sha(LIST.encode())
    new_list = base64.b64decode(put["content"]).decode()
    assert "https://arxiv.org/abs/2606.00001" in new_list
    assert new_list.startswith("# Awesome LLM inference\n\nHand-written intro.\n") and new_list.endswith("Be nice.\n")
    assert put["message"].startswith("curator: update the list (1 new paper)")
    pull = reqs[7].json()
    assert pull["base"] == "main" and pull["head"] == BRANCH and pull["title"] == put["message"].splitlines()[0]
    assert "2606.00001" in pull["body"]
    assert reqs[8].json() == ["curator", "automated"]
    assert fake.text(BRANCH, "README.md") == new_list and fake.text("main", "README.md") == LIST
    row = mem_db.execute("SELECT number, branch, state FROM pull_requests").fetchall()
    assert row == [(1, BRANCH, "open")]
    assert mem_db.execute("SELECT kind, key FROM pr_items").fetchall() == [("paper", "2606.00001")]


def test_second_run_changes_nothing(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    head, start = fake.refs[BRANCH], len(fake.server.requests)

    out = publish(mem_db, fake)

    assert out.action == "up_to_date" and out.commit == ""
    assert fake.refs[BRANCH] == head
    assert changes(fake, start) == []
    assert len(fake.pulls) == 1 and fake.pulls[1].state == "open"


def test_new_paper_updates_the_same_pr(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    add_paper(mem_db, "2606.00002", "Another cache paper", published="2026-06-28")
    start = len(fake.server.requests)

    out = publish(mem_db, fake)

    assert out.action == "updated" and out.pr_number == 1
    assert changes(fake, start) == [
        ("PUT", f"{PREFIX}/contents/README.md"), ("PATCH", f"{PREFIX}/pulls/1")]
    assert len(fake.pulls) == 1
    assert "2606.00002" in fake.text(BRANCH, "README.md") and "2 new papers" in fake.pulls[1].title
    assert sorted(k for (k,) in mem_db.execute("SELECT key FROM pr_items")) == ["2606.00001", "2606.00002"]


def test_unchanged_list_means_no_commit_and_no_pr(mem_db, fake):
    out = publish(mem_db, fake)

    assert out.action == "unchanged"
    assert calls(fake) == [*CHECK, ("GET", "/user"), ("GET", PREFIX), ("GET", f"{PREFIX}/contents/README.md")]
    assert fake.pulls == {} and BRANCH not in fake.refs


def test_maintainer_commit_is_not_overwritten_comment_mode(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    edited = fake.text(BRANCH, "README.md").replace("Be nice.", "Be very nice.")
    maintainer_head = fake.push(BRANCH, "README.md", edited, login="alice")
    add_paper(mem_db, "2606.00002", "Another cache paper")

    out = publish(mem_db, fake)
    again = publish(mem_db, fake)

    assert out.action == "held" and out.pr_number == 1 and again.action == "held"
    assert fake.refs[BRANCH] == maintainer_head
    assert fake.text(BRANCH, "README.md") == edited
    assert len(fake.pulls) == 1 and len(fake.pulls[1].comments) == 1  # said once, not every night
    assert "was not changed" in fake.pulls[1].comments[0] and f"`{BRANCH}-2`" in fake.pulls[1].comments[0]
    assert ("PATCH", f"{PREFIX}/git/refs/heads/{BRANCH}") not in calls(fake)


def test_maintainer_commit_new_branch_mode(mem_db, fake):
    config = make_config(on_maintainer_edit="new_branch")
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake, config)
    maintainer_head = fake.push(BRANCH, "README.md", "# mine\n", login="alice")
    add_paper(mem_db, "2606.00002", "Another cache paper")

    out = publish(mem_db, fake, config)
    again = publish(mem_db, fake, config)

    assert (out.action, out.branch, out.pr_number) == ("opened", f"{BRANCH}-2", 2)
    assert again.action == "up_to_date" and again.pr_number == 2
    assert fake.refs[BRANCH] == maintainer_head
    assert fake.pulls[2].head == f"{BRANCH}-2" and "2606.00002" in fake.text(f"{BRANCH}-2", "README.md")
    assert len([p for p in fake.pulls.values() if p.state == "open"]) == 2


def test_closed_without_merge_rejects_and_never_proposes_again(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    fake.close(1)

    out = publish(mem_db, fake)

    assert out.rejected == 1 and out.action == "unchanged"
    labels = mem_db.execute("SELECT source, status FROM paper_labels WHERE arxiv_id = '2606.00001' "
                            "ORDER BY source").fetchall()
    assert labels == [("classifier", "rejected"), ("maintainer", "rejected")]
    assert mem_db.execute("SELECT state, merged FROM pull_requests").fetchall() == [("closed", 0)]
    assert len(fake.pulls) == 1
    add_paper(mem_db, "2606.00002", "A new one")
    publish(mem_db, fake)
    assert "2606.00001" not in fake.text(BRANCH, "README.md") and "2606.00002" in fake.text(BRANCH, "README.md")
    assert "2606.00001" not in fake.pulls[2].body


def test_merged_marks_papers_accepted(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    fake.merge(1)

    out = publish(mem_db, fake)

    assert out.accepted == 1 and out.action == "unchanged"
    labels = mem_db.execute("SELECT source, status, category FROM paper_labels ORDER BY source").fetchall()
    assert labels == [("classifier", "accepted", "caching"), ("maintainer", "accepted", "caching")]
    assert mem_db.execute("SELECT state, merged FROM pull_requests").fetchall() == [("closed", 1)]


def test_hostile_title_is_inert_in_list_body_and_commit(mem_db, fake):
    add_paper(mem_db, "2606.00001", HOSTILE, authors=("@mallory", "x"))
    publish(mem_db, fake)
    put = next(r for r in fake.server.requests if r.method == "PUT").json()
    new_list = fake.text(BRANCH, "README.md")

    assert_inert(put["message"])
    assert_inert(fake.pulls[1].body)
    own_markers = re.compile(r"^<!-- curator:(begin|end) [a-z0-9-]+ -->$", re.MULTILINE)
    assert_inert(own_markers.sub("", new_list))
    region = new_list.split("<!-- curator:begin techniques-caching -->")[1].split(
        "<!-- curator:end techniques-caching -->")[0]
    assert len(region.strip().splitlines()) == 3  # header, rule, one row: the newline did not split it
    assert new_list.endswith("## Contributing\n\nBe nice.\n")
    assert "@" not in put["message"] and "#" not in put["message"]


def test_chart_is_committed_beside_the_list(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    add_engine(mem_db, "vLLM", "vllm-project/vllm", [("2026-06-01", 1), ("2026-06-02", 3)])
    publish(mem_db, fake)
    svg = fake.text(BRANCH, "assets/star-history.svg")
    start = len(fake.server.requests)

    publish(mem_db, fake)

    assert svg.startswith("<?xml")
    assert changes(fake, start) == []


def test_token_never_appears_in_errors(mem_db, fake):
    client = github_api(make_config(), GitHubAccess(fake.server.url, "wrong-token"), writes=True)
    with pytest.raises(RunFailed) as info:
        Publisher(client, mem_db, make_config()).run()
    assert "401" in str(info.value) and "Bad credentials" in str(info.value)
    assert "wrong-token" not in str(info.value) and TOKEN not in str(info.value)


def test_missing_token_is_bad_input():
    with pytest.raises(BadInput):
        github_api(make_config(), GitHubAccess("http://127.0.0.1:9", None), writes=True)


def test_branch_behind_base_is_rebuilt_on_the_new_base(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake)
    fake.push("main", "CONTRIBUTING.md", "be nice\n", login="alice")  # main moved on, branch untouched
    start = len(fake.server.requests)

    out = publish(mem_db, fake)

    assert out.action == "updated" and out.pr_number == 1 and len(fake.pulls) == 1
    writes = changes(fake, start)
    assert writes == [("PATCH", f"{PREFIX}/git/refs/heads/{BRANCH}"), ("PUT", f"{PREFIX}/contents/README.md")]
    patch = next(r for r in fake.server.requests[start:] if r.method == "PATCH").json()
    assert patch["force"] is True
    assert fake.text(BRANCH, "CONTRIBUTING.md") == "be nice\n"
    assert "2606.00001" in fake.text(BRANCH, "README.md")


def test_new_branch_mode_keeps_updating_its_pr_after_the_held_one_closes(mem_db, fake):
    config = make_config(on_maintainer_edit="new_branch")
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake, config)
    fake.push(BRANCH, "README.md", "# mine\n", login="alice")
    add_paper(mem_db, "2606.00002", "Another cache paper")
    publish(mem_db, fake, config)  # opens PR 2 on curator/update-2
    fake.close(1)
    add_paper(mem_db, "2606.00003", "Third cache paper")

    out = publish(mem_db, fake, config)

    assert (out.action, out.branch, out.pr_number) == ("updated", f"{BRANCH}-2", 2)
    assert [p.number for p in fake.pulls.values() if p.state == "open"] == [2]
    assert "2606.00003" in fake.text(f"{BRANCH}-2", "README.md")


def test_app_token_without_user_endpoint_uses_the_pr_author_as_bot(mem_db):
    fake = FakeGitHub(REPO, {"README.md": LIST}, token=TOKEN, bot="curator-app[bot]", app_token=True)
    with fake.server:
        add_paper(mem_db, "2606.00001", "Prefix caching at scale")
        assert publish(mem_db, fake).action == "opened"
        add_paper(mem_db, "2606.00002", "Another cache paper")
        assert publish(mem_db, fake).action == "updated"  # its own commit is not a maintainer's
        fake.push(BRANCH, "README.md", "# mine\n", login="alice")
        add_paper(mem_db, "2606.00003", "Third")
        assert publish(mem_db, fake).action == "held"
    assert calls(fake)[:len(CHECK) + 1] == [*CHECK, ("GET", "/user")]


def test_configured_bot_login_skips_the_user_endpoint(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake, make_config(bot_login="curator-bot"))
    assert ("GET", "/user") not in calls(fake)


def test_missing_list_file_is_bad_input(mem_db, fake):
    with pytest.raises(BadInput, match="no docs/LIST.md on branch main of owner/list"):
        publish(mem_db, fake, merge({"list": {"repo": REPO, "path": "docs/LIST.md"},
                                     "pr": {"seconds_between_requests": 0.0, "seconds_between_writes": 0.0}}))
    assert changes(fake) == [] and calls(fake)[len(CHECK):] == [
        ("GET", "/user"), ("GET", PREFIX), ("GET", f"{PREFIX}/contents/docs/LIST.md")]


# --- the token is checked before any write ---------------------------------------------------

def test_expired_token_fails_before_any_write(mem_db, fake):
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    client = github_api(make_config(), GitHubAccess(fake.server.url, "ghs_expiredAppToken123"), writes=True)
    with pytest.raises(RunFailed, match=r"^GitHub refused GITHUB_TOKEN \(401 Bad credentials\): it has expired or "
                                        r"was revoked; mint the token right before `curator pr`"):
        Publisher(client, mem_db, make_config()).run()
    assert calls(fake) == [("GET", PREFIX)]
    assert mem_db.execute("SELECT COUNT(*) FROM pull_requests").fetchone() == (0,)


@pytest.mark.parametrize("left, ok", [(timedelta(minutes=2), False), (timedelta(seconds=-30), False),
                                      (timedelta(minutes=50), True)])
def test_token_expiring_too_soon_is_refused_by_its_header(mem_db, fake, left, ok):
    now = datetime(2026, 7, 1, 4, 10, tzinfo=timezone.utc)
    fake.expires_at = (now + left).replace(tzinfo=None)
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    config = make_config()
    client = github_api(config, GitHubAccess(fake.server.url, TOKEN), writes=True)
    try:
        publisher = Publisher(client, mem_db, config, now=lambda: now)
        if ok:
            assert publisher.run().action == "opened"
            return
        with pytest.raises(RunFailed, match=r"^GITHUB_TOKEN (expires in 120 s|has expired) \(at 2026-07-01 04:(12|09)"):
            publisher.run()
        assert calls(fake) == [("GET", PREFIX)] and fake.pulls == {}
    finally:
        fake.expires_at = None


@pytest.mark.parametrize("granted, missing, accepted", [
    ({"pull_requests", "issues"}, "contents: write", "contents=write"),
    ({"contents"}, "pull_requests: write", "pull_requests=write"),
    (set(), "contents: write", "contents=write"),
])
def test_token_missing_a_permission_fails_before_any_write(mem_db, fake, granted, missing, accepted):
    fake.permissions = granted
    try:
        add_paper(mem_db, "2606.00001", "Prefix caching at scale")
        with pytest.raises(RunFailed) as info:
            publish(mem_db, fake)
    finally:
        fake.permissions = {"contents", "pull_requests", "issues"}
    message = str(info.value)
    assert message.startswith(f"GITHUB_TOKEN lacks the '{missing}' permission on {REPO}")
    assert f"GitHub accepts {accepted}" in message and message.endswith("Nothing was written")
    assert changes(fake) == [] and BRANCH not in fake.refs and fake.pulls == {}
    assert TOKEN not in message


def test_labels_probe_names_issues_write(mem_db, fake):
    """A token with contents and pull requests but neither issues nor pull requests for labels:
    the labels endpoint answers 403 and the check names issues: write."""
    import tests.fakes.github_git as fake_module

    old = list(fake_module._NEEDS)
    fake_module._NEEDS[:] = [(v, p, ("issues",)) if p == r"/labels" else (v, p, n) for v, p, n in old]
    fake.permissions = {"contents", "pull_requests"}
    try:
        with pytest.raises(RunFailed, match=r"lacks the 'issues: write' permission on owner/list, needed to label"):
            publish(mem_db, fake)
    finally:
        fake_module._NEEDS[:] = old
        fake.permissions = {"contents", "pull_requests", "issues"}
    assert changes(fake) == []


# --- never the default branch ------------------------------------------------------------------

def test_bot_branch_that_is_the_default_branch_is_refused_at_run_time(mem_db, fake):
    """list.branch is `develop`, pr.branch is `main`: the settings accept it (they differ),
    but `main` is the repository's default branch, so nothing is written to it."""
    fake.refs["develop"] = fake.refs["main"]
    main_head = fake.refs["main"]
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    config = merge({"list": {"repo": REPO, "branch": "develop"},
                    "pr": {"branch": "main", "seconds_between_requests": 0.0, "seconds_between_writes": 0.0}})
    with pytest.raises(BadInput, match=r"^pr.branch: 'main' is the default branch of owner/list; curator never commits"):
        publish(mem_db, fake, config)
    assert fake.refs["main"] == main_head and changes(fake) == [] and fake.pulls == {}


# --- a closed pull request's branch with someone else's commits is never reset -------------------

@pytest.mark.parametrize("mode", ["comment", "new_branch"])
def test_closed_pr_branch_with_a_maintainers_commit_is_left_alone(mem_db, fake, mode):
    config = make_config(on_maintainer_edit=mode)
    add_paper(mem_db, "2606.00001", "Prefix caching at scale")
    publish(mem_db, fake, config)
    edited = fake.text(BRANCH, "README.md").replace("Be nice.", "Be very nice.")
    maintainer_head = fake.push(BRANCH, "README.md", edited, login="alice")
    fake.close(1)
    add_paper(mem_db, "2606.00002", "Another cache paper")
    start = len(fake.server.requests)

    out = publish(mem_db, fake, config)
    again = publish(mem_db, fake, config)

    assert fake.refs[BRANCH] == maintainer_head and fake.text(BRANCH, "README.md") == edited
    assert ("PATCH", f"{PREFIX}/git/refs/heads/{BRANCH}") not in calls(fake, start)
    assert (out.action, out.branch, out.pr_number) == ("opened", f"{BRANCH}-2", 2)
    assert fake.pulls[2].head == f"{BRANCH}-2" and "2606.00002" in fake.text(f"{BRANCH}-2", "README.md")
    assert any(f"branch {BRANCH} has commits curator did not make and no open pull request" in n for n in out.notes)
    assert (again.action, again.branch) == ("up_to_date", f"{BRANCH}-2")  # it stays there, one PR open
    assert [p.number for p in fake.pulls.values() if p.state == "open"] == [2]


def test_closed_pr_branch_of_only_curators_commits_is_reused_with_an_app_token(mem_db):
    """With an App token (no /user, no pr.bot_login) the bot is the author of our last PR on the
    branch, so a branch holding only its own commits is reused after the PR was closed, and one
    with a maintainer's commit is not."""
    fake = FakeGitHub(REPO, {"README.md": LIST}, token=TOKEN, bot="curator-app[bot]", app_token=True)
    with fake.server:
        add_paper(mem_db, "2606.00001", "Prefix caching at scale")
        assert publish(mem_db, fake).action == "opened"
        fake.close(1)
        add_paper(mem_db, "2606.00002", "Another cache paper")
        out = publish(mem_db, fake)
        assert (out.action, out.branch, out.pr_number) == ("opened", BRANCH, 2)

        maintainer_head = fake.push(BRANCH, "README.md", "# mine\n", login="alice")
        fake.close(2)
        add_paper(mem_db, "2606.00003", "Third")
        out = publish(mem_db, fake)
        assert (out.action, out.branch, out.pr_number) == ("opened", f"{BRANCH}-2", 3)
        assert fake.refs[BRANCH] == maintainer_head


def test_a_reference_deleted_before_merging_is_a_rejection(mem_db, fake):
    from db.classify import human_labels

    add_paper(mem_db, "2606.00001", "Prefix caching at scale", abstract="prefix caching")
    add_paper(mem_db, "2606.00002", "Prefix caching again", abstract="prefix caching")
    publish(mem_db, fake)
    proposed = fake.text(BRANCH, "README.md")
    edited = re.sub(r", \[[^\]]*\]\(https://arxiv\.org/abs/2606\.00002\)", "", proposed)
    assert edited != proposed and "2606.00001" in edited
    fake.push(BRANCH, "README.md", edited, login="alice")  # the maintainer deletes one reference...
    fake.merge(1)  # ...and merges

    out = publish(mem_db, fake)

    assert (out.accepted, out.rejected) == (1, 1)
    status = dict(mem_db.execute("SELECT arxiv_id, status FROM paper_labels WHERE source = 'maintainer'").fetchall())
    assert status == {"2606.00001": "accepted", "2606.00002": "rejected"}
    learned = {r["arxiv_id"]: r["label"] for r in human_labels(mem_db)}
    assert learned == {"2606.00001": "caching", "2606.00002": "irrelevant"}  # the classifier learns both
    assert mem_db.execute("SELECT updated FROM pull_requests").fetchone()[0] == "2026-07-02T09:00:00+00:00"
    assert out.action == "unchanged"  # main as merged is what curator would render: nothing to propose
    add_paper(mem_db, "2606.00003", "A third cache paper")
    publish(mem_db, fake)
    assert "2606.00002" not in fake.text(BRANCH, "README.md") and "2606.00002" not in fake.pulls[2].body
    assert "2606.00003" in fake.pulls[2].body
