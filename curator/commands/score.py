"""`curator score`: Ease-of-Use, docs level, channels and Ease-of-Deployment per engine."""
from __future__ import annotations

import click

from curator.app import pass_app

# repo_stats history read for star growth, and how long a page's last good
# reading stands in when tonight's fetch failed
STATS_WINDOW_DAYS = 60
SIGNALS_WINDOW_DAYS = 30


@click.command("score", short_help="Score every engine from web signals and GitHub stats.")
@click.option("--date", "day", default=None, help="Date of the score rows (YYYY-MM-DD, default today UTC).")
@pass_app
def score(app, day: str | None) -> None:
    """Score every engine from its latest web signals and GitHub statistics."""
    from datetime import date, timedelta

    from classifier.scoring import Weights
    from catalogue.errors import BadInput
    from db.runs import now_iso
    from db.web import engines_to_score, save_engine_score

    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise BadInput(f"--date: expected YYYY-MM-DD, got {day!r}") from None
    day = day or now_iso()[:10]
    weights = Weights.from_config(app.config["scoring"])
    since = (date.fromisoformat(day) - timedelta(days=STATS_WINDOW_DAYS)).isoformat()
    with app.run("score") as run:
        for engine in engines_to_score(app.db):
            result = score_one(app.db, engine, weights, since, day)
            save_engine_score(app.db, engine["name"], day, result.__dict__)
            run.add("scored")
            app.echo(_line(engine["name"], result))


def score_one(db, engine: dict, weights, since: str, day: str):
    """Merge the engine's latest signals and stats history, then score."""
    from datetime import date, timedelta

    from classifier.scoring import score_engine
    from crawler.signals import Signals, merge
    from db.features import docs_signal_rows
    from db.web import stats_history, usable_web_signals

    window = (date.fromisoformat(day) - timedelta(days=SIGNALS_WINDOW_DAYS)).isoformat()
    rows = [r for r in usable_web_signals(db, engine["name"], window, day) if r["signals"]]
    rows += docs_signal_rows(db, engine["name"], window, day)  # the pages `crawl docs` read
    merged = None
    if rows:
        merged = merge([Signals.from_dict(r["signals"]) for r in rows]).to_dict()
        merged["docs_site_fetched"] = any(r["source"] in ("docs", "docs_link") for r in rows)
        merged["read_urls"] = sorted({r["url"] for r in rows if r["url"]})
        merged["sources"] = [f"{r['source']}@{r['date']}" for r in rows]
    history = [h for h in stats_history(db, engine["repo"], since) if h["date"][:10] <= day]
    return score_engine(merged, history, weights)


def _fmt(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.{digits}f}"


def _line(name: str, r) -> str:
    return (f"{name}\tease_of_use={_fmt(r.ease_of_use)}\tdocs={r.docs_level or '-'}\tsns={_fmt(r.sns)}"
            f"\tforum={_fmt(r.forum)}\tmeetup={_fmt(r.meetup)}\tease_of_deployment={_fmt(r.ease_of_deployment)}")
