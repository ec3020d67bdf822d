"""Step ``score``: Ease-of-Use, docs level, channels and Ease-of-Deployment per engine."""
from __future__ import annotations

from datetime import date, timedelta

from curator.steps import StepResult, from_run

# repo_stats history read for star growth, and how long a page's last good
# reading stands in when tonight's fetch failed
STATS_WINDOW_DAYS = 60
SIGNALS_WINDOW_DAYS = 30


def score(app, *, day: str | None = None) -> StepResult:
    """Score every engine for ``day`` (YYYY-MM-DD, default today UTC); one line per engine via ``app.echo``."""
    from classifier.scoring import Weights
    from db.runs import now_iso
    from db.web import engines_to_score, save_engine_score

    day = day or now_iso()[:10]
    weights = Weights.from_config(app.config["scoring"])
    since = (date.fromisoformat(day) - timedelta(days=STATS_WINDOW_DAYS)).isoformat()
    with app.run("score") as run:
        for engine in engines_to_score(app.db):
            result = score_one(app.db, engine, weights, since, day)
            save_engine_score(app.db, engine["name"], day, result.__dict__)
            run.add("scored")
            app.echo(line(engine["name"], result))
        return from_run(run, f"score: {run.counts.get('scored', 0)} engines scored for {day}")


def score_one(db, engine: dict, weights, since: str, day: str):
    """Score one engine from its readings of the last ``SIGNALS_WINDOW_DAYS`` and its stats history."""
    from classifier.scoring import merge_readings, score_engine
    from db.features import docs_signal_rows
    from db.web import stats_history, usable_web_signals

    window = (date.fromisoformat(day) - timedelta(days=SIGNALS_WINDOW_DAYS)).isoformat()
    readings = usable_web_signals(db, engine["name"], window, day)
    readings += docs_signal_rows(db, engine["name"], window, day)  # the pages `crawl docs` read
    merged = merge_readings(readings)
    history = [h for h in stats_history(db, engine["repo"], since) if h["date"][:10] <= day]
    return score_engine(merged, history, weights)


def _fmt(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.{digits}f}"


def line(name: str, r) -> str:
    return (f"{name}\tease_of_use={_fmt(r.ease_of_use)}\tdocs={r.docs_level or '-'}\tsns={_fmt(r.sns)}"
            f"\tforum={_fmt(r.forum)}\tmeetup={_fmt(r.meetup)}\tease_of_deployment={_fmt(r.ease_of_deployment)}")
