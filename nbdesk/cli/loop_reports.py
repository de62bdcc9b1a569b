"""Closing the loop at the command line (issue 14): the plan for young people, recording that the
plan was shared back, and the evidence pack.

    nbdesk plan young-people-report PLAN --out FILE.pdf|FILE.html [--show-owners] [--get-involved T]
    nbdesk plan feedback-sent PLAN --channel text --how-many N [--date D] [--note T]
    nbdesk report evidence PLAN --out FILE.pdf|FILE.html|FILE.xlsx

The files are written by nbdesk.returns.service, as the Returns section writes them. (The Notify
list of everyone to tell is `nbdesk export notify ROUND --everyone --plan-link URL`, in
nbdesk.cli.survey.)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, open_db


def register_plan(actions: Any) -> None:
    """The `plan` subcommands, added to the `plan` command's subparsers (nbdesk.cli.plan)."""
    yp = actions.add_parser(
        "young-people-report",
        help="the plan for young people: You said, We are doing, What you will see (PDF or HTML)",
    )
    yp.add_argument("plan", metavar="PLAN")
    add_db_option(yp)
    yp.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html")
    yp.add_argument(
        "--show-owners",
        action="store_true",
        help="name who is doing each action (people, teams and partners; default: no names)",
    )
    yp.add_argument(
        "--get-involved", default="", metavar="TEXT", help="how young people can get involved"
    )
    yp.set_defaults(func=run_young_people_report)

    sent = actions.add_parser(
        "feedback-sent",
        help="record that the plan went out to young people (when, how, to how many)",
    )
    sent.add_argument("plan", metavar="PLAN")
    add_db_option(sent)
    sent.add_argument("--channel", required=True, help="text, email, letter, in person, …")
    sent.add_argument("--how-many", type=int, required=True, metavar="N")
    sent.add_argument("--date", metavar="DATE", help="the day it went out (default: today)")
    sent.add_argument("--note", default="")
    sent.set_defaults(func=run_feedback_sent)


def register_report(report: Any) -> None:
    """`nbdesk report evidence`, added to the `report` group (nbdesk.cli.returns)."""
    evidence = report.add_parser(
        "evidence", help="the evidence pack, you said, we did, for inspection and the board"
    )
    evidence.add_argument("plan", metavar="PLAN")
    add_db_option(evidence)
    evidence.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html|FILE.xlsx")
    evidence.set_defaults(func=run_report_evidence)


def _write(args: argparse.Namespace, by_suffix: dict[str, str], options: Any = None) -> Any:
    from nbdesk.action_plan.plans import find_plan
    from nbdesk.cli.returns import kind_for
    from nbdesk.common.atomic import ExportError
    from nbdesk.returns import service

    key = kind_for(args.out, by_suffix)
    with open_db(args) as db:
        with db.session() as session:
            plan_id = find_plan(session, args.plan)
            preview = service.preview(session, key, plan_id, options=options)
        try:
            written = service.export(db.session, key, plan_id, args.out, options=options)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Wrote {written}")
    return preview


def run_young_people_report(args: argparse.Namespace) -> int:
    from nbdesk.returns import service

    options = service.ExportOptions(args.show_owners, args.get_involved)
    by_suffix = {".pdf": service.YP_PLAN_PDF, ".html": service.YP_PLAN_HTML}
    preview = _write(args, by_suffix, options)
    facts = dict(preview.facts)
    if "Left out" in facts:
        print(f"Left out: {facts['Left out']}.")
    table = preview.tables[0]
    print(f"Readability: {facts['Readability']}.")
    for row in table.rows[1:]:
        print(f"  {row[0].text}: {row[1].text}")
    print("(A guide for you to fix; nothing is enforced.)")
    return 0


def run_report_evidence(args: argparse.Namespace) -> int:
    from nbdesk.returns import service

    by_suffix = {
        ".pdf": service.EVIDENCE_PDF,
        ".html": service.EVIDENCE_HTML,
        ".xlsx": service.EVIDENCE_XLSX,
    }
    _write(args, by_suffix)
    return 0


def run_feedback_sent(args: argparse.Namespace) -> int:
    from nbdesk.action_plan.plans import find_plan
    from nbdesk.cli.plan import _day
    from nbdesk.common import clock
    from nbdesk.common.dates import format_day
    from nbdesk.feedback.telling_back import record_feedback

    sent_on = _day(args.date, "--date") or clock.today()
    with open_db(args) as db, db.transaction() as session:
        plan_id = find_plan(session, args.plan)
        record_feedback(
            session,
            plan_id=plan_id,
            channel=args.channel,
            how_many=args.how_many,
            sent_on=sent_on,
            note=args.note,
        )
    print(
        f"Recorded: plan {plan_id} shared with young people on {format_day(sent_on)} "
        f"({args.how_many} by {args.channel.strip().lower()})."
    )
    return 0
