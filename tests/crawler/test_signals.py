"""Signals extraction: synthetic pages and the real READMEs of the seed engines."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.signals import Signals, docs_candidate, from_html, from_markdown, merge

READMES = Path(__file__).resolve().parents[2] / "curator" / "demo_data" / "readmes"


def readme(name: str) -> Signals:
    return from_markdown((READMES / name).read_text(encoding="utf-8"), "https://github.com/o/r/blob/HEAD/")


def test_vllm_readme():
    s = readme("vllm-project+vllm.md")
    assert "pip" in s.install
    assert "docker" not in s.install  # the README points to the docs for Docker; it shows no command
    assert s.channels["slack"] == ["https://slack.vllm.ai"]
    assert s.channels["forum"] == ["https://discuss.vllm.ai"]
    assert "twitter" in s.channels and "meetup" in s.channels
    assert "https://docs.vllm.ai" in s.docs_links


def test_ollama_readme():
    s = readme("ollama+ollama.md")
    assert {"docker", "binary"} <= set(s.install)
    assert any("install.sh" in e for e in s.install["binary"])
    assert "https://discord.gg/ollama" in s.channels["discord"]
    assert "https://reddit.com/r/ollama" in s.channels["reddit"]
    assert "forum" not in s.channels  # Reddit is recorded, but is not a forum (issue 16)


def test_llama_cpp_readme():
    s = readme("ggml-org+llama.cpp.md")
    assert {"homebrew", "docker", "binary"} <= set(s.install)
    assert any("/discussions" in e for e in s.channels["discussions"])
    assert "forum" not in s.channels  # GitHub Discussions are not a forum (issue 16)
    assert "discord" not in s.channels and "slack" not in s.channels


def test_modular_readme_channels():
    s = readme("modular+modular.md")
    assert s.channels["forum"] == ["https://forum.modular.com/"]
    assert "https://discord.gg/modular" in s.channels["discord"]
    assert any("meetup.com" in e for e in s.channels["meetup"])


def test_small_research_readmes():
    nano = readme("efeslab+Nanoflow.md")
    assert nano.channels == {} and list(nano.install) == ["docker"]
    dist = readme("LLMServe+DistServe.md")
    assert dist.channels == {} and {"pip", "source"} <= set(dist.install)


def test_tgi_build_dependencies_are_not_install_methods():
    s = readme("huggingface+text-generation-inference.md")
    assert "docker" in s.install and "apt" not in s.install  # apt-get install libssl-dev gcc
    sg = readme("sgl-project+sglang.md")
    assert sg.channels["slack"][0].startswith("https://join.slack.com/") and "docker" in sg.install


def test_scripts_styles_and_comments_ignored():
    s = from_html("""<script>var x = "https://discord.gg/x"; // pip install evil</script>
        <style>.a{content:"brew install x"}</style><noscript><a href="https://slack.com/x">s</a></noscript>
        <!-- <a href="https://discord.gg/y">d</a> --><p>Hello</p>""", "https://e.org/")
    assert s.channels == {} and s.install == {}


def test_meta_refresh_target_not_a_link():
    s = from_html('<meta http-equiv="refresh" content="0;url=https://docs.e.org/">hi', "https://e.org/")
    assert s.docs_links == []


def test_html_docs_depth():
    nav = "".join(f'<li><a href="/docs/{i}">{i}</a></li>' for i in range(12))
    s = from_html(f'<div class="sphinxsidebar"><ul>{nav}</ul></div><h1>Quickstart</h1>'
                  f'<a href="api.html">Python API reference</a><h2>Examples</h2>', "https://docs.e.org/")
    assert s.nav_entries == 12 and s.api_reference and s.quick_start and s.tutorials and s.is_docs_page


def test_markdown_channels_and_install():
    s = from_markdown("""# X
[Chat](https://discord.com/invite/abc) · [Forum](https://discourse.e.org) · <a href="https://x.com/e">X</a>
## Installation
```bash
conda install -c conda-forge x
brew install x
sudo apt install x-engine
docker pull e/x
```
""")
    assert set(s.channels) == {"discord", "forum", "twitter"}
    assert set(s.install) == {"conda", "homebrew", "apt", "docker"}


def test_plain_mentions_without_links_do_not_count_as_channels():
    s = from_markdown("We do not have a Discord or Slack yet.")
    assert "discord" not in s.channels and "slack" not in s.channels


def test_docs_root_must_belong_to_the_project():
    text = "[documentation](https://gcc.gnu.org/onlinedocs/) [Docs](https://docs.engine.ai/)"
    assert from_markdown(text, project="acme/engine").docs_root == "https://docs.engine.ai/"
    assert from_markdown("[documentation](https://gcc.gnu.org/onlinedocs/)", project="acme/engine").docs_root is None
    assert readme_for("vllm-project+vllm.md", "vllm-project/vllm").docs_root == "https://docs.vllm.ai/en/latest/"
    assert readme_for("karpathy+llama2.c.md", "karpathy/llama2.c").docs_root is None  # links gcc's docs only
    tensorrt = readme_for("NVIDIA+TensorRT-LLM.md", "NVIDIA/TensorRT-LLM")
    assert tensorrt.docs_root == "https://nvidia.github.io/TensorRT-LLM/"  # behind a badge


def readme_for(name: str, project: str) -> Signals:
    return from_markdown((READMES / name).read_text(encoding="utf-8"), "https://github.com/x/y/blob/HEAD/", project)


def test_merge_and_roundtrip():
    a = from_markdown("[d](https://discord.gg/a) `pip install a`")
    b = from_html('<nav><a href="/1">1</a><a href="/2">2</a></nav><a href="https://docs.e.org/">Docs</a>')
    m = merge([a, b])
    assert "discord" in m.channels and "pip" in m.install and m.nav_entries == 2
    assert Signals.from_dict(m.to_dict()) == m
    assert m.docs_root == "https://docs.e.org/" and docs_candidate(m) == "https://docs.e.org/"


@pytest.mark.parametrize("name", sorted(p.name for p in READMES.glob("*.md")))
def test_every_real_readme_parses(name):
    s = readme(name)
    assert s.text_chars > 500


def test_chat_invite_behind_short_link():
    s = readme("bentoml+OpenLLM.md")
    assert s.channels["slack"] == ["https://l.bentoml.com/join-slack"]
    bots = from_markdown("- [Discord bot for Ollama](https://github.com/someone/discord-bot)")
    assert "discord" not in bots.channels  # a project about Discord is not a channel


def test_installation_guides_of_the_project_are_collected():
    from crawler.signals import from_markdown, merge

    readme = ("[Installation](https://llm.mlc.ai/docs/install/mlc_llm) "
              "[Guide](https://lightllm-en.readthedocs.io/en/latest/getting_started/installation.html) "
              "[Install Docker](https://docs.docker.com/engine/install/) "
              "[install the other tool](https://other.example.org/setup) "
              "[badge](https://img.shields.io/badge/install-pip-blue.svg) "
              "[Developer setup](https://github.com/mlc-ai/mlc-llm/blob/main/docs/install.md)")
    sig = from_markdown(readme, None, "mlc-ai/mlc-llm")
    assert sig.install_links == ["https://llm.mlc.ai/docs/install/mlc_llm",
                                 "https://github.com/mlc-ai/mlc-llm/blob/main/docs/install.md"]
    assert sig.install == {}
    both = merge([sig, from_markdown(readme, None, "ModelTC/lightllm")])
    assert "https://lightllm-en.readthedocs.io/en/latest/getting_started/installation.html" in both.install_links


def test_meetups_from_events_sites_and_text_forums_only_when_dedicated():
    """Issue 16: a meetup mentioned in text or an events. site counts; GitHub Discussions and Reddit
    are recorded apart from forums."""
    s = from_markdown("[2024/09] We hosted the sixth meetup! Slides [here](https://docs.google.com/x).\n"
                      "[Join](https://events.example.com/summit) · [Discuss](https://github.com/o/r/discussions) · "
                      "[r/e](https://www.reddit.com/r/e/) · [Forum](https://forum.e.org)\n")
    assert s.channels["meetup"] == ["https://events.example.com/summit", "text: meetup"]
    assert s.channels["forum"] == ["https://forum.e.org"]
    assert s.channels["discussions"] == ["https://github.com/o/r/discussions"]
    assert s.channels["reddit"] == ["https://www.reddit.com/r/e/"]


def test_a_link_named_after_the_projects_api_is_an_api_reference():
    own = "TensorRT-LLM provides a high-level Python [LLM API](https://nvidia.github.io/TensorRT-LLM/quick-start.html)."
    assert from_markdown(own, project="NVIDIA/TensorRT-LLM").api_reference
    others = ("Compatible with the [OpenAI API](https://platform.openai.com/docs/api-reference) - get an "
              "[API key](https://engine.ai/settings/keys).")
    assert not from_markdown(others, project="acme/engine").api_reference
