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
