"""Settings: defaults, overrides, and one-line errors with exit status 2."""
from __future__ import annotations

import pytest

from catalogue import settings as config
from curator.cli import main


def test_defaults_need_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = config.load(None)
    assert cfg["arxiv"]["delay_seconds"] >= 3
    assert cfg["list"]["repo"].count("/") == 1
    assert cfg.get("classifier.model").endswith("all-MiniLM-L6-v2")


def test_file_overrides_only_what_it_sets(tmp_path):
    path = tmp_path / "curator.toml"
    path.write_text('[pr]\nbranch = "bot/list"\nlabels = ["x"]\n[arxiv]\npage_size = 100\n')
    cfg = config.load(path)
    assert cfg["pr"]["branch"] == "bot/list"
    assert cfg["pr"]["labels"] == ["x"]
    assert cfg["arxiv"]["page_size"] == 100
    assert cfg["arxiv"]["lookback_days"] == config.DEFAULTS["arxiv"]["lookback_days"]


def test_current_directory_file_is_picked_up(tmp_path, monkeypatch):
    (tmp_path / "curator.toml").write_text('[list]\nrepo = "me/my-list"\n')
    monkeypatch.chdir(tmp_path)
    assert config.load(None)["list"]["repo"] == "me/my-list"


@pytest.mark.parametrize(
    "text, key",
    [
        ("[arxiv]\npage_size = 'many'\n", "arxiv.page_size"),
        ("[arxiv]\npage_size = 5000\n", "arxiv.page_size"),
        ("[arxiv]\ndelay_seconds = 0.5\n", "arxiv.delay_seconds"),
        ("[classifier]\nrelevance_threshold = 1.5\n", "classifier.relevance_threshold"),
        ("[pr]\nlabels = [1, 2]\n", "pr.labels"),
        ("[pr]\ncolour = 'red'\n", "pr.colour"),
        ("[nonsense]\nx = 1\n", "nonsense"),
        ("[list]\nrepo = 'no-slash'\n", "list.repo"),
        ("[pr]\non_maintainer_edit = 'overwrite'\n", "pr.on_maintainer_edit"),
        ("arxiv = 3\n", "arxiv"),
    ],
)
def test_bad_values_name_the_key(tmp_path, text, key):
    path = tmp_path / "curator.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    assert str(err.value).startswith(key)
    assert "\n" not in str(err.value)


def test_bad_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[arxiv\n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load(bad)
    with pytest.raises(config.ConfigError, match="cannot read"):
        config.load(tmp_path / "missing.toml")


def test_cli_bad_config_exits_2_with_one_line(tmp_path, capsys, fixtures):
    bad = tmp_path / "curator.toml"
    bad.write_text("[arxiv]\npage_size = -3\n")
    code = main(["--db", str(tmp_path / "c.db"), "--config", str(bad),
                 "import-list", str(fixtures / "seed-list.md")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "arxiv.page_size" in err
    assert not (tmp_path / "c.db").exists()


# --- every setting's range and form ------------------------------------------------------

@pytest.mark.parametrize(
    "text, key",
    [
        ("[arxiv]\ndelay_seconds = inf\n", "arxiv.delay_seconds"),
        ("[arxiv]\nread_timeout = nan\n", "arxiv.read_timeout"),
        ("[arxiv]\nconnect_timeout = 0\n", "arxiv.connect_timeout"),
        ("[arxiv]\ndeadline_seconds = 0.0\n", "arxiv.deadline_seconds"),
        ("[arxiv]\ndeadline_seconds = -inf\n", "arxiv.deadline_seconds"),
        ("[github]\nread_timeout = 0.0\n", "github.read_timeout"),
        ("[web]\nconnect_timeout = inf\n", "web.connect_timeout"),
        ("[web]\ndeadline_seconds = 0\n", "web.deadline_seconds"),
        ("[web]\nuser_agent = \"curator\\r\\nX-Evil: 1\"\n", "web.user_agent"),
        ("[web]\nuser_agent = \"cur\\u0000ator\"\n", "web.user_agent"),
        ("[web]\nuser_agent = \"   \"\n", "web.user_agent"),
        ("[web]\nuser_agent = \"curätor\"\n", "web.user_agent"),
        ("[web]\nmax_pages = 0\n", "web.max_pages"),
        ("[web]\nmax_bytes = 0\n", "web.max_bytes"),
        ("[arxiv]\nlookback_days = 0\n", "arxiv.lookback_days"),
        ("[arxiv]\nmax_attempts = 0\n", "arxiv.max_attempts"),
        ("[github]\nmax_attempts = 0\n", "github.max_attempts"),
        ("[github]\nstats_attempts = 0\n", "github.stats_attempts"),
        ("[github]\nmissing_after = 0\n", "github.missing_after"),
        ("[github]\nreadme_max_bytes = 0\n", "github.readme_max_bytes"),
        ("[github]\nreadme_max_bytes = 200000000\n", "github.readme_max_bytes"),
        ("[github]\nresponse_sample = 500\n", "github.response_sample"),
        ("[classifier]\nbatch_size = 0\n", "classifier.batch_size"),
        ("[classifier]\nrelevance_threshold = nan\n", "classifier.relevance_threshold"),
        ("[classifier]\nadd_threshold = 1.5\n", "classifier.add_threshold"),
        ("[classifier]\nlow_confidence_floor = 0.4\n", "classifier.low_confidence_floor: no longer a setting"),
        ("[classifier]\nconfidence_threshold = 0.6\n", "classifier.confidence_threshold: no longer a setting"),
        ("[classifier]\nmodel = \"\"\n", "classifier.model"),
        ("[arxiv]\ncategories = []\n", "arxiv.categories"),
        ("[arxiv]\ncategories = [\"cs.DC\", \"cs DC\"]\n", "arxiv.categories"),
        ("[arxiv]\nterms = []\n", "arxiv.terms"),
        ("[arxiv]\nterms = [\"LLM\", \"KV\\\" OR all:x\"]\n", "arxiv.terms"),
        ("[arxiv]\nnarrow_terms = [\" \"]\n", "arxiv.narrow_terms"),
        ("[pr]\nlabels = [\"a,b\"]\n", "pr.labels"),
        ("[pr]\nlabels = [\"\"]\n", "pr.labels"),
        ("[pr]\nlabels = [\"" + "x" * 51 + "\"]\n", "pr.labels"),
        ("[pr]\ntitle_prefix = \"a\\nb\"\n", "pr.title_prefix"),
        ("[pr]\nbot_login = \"not a login\"\n", "pr.bot_login"),
        ("[pr]\nbranch = \"main\"\n", "pr.branch"),
        ("[pr]\nbranch = \"bad..name\"\n", "pr.branch"),
        ("[pr]\nbranch = \"-x\"\n", "pr.branch"),
        ("[pr]\nbranch = \"a b\"\n", "pr.branch"),
        ("[list]\nbranch = \"x.lock\"\n", "list.branch"),
        ("[list]\nbranch = \"curator/update\"\n", "pr.branch"),
        ("[list]\npath = \"/etc/passwd\"\n", "list.path"),
        ("[list]\npath = \"../outside.md\"\n", "list.path"),
        ("[list]\npath = \"docs//list.md\"\n", "list.path"),
        ("[list]\npath = \"docs\\\\list.md\"\n", "list.path"),
        ("[list]\npath = \"\"\n", "list.path"),
        ("[list]\nrepo = \"owner/na me\"\n", "list.repo"),
        ("[list]\nrepo = \"owner/..\"\n", "list.repo"),
        ("[scoring]\ncontributors_cap = 0\n", "scoring.contributors_cap"),
        ("[scoring]\ninstall_pip = 101\n", "scoring.install_pip"),
        ("[scoring]\ndocs_weight = inf\n", "scoring.docs_weight"),
        ("[pr]\nseconds_between_writes = inf\n", "pr.seconds_between_writes"),
    ],
)
def test_ranges_and_forms_name_the_key(tmp_path, text, key):
    path = tmp_path / "curator.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError) as err:
        config.load(path)
    assert str(err.value).startswith(key + ":"), str(err.value)
    assert "\n" not in str(err.value) and "\r" not in str(err.value)


def test_sensible_values_are_accepted(tmp_path):
    path = tmp_path / "curator.toml"
    path.write_text('[list]\nrepo = "my-org/Awesome.List_2"\npath = "docs/the list.md"\nbranch = "release/2026"\n'
                    '[arxiv]\ncategories = ["cs.DC", "stat.ML", "hep-th", "q-bio.NC"]\nnarrow_terms = []\n'
                    'deadline_seconds = 30\n'
                    '[pr]\nbranch = "bots/curator"\nlabels = []\nbot_login = "curator-app[bot]"\ntitle_prefix = ""\n'
                    '[github]\nresponse_sample = 0\n[web]\nmax_redirects = 0\n')
    cfg = config.load(path)
    assert cfg["pr"]["labels"] == [] and cfg["arxiv"]["deadline_seconds"] == 30.0
    assert cfg["list"]["path"] == "docs/the list.md"


def test_heads_file_is_read_from_the_settings_folder(tmp_path, monkeypatch):
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "heads.npz").write_bytes(b"x")
    (folder / "curator.toml").write_text('[classifier]\nheads = "heads.npz"\n')
    monkeypatch.chdir(tmp_path)  # not the settings file's folder

    cfg = config.load(folder / "curator.toml")

    assert cfg["classifier"]["heads"] == str((folder / "heads.npz").resolve())
    (folder / "curator.toml").write_text('[classifier]\nheads = "missing.npz"\n')
    with pytest.raises(config.ConfigError, match=r"^classifier\.heads: no such file .*missing\.npz"):
        config.load(folder / "curator.toml")


def test_cli_missing_heads_fails_at_once_and_writes_nothing(tmp_path, capsys):
    cfg = tmp_path / "curator.toml"
    cfg.write_text('[classifier]\nheads = "nowhere/heads.npz"\n')
    code = main(["--db", str(tmp_path / "c.db"), "--config", str(cfg), "classify"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("curator: error: classifier.heads: no such file") and "nowhere/heads.npz" in err
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize("text", ["[arxiv]\ndelay_seconds = inf\n", "[pr]\nbranch = \"main\"\n",
                                  "[web]\nuser_agent = \"a\\nb\"\n"])
def test_cli_bad_ranges_exit_2_before_any_write(tmp_path, capsys, text):
    cfg = tmp_path / "curator.toml"
    cfg.write_text(text)
    for args in (["crawl", "arxiv"], ["pr"], ["crawl", "web"]):
        code = main(["--db", str(tmp_path / "c.db"), "--config", str(cfg), *args])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and err.startswith("curator: error: ")
    assert not (tmp_path / "c.db").exists()
