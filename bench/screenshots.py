"""Look at the demo's output as a maintainer sees it on GitHub: screenshots of the PR body and the list.

    python -m bench.screenshots DIR [--out OUT] [--chromium PATH]

DIR is a `curator demo` output folder. ``pr-body.md`` and the list (``seed-list.md``) are
rendered as GitHub-flavoured Markdown (markdown-it-py: CommonMark, tables, strikethrough,
the HTML GitHub keeps such as ``<details>`` and ``<sub>``) into HTML pages with a small
stylesheet imitating GitHub's: a content column 880 px wide at a 1012 px page, GitHub's
fonts, and its table style (a table wider than the column scrolls, so what does not fit
is cut off in the picture, as on GitHub). ``list.diff`` is shown as GitHub colours a diff.
Headless Chromium takes the screenshots (Debian packages ``chromium`` and
``fonts-noto-color-emoji`` for ✅/❌); each page is cut into tiles of at most
:data:`TILE` pixels so they can be read at full size. The PR body is taken twice: as it
opens (``<details>`` folded) and with every fold open.

Writes OUT (default DIR/screenshots): the HTML pages and ``NAME-1.png``, ``NAME-2.png``, ...
and prints each file with its size.
"""
from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

WIDTH = 1280
TILE = 1400
MAX_HEIGHT = 30000

CSS = """
body { margin: 0; background: #ffffff; color: #1f2328;
       font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
       "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
.page { width: 1012px; margin: 24px auto; }
.box { border: 1px solid #d0d7de; border-radius: 6px; }
.box-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; font-size: 14px;
              color: #59636e; border-radius: 6px 6px 0 0; }
.markdown-body { width: 880px; padding: 16px 32px 24px 32px; font-size: 16px; line-height: 1.5;
                 word-wrap: break-word; }
.markdown-body.comment { font-size: 14px; }
.markdown-body h1, .markdown-body h2 { padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h1 { font-size: 2em; } .markdown-body h2 { font-size: 1.5em; }
.markdown-body h3 { font-size: 1.25em; } .markdown-body h4 { font-size: 1em; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4 { margin: 24px 0 16px; font-weight: 600;
                                                                            line-height: 1.25; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body details,
.markdown-body pre { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f; border-radius: 6px;
                      font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
                      monospace; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto;
                       border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body img { max-width: 100%; }
.markdown-body hr { height: .25em; background: #d1d9e0; border: 0; margin: 24px 0; }
.markdown-body sub { font-size: 75%; }
.markdown-body summary { cursor: pointer; }
.diff { font-family: ui-monospace, "Liberation Mono", monospace; font-size: 12px; line-height: 20px;
        white-space: pre; width: 1012px; overflow: hidden; }
.diff div { padding: 0 10px; } .diff .add { background: #dafbe1; } .diff .del { background: #ffebe9; }
.diff .hunk { background: #ddf4ff; color: #59636e; } .diff .file { background: #f6f8fa; font-weight: 600; }
"""


def markdown(text: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.render(text)


def page(title: str, body: str, header: str, comment: bool = False) -> str:
    cls = "markdown-body comment" if comment else "markdown-body"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body><div class='page'><div class='box'>"
            f"<div class='box-header'>{html.escape(header)}</div><div class='{cls}'>{body}</div>"
            "</div></div></body></html>")


def diff_page(diff: str) -> str:
    rows = []
    for line in diff.splitlines():
        cls = ("file" if line.startswith(("+++", "---")) else "hunk" if line.startswith("@@")
               else "add" if line.startswith("+") else "del" if line.startswith("-") else "")
        rows.append(f"<div class='{cls}'>{html.escape(line) or ' '}</div>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
            f"<div class='page'><div class='box'><div class='diff'>{''.join(rows)}</div></div></div></body></html>")


def open_details(text: str) -> str:
    return text.replace("<details>", "<details open>")


def screenshot(chromium: str, html_file: Path, png: Path, height: int) -> None:
    with tempfile.TemporaryDirectory(prefix="curator-shot-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}", "--virtual-time-budget=3000",
               f"--screenshot={png}", f"--window-size={WIDTH},{height}", html_file.as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not png.is_file():
        raise SystemExit(f"chromium failed on {html_file.name}: {done.stderr.strip()[-500:]}")


def shoot(chromium: str, html_file: Path, out: Path, name: str) -> list[Path]:
    """Screenshots of the whole page, cut into tiles; the window grows until the page fits."""
    from PIL import Image, ImageChops

    height = 4000
    full = out / f"{name}-full.png"
    while True:
        screenshot(chromium, html_file, full, height)
        image = Image.open(full).convert("RGB")
        blank = Image.new("RGB", image.size, (255, 255, 255))
        box = ImageChops.difference(image, blank).getbbox()
        bottom = box[3] if box else 1
        if bottom < height - 40 or height >= MAX_HEIGHT:
            break
        height = min(MAX_HEIGHT, height * 2)
    image = image.crop((0, 0, WIDTH, min(height, bottom + 24)))
    full.unlink()
    tiles = []
    for i, top in enumerate(range(0, image.height, TILE), 1):
        piece = image.crop((0, top, WIDTH, min(image.height, top + TILE)))
        if ImageChops.difference(piece, Image.new("RGB", piece.size, (255, 255, 255))).getbbox() is None:
            continue  # nothing but the page's margin
        tile = out / f"{name}-{i}.png"
        piece.save(tile)
        tiles.append(tile)
    return tiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a `curator demo` output folder")
    parser.add_argument("--out", type=Path, default=None, help="where to write [default: DIR/screenshots]")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"),
                        help="the Chromium binary [default: chromium on PATH]")
    args = parser.parse_args(argv)
    if not args.chromium:
        print("screenshots: no chromium on PATH (Debian: apt-get install chromium fonts-noto-color-emoji)",
              file=sys.stderr)
        return 2
    src = args.dir
    lists = [p for p in src.glob("*.md") if p.name != "pr-body.md"]
    if not (src / "pr-body.md").is_file() or not lists:
        print(f"screenshots: {src} has no pr-body.md and list: run `curator demo {src}` first", file=sys.stderr)
        return 2
    out = args.out or src / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    body = (src / "pr-body.md").read_text(encoding="utf-8")
    pages = {
        "pr-body": page("PR body", markdown(body), "curator-bot commented", comment=True),
        "pr-body-open": page("PR body", markdown(open_details(body)), "curator-bot commented (folds opened)",
                             comment=True),
        "list": page(lists[0].name, markdown(lists[0].read_text(encoding="utf-8")), lists[0].name),
    }
    if (src / "list.diff").is_file():
        pages["diff"] = diff_page((src / "list.diff").read_text(encoding="utf-8"))
    for name, text in pages.items():
        # beside DIR's files, so the list's relative image links (assets/star-history.svg) resolve
        html_file = src / f".{name}.screenshot.html"
        html_file.write_text(text, encoding="utf-8")
        try:
            tiles = shoot(args.chromium, html_file, out, name)
        finally:
            shutil.copyfile(html_file, out / f"{name}.html")
            html_file.unlink()
        for tile in tiles:
            print(f"{tile}  {tile.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
