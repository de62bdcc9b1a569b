"""round results import / set / show; priorities add / list.

Closing the loop from the command line: a round's official counts and findings from the central
team, and what young people said needs to change. Every refusal is one line on stderr with exit 1
and the file as it was. A quote holding a name on the register is kept (the word may not be about
a person) with a warning line on stderr, so what is printed on stdout stays the record of what was
saved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, command_group, open_db, typed_day
from nbdesk.cli.plan import _OneLineParser


def _one_line(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.error = _OneLineParser.error.__get__(parser)  # type: ignore[method-assign]
    return parser


def _count(text: str) -> int:
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is less than 0")
    return value


def register(subparsers: Any) -> None:
    rounds = command_group(subparsers, "round", "survey rounds")
    results = _one_line(
        rounds.add_parser(
            "results", help="a round's official counts and findings from the central team"
        )
    )
    actions = results.add_subparsers(
        dest="results_action", metavar="ACTION", required=True, parser_class=_OneLineParser
    )
    load = actions.add_parser(
        "import",
        help="replace the round's findings with those in a .csv or .xlsx with the columns "
        "Domain, Finding, Percent, Base; a bad row is named and nothing is stored",
    )
    load.add_argument("name", metavar="ROUND")
    load.add_argument("file", type=Path, metavar="FILE")
    add_db_option(load)
    load.set_defaults(func=run_results_import)

    put = actions.add_parser("set", help="record or correct the round's official counts")
    put.add_argument("name", metavar="ROUND")
    add_db_option(put)
    put.add_argument("--invited", type=_count, required=True, metavar="N")
    put.add_argument("--completed", type=_count, required=True, metavar="N")
    put.add_argument("--date", type=typed_day, metavar="DATE", help="received (default: today)")
    put.add_argument("--note", default="", metavar="TEXT")
    put.set_defaults(func=run_results_set)

    show = actions.add_parser("show", help="the official counts beside nbdesk's, and findings")
    show.add_argument("name", metavar="ROUND")
    add_db_option(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument(
        "--compare", metavar="OTHER", help="another round: each finding's change in points"
    )
    show.set_defaults(func=run_results_show)

    priorities = _one_line(
        subparsers.add_parser("priorities", help="what young people said needs to change")
    )
    pri_actions = priorities.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_OneLineParser
    )
    add = pri_actions.add_parser(
        "add",
        help="a theme on the authority's list (added if new), its count for the round and a "
        "short anonymous quote",
    )
    add.add_argument("name", metavar="ROUND")
    add.add_argument("theme", metavar="THEME")
    add_db_option(add)
    add.add_argument("--count", type=_count, metavar="N", help="how many named it this round")
    add.add_argument("--quote", metavar="TEXT", help="a short quote, with no name in it")
    add.add_argument("--month", metavar="YYYY-MM", help="the quote's month (default: this month)")
    add.set_defaults(func=run_priorities_add)

    listing = pri_actions.add_parser("list", help="the round's themes, counts and quotes")
    listing.add_argument("name", metavar="ROUND")
    add_db_option(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_priorities_list)


def run_results_import(args: argparse.Namespace) -> int:
    from nbdesk.feedback.results import read_findings, store_findings
    from nbdesk.survey.rounds import find_round

    if not args.file.is_file():
        raise CommandError(f"{args.file}: no such file.")
    rows = read_findings(args.file)  # refused before the file is opened for writing
    with open_db(args) as db, db.transaction() as session:
        survey_round = find_round(session, args.name)
        stored = store_findings(session, survey_round.id, rows).value
    small = sum(1 for r in rows if r.base < 10)
    print(
        f"Stored {stored} findings for {survey_round.name} from {args.file.name}"
        + (f"; {small} on a small base (never printed)." if small else ".")
    )
    return 0


def run_results_set(args: argparse.Namespace) -> int:
    from nbdesk.feedback.results import round_result, set_round_result
    from nbdesk.feedback.words import difference_words, official_words
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.transaction() as session:
        survey_round = find_round(session, args.name)
        set_round_result(
            session,
            survey_round.id,
            invited=args.invited,
            completed=args.completed,
            received_on=args.date,
            note=args.note,
        )
        view = round_result(session, survey_round.id)
    assert view is not None
    print(f"{survey_round.name}: {official_words(view)}")
    print(difference_words(view))
    return 0


def run_results_show(args: argparse.Namespace) -> int:
    from nbdesk.feedback.results import list_findings, round_result
    from nbdesk.feedback.words import (
        base_words,
        comparison,
        difference_words,
        official_words,
        points_words,
    )
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.session() as session:
        survey_round = find_round(session, args.name)
        view = round_result(session, survey_round.id)
        findings = list_findings(session, survey_round.id)
        compared = None
        if args.compare:
            other = find_round(session, args.compare)
            if other.id == survey_round.id:
                raise CommandError("--compare names the same round; name another one.")
            compared = comparison(session, survey_round.id, other.id)
    if args.json:
        data: dict[str, Any] = {
            "round": survey_round.name,
            "nbdesk_confirmed": survey_round.completed,
            "official": None,
            "findings": [
                {
                    "domain": f.domain,
                    "finding": f.text,
                    "percent": f.percent,
                    "base": f.base,
                    "small_base": f.small,
                }
                for f in findings
            ],
        }
        if view is not None:
            data["official"] = {
                "invited": view.invited,
                "completed": view.completed,
                "received_on": view.received_on.isoformat(),
                "note": view.note,
                "difference": view.difference,
            }
        if compared is not None:
            baseline, follow_up, pairs = compared
            data["comparison"] = {
                "baseline": baseline,
                "follow_up": follow_up,
                "findings": [
                    {
                        "domain": p.domain,
                        "finding": p.text,
                        "baseline_percent": p.before.percent if p.before else None,
                        "follow_up_percent": p.after.percent if p.after else None,
                        "points": p.points,
                    }
                    for p in pairs
                ],
            }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(survey_round.title)
    if view is None:
        print(
            f"Official counts: not recorded yet (nbdesk has {survey_round.completed} "
            "completions confirmed)."
        )
    else:
        print(f"Official counts: {official_words(view)}")
        print(difference_words(view))
        if view.note:
            print(f"Note: {view.note}")
    print(f"\nFindings ({len(findings)})" if findings else "\nNo findings recorded.")
    for f in findings:
        print(f"  {f.domain}: {f.text} — {f.percent:g}% of {base_words(f)}")
    if compared is not None:
        baseline, follow_up, pairs = compared
        print(f"\nChange from {baseline} to {follow_up}")
        for p in pairs:
            if p.before is None or p.after is None:
                where = follow_up if p.before is None else baseline
                print(f"  {p.domain}: {p.text} — only in {where}")
                continue
            small = " (small base)" if p.before.small or p.after.small else ""
            print(
                f"  {p.domain}: {p.text} — {p.before.percent:g}% to {p.after.percent:g}%, "
                f"{points_words(p.points)}{small}"
            )
    return 0


def run_priorities_add(args: argparse.Namespace) -> int:
    from nbdesk.feedback.priorities import add_quote, add_theme, month_of, set_count
    from nbdesk.survey.rounds import find_round

    if args.month is not None and args.quote is None:
        raise CommandError("--month is the month of a quote: give the quote with --quote.")
    month = month_of(args.month) if args.month is not None else None  # refused before opening
    names: tuple[str, ...] = ()
    with open_db(args) as db, db.transaction() as session:
        survey_round = find_round(session, args.name)
        theme_id = add_theme(session, args.theme).value
        theme = dict(_themes(session))[theme_id]
        said = [f"Theme '{theme}'"]
        if args.count is not None:
            set_count(session, survey_round.id, theme_id, args.count)
            said.append(f"named by {args.count} in {survey_round.name}")
        if args.quote is not None:
            added = add_quote(session, survey_round.id, theme_id, args.quote, month=month).value
            names = added.names_found
            said.append(f"quote {added.quote_id} kept")
    print(", ".join(said) + ".")
    if names:
        words = ", ".join(f"'{n}'" for n in names)
        print(
            f"nbdesk: warning: the quote contains {words}, a name on the register. It was kept: "
            "if it could identify someone, edit or remove it.",
            file=sys.stderr,
        )
    return 0


def _themes(session: Any) -> list[tuple[int, str]]:
    from nbdesk.feedback.priorities import list_themes

    return list_themes(session)


def run_priorities_list(args: argparse.Namespace) -> int:
    from nbdesk.feedback.priorities import tally
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.session() as session:
        survey_round = find_round(session, args.name)
        rows = tally(session, survey_round.id)
        themes = _themes(session)
    if args.json:
        data = {
            "round": survey_round.name,
            "themes": [
                {
                    "theme": r.theme,
                    "count": r.count,
                    "quotes": [{"month": q.month, "text": q.text} for q in r.quotes],
                }
                for r in rows
            ],
            "authority_themes": [name for _id, name in themes],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"Young people's priorities after {survey_round.name}")
    if not rows:
        print("None recorded yet.")
    for r in rows:
        print(f"  {r.theme}: named by {r.count}")
        for q in r.quotes:
            print(f"    {q.month}  “{q.text}”")
    unused = [name for tid, name in themes if tid not in {r.theme_id for r in rows}]
    if unused:
        print(f"Other themes on the list: {', '.join(unused)}")
    return 0
