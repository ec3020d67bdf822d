"""SafeFetcher against a loopback fake: RELIABILITY cases 18-20, robots.txt, User-Agent."""
from __future__ import annotations

import itertools
import time

import pytest

from crawler.web import Disallowed, FetchError, Refused, SafeFetcher, address_allowed, crawl_engine
from tests.fakes.server import FakeServer, Response

UA = "curator-test/1.0 (+https://example.org/curator)"
PAGE = """<html><head><title>Engine</title></head><body>
<nav><a href="/docs/quickstart">Quick start</a><a href="/docs/api">API reference</a></nav>
<p>Join us on <a href="https://discord.gg/abc">Discord</a>.</p>
<pre>pip install engine</pre></body></html>"""


def routes(table: dict):
    def handler(req):
        if req.path in table:
            value = table[req.path]
            return value(req) if callable(value) else value
        return Response(404, "not found")
    return handler


def fetcher(**kw) -> SafeFetcher:
    kw.setdefault("allow_hosts", {"127.0.0.1"})
    return SafeFetcher(UA, connect_timeout=2, read_timeout=2, **kw)


def html(body: str, **headers) -> Response:
    return Response(200, body, {"Content-Type": "text/html; charset=utf-8", **headers})


def test_loopback_refused_by_default_before_any_request():
    with FakeServer(routes({"/": html(PAGE)})) as srv:
        with pytest.raises(Refused, match="127.0.0.1"):
            SafeFetcher(UA).fetch(srv.url + "/")
        assert srv.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/",
                                 "http://user:pw@example.org/", "javascript:alert(1)"])
def test_non_http_and_credentials_refused(url):
    with pytest.raises(Refused):
        SafeFetcher(UA, resolver=lambda h: ["93.184.216.34"]).fetch(url)


@pytest.mark.parametrize("address", ["10.1.2.3", "169.254.169.254", "192.168.0.1", "127.0.0.2", "::1",
                                     "fe80::1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1", "240.0.0.1"])
def test_names_resolving_to_private_addresses_refused(address):
    asked = []
    f = SafeFetcher(UA, resolver=lambda h: asked.append(h) or [address])
    with pytest.raises(Refused, match="not public"):
        f.fetch("https://docs.example.org/")
    assert asked == ["docs.example.org"] and f.requests_made == 0


def test_public_addresses_pass_the_guard():
    assert address_allowed("93.184.216.34") and address_allowed("2606:2800:220:1::1")


def test_page_fetched_with_project_user_agent():
    with FakeServer(routes({"/": html(PAGE)})) as srv:
        page = fetcher().fetch(srv.url + "/")
        assert "pip install engine" in page.text
        assert [r.path for r in srv.requests] == ["/robots.txt", "/"]
        assert {r.headers["user-agent"] for r in srv.requests} == {UA}


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://10.0.0.7/", "http://169.254.169.254/latest",
                                    "file:///etc/passwd"])
def test_redirect_to_forbidden_target_refused_before_following(target):
    table = {}
    with FakeServer(routes(table)) as srv:
        port = srv.url.rsplit(":", 1)[1]
        table["/"] = Response(302, "", {"Location": target.format(port=port)})
        table["/secret"] = html("secret")
        with pytest.raises(Refused):
            # only "localhost" is allowed here, so a hop to 127.0.0.1 itself must be refused
            fetcher(allow_hosts={"localhost"}).fetch(f"http://localhost:{port}/")
        assert "/secret" not in [r.path for r in srv.requests]


def test_redirect_chain_is_bounded():
    with FakeServer(lambda req: Response(302, "", {"Location": "/loop"}) if req.path != "/robots.txt"
                    else Response(404)) as srv:
        with pytest.raises(FetchError, match="redirects"):
            fetcher(max_redirects=3).fetch(srv.url + "/start")
        assert len([r for r in srv.requests if r.path != "/robots.txt"]) == 4


def test_safe_redirect_followed_and_checked():
    with FakeServer(routes({"/old": Response(301, "", {"Location": "/new"}), "/new": html(PAGE)})) as srv:
        page = fetcher().fetch(srv.url + "/old")
        assert page.final_url.endswith("/new") and page.status == 200


def test_fifty_megabytes_capped():
    big = Response(200, headers={"Content-Type": "text/html"}, chunks=[b"x" * 65536] * 800)
    with FakeServer(routes({"/big": big})) as srv:
        page = fetcher(max_bytes=100_000).fetch(srv.url + "/big")
        assert page.truncated and len(page.text) == 100_000


def test_endless_stream_capped():
    endless = Response(200, headers={"Content-Type": "text/plain"}, chunks=itertools.repeat(b"y" * 4096))
    with FakeServer(routes({"/endless": endless})) as srv:
        page = fetcher(max_bytes=50_000).fetch(srv.url + "/endless")
        assert page.truncated and len(page.text) == 50_000


def test_trickle_stopped_by_wall_clock_deadline():
    trickle = Response(200, headers={"Content-Type": "text/html"}, chunks=[b"a"] * 1000, chunk_delay=0.05)
    with FakeServer(routes({"/slow": trickle})) as srv:
        started = time.monotonic()
        page = fetcher(deadline_seconds=0.5).fetch(srv.url + "/slow")
        elapsed = time.monotonic() - started
        assert page.timed_out and 0 < len(page.text) < 1000
        assert elapsed < 2.0


def test_hanging_server_hits_read_timeout():
    with FakeServer(routes({"/hang": Response(hang=True), "/robots.txt": Response(404)})) as srv:
        f = SafeFetcher(UA, connect_timeout=1, read_timeout=0.3, allow_hosts={"127.0.0.1"})
        with pytest.raises(FetchError, match="Timeout"):
            f.fetch(srv.url + "/hang")


def test_bad_charset_decoded_with_replacement():
    body = b"<p>caf\xe9 \xff\xfe ok</p>"
    with FakeServer(routes({"/": Response(200, body, {"Content-Type": "text/html; charset=x-no-such"})})) as srv:
        page = fetcher().fetch(srv.url + "/")
        assert "caf\ufffd" in page.text and "ok" in page.text


def test_declared_charset_used():
    body = "<p>café</p>".encode("latin-1")
    with FakeServer(routes({"/": Response(200, body, {"Content-Type": "text/html; charset=iso-8859-1"})})) as srv:
        assert "café" in fetcher().fetch(srv.url + "/").text


def test_robots_disallow_honoured_and_not_requested():
    robots = Response(200, "User-agent: *\nDisallow: /private\n", {"Content-Type": "text/plain"})
    with FakeServer(routes({"/robots.txt": robots, "/private/x": html(PAGE), "/open": html(PAGE)})) as srv:
        f = fetcher()
        with pytest.raises(Disallowed):
            f.fetch(srv.url + "/private/x")
        f.fetch(srv.url + "/open")
        paths = [r.path for r in srv.requests]
        assert "/private/x" not in paths and paths.count("/robots.txt") == 1


def test_robots_server_error_disallows_origin():
    with FakeServer(routes({"/robots.txt": Response(503, "down"), "/": html(PAGE)})) as srv:
        with pytest.raises(Disallowed):
            fetcher().fetch(srv.url + "/")
        assert [r.path for r in srv.requests] == ["/robots.txt"]


def test_binary_content_not_read():
    with FakeServer(routes({"/x.zip": Response(200, b"PK\x03\x04", {"Content-Type": "application/zip"})})) as srv:
        with pytest.raises(FetchError, match="not a text page"):
            fetcher().fetch(srv.url + "/x.zip")


def test_meta_refresh_and_scripts_not_followed():
    page = """<html><head><meta http-equiv="refresh" content="0; url=/elsewhere">
    <script src="/evil.js"></script><script>fetch('/beacon'); var d='https://discord.gg/x';</script></head>
    <body><p>Hello</p></body></html>"""
    with FakeServer(routes({"/": html(page), "/elsewhere": html(PAGE)})) as srv:
        results = crawl_engine(fetcher(), repo=None, readme=None, homepage=srv.url + "/", docs_url=None)
        paths = [r.path for r in srv.requests]
        assert "/elsewhere" not in paths and "/evil.js" not in paths and "/beacon" not in paths
        home = [r for r in results if r.source == "homepage"][0]
        assert home.status == "ok" and home.signals["channels"] == {}


def test_crawl_engine_reads_docs_and_follows_one_docs_link():
    docs = html("""<nav>""" + "".join(f'<a href="/docs/p{i}">Page {i}</a>' for i in range(30)) + """</nav>
        <h1>Getting started</h1><h2>Tutorials</h2><a href="/docs/api">API Reference</a>
        <a href="https://github.com/o/r/discussions">Discussions</a>""")
    table = {"/robots.txt": Response(404), "/engine/docs/": docs, "/other/docs/": docs}
    with FakeServer(routes(table)) as srv:
        table["/"] = html(f'<a href="{srv.url}/other/docs/">Documentation</a> <code>docker run o/r</code>'
                          f'<a href="{srv.url}/engine/docs/">Documentation</a>')
        results = crawl_engine(fetcher(), repo="acme/engine", readme="# R\n\n```\nbrew install r\n```\n",
                               homepage=srv.url + "/", docs_url=None, max_pages=2)
        by = {r.source: r for r in results}
        assert set(by) == {"readme", "homepage", "docs_link"}
        assert by["readme"].signals["install"] == {"homebrew": ["brew install r"]}
        assert "docker" in by["homepage"].signals["install"]
        d = by["docs_link"].signals
        assert d["nav_entries"] == 30 and d["quick_start"] and d["tutorials"] and d["api_reference"]
        assert "discussions" in d["channels"]  # recorded; not a forum (issue 16)
        paths = [r.path for r in srv.requests]
        assert paths.count("/engine/docs/") == 1 and "/other/docs/" not in paths  # another project's docs


def test_crawl_engine_records_refusal_without_request():
    with FakeServer(routes({"/": html(PAGE)})) as srv:
        results = crawl_engine(SafeFetcher(UA), repo=None, readme=None, homepage=srv.url + "/", docs_url=None)
        assert [(r.source, r.status) for r in results] == [("readme", "skipped"), ("homepage", "refused")]
        assert srv.requests == []


def test_rebinding_refused_at_connect_before_anything_is_sent():
    # the name check is told a public address; the socket then lands on loopback
    with FakeServer(routes({"/": html(PAGE)})) as srv:
        port = srv.url.rsplit(":", 1)[1]
        f = SafeFetcher(UA, resolver=lambda h: ["93.184.216.34"], connect_timeout=2, read_timeout=2)
        with pytest.raises(Refused, match="not public"):
            f.fetch(f"http://localhost:{port}/")
        assert srv.requests == []


def test_trickled_headers_stopped_by_deadline():
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            request = conn.recv(4096)
            if request.startswith(b"GET /robots.txt"):
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Slow: " + b"z" * 200:
                if stop.wait(0.05):
                    break
                try:
                    conn.send(bytes([byte]))
                except OSError:
                    break
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            fetcher(deadline_seconds=0.5).fetch(f"http://127.0.0.1:{port}/")
        assert time.monotonic() - started < 2.0
    finally:
        stop.set()
        listener.close()


def test_compressed_bomb_capped_after_decompression():
    import gzip

    bomb = gzip.compress(b"<p>" + b"0" * 20_000_000)
    resp = Response(200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    with FakeServer(routes({"/": resp})) as srv:
        page = fetcher(max_bytes=100_000).fetch(srv.url + "/")
        assert page.truncated and len(page.text) == 100_000 and page.text.startswith("<p>000")


def test_crawl_engine_reads_the_installation_guide_only_when_no_page_shows_an_install_command():
    guide = html("<h1>Installation</h1><pre>pip install tensorrt-llm</pre><pre>docker run nvcr.io/x</pre>")
    table = {"/robots.txt": Response(404), "/TensorRT-LLM/installation/linux.html": guide}
    with FakeServer(routes(table)) as srv:
        readme = (f"# TensorRT-LLM\n\n- [Installation Guide for Linux]({srv.url}/TensorRT-LLM/installation/linux.html)"
                  f"\n- [Install Docker](https://docs.docker.com/engine/install/)\n")
        results = crawl_engine(fetcher(), repo="NVIDIA/TensorRT-LLM", readme=readme, homepage=None,
                               docs_url=None)
        by = {r.source: r for r in results}
        assert by["readme"].signals["install"] == {}
        assert by["readme"].signals["install_links"] == [srv.url + "/TensorRT-LLM/installation/linux.html"]
        assert by["install_link"].status == "ok" and set(by["install_link"].signals["install"]) == {"pip", "docker"}
        shown = readme + "\n```\npip install tensorrt-llm\n```\n"
        results = crawl_engine(fetcher(), repo="NVIDIA/TensorRT-LLM", readme=shown, homepage=None, docs_url=None)
        assert [r.source for r in results] == ["readme"]
        assert [r.path for r in srv.requests].count("/TensorRT-LLM/installation/linux.html") == 1


def test_an_installation_guide_that_cannot_be_read_is_recorded_as_such():
    with FakeServer(routes({"/robots.txt": Response(404)})) as srv:
        readme = f"See the [installation guide]({srv.url}/engine/docs/install.html)."
        results = crawl_engine(fetcher(), repo="acme/engine", readme=readme, homepage=None, docs_url=None)
        assert [(r.source, r.status) for r in results] == [("readme", "ok"), ("install_link", "failed")]
