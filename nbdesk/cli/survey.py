"""register import; round open / status / complete; export notify."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, command_group, open_db, typed_day
from nbdesk.common import clock
from nbdesk.common.figures import people


def register(subparsers: Any) -> None:
    reg = subparsers.add_parser("register", help="the care leaver register")
    reg_actions = reg.add_subparsers(dest="action", metavar="ACTION", required=True)
    load = reg_actions.add_parser(
        "import",
        help="import or update people from a .csv or .xlsx list (Annex A or a plain list); a "
        "bad detail is left blank with a warning and the person imported; imports nothing if a "
        "row names no one (unless --skip-invalid) or an id is on rows that differ (unless --keep)",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    add_db_option(load)
    load.add_argument("--sheet", help="the sheet to read (default: the care-leaver list)")
    load.add_argument("--dry-run", action="store_true", help="check the file; change nothing")
    load.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import everyone else even if some rows are refused because they have no usable "
        "unique id (those rows are printed)",
    )
    load.add_argument(
        "--keep",
        choices=["first", "last"],
        help="for an id on rows that differ, import its first or its last row",
    )
    load.set_defaults(func=run_register_import)

    rnd_actions = command_group(subparsers, "round", "survey rounds")
    opening = rnd_actions.add_parser(
        "open", help="open a round: fixes who is eligible (aged 16 to 25 on the opening day)"
    )
    opening.add_argument("name", metavar="NAME")
    add_db_option(opening)
    opening.add_argument("--opens", type=typed_day, required=True, metavar="DATE")
    opening.add_argument("--closes", type=typed_day, required=True, metavar="DATE")
    opening.set_defaults(func=run_round_open)

    status = rnd_actions.add_parser("status", help="eligible, completed, rate and breakdowns")
    status.add_argument("name", metavar="NAME")
    add_db_option(status)
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_round_status)

    complete = rnd_actions.add_parser("complete", help="mark a person as having completed")
    complete.add_argument("name", metavar="NAME")
    complete.add_argument("--person", required=True, metavar="ID", help="the person's unique id")
    add_db_option(complete)
    complete.add_argument(
        "--confirmed-by", choices=["young-person", "pa", "trusted-adult"], default="pa"
    )
    complete.add_argument("--date", type=typed_day, metavar="DATE", help="the day (default: today)")
    complete.set_defaults(func=run_round_complete)

    # The choices are checked by the service, which names them: importing its lists here would
    # load SQLAlchemy before the window starts.
    contact = rnd_actions.add_parser("contact", help="log a contact with a person in a round")
    contact.add_argument("name", metavar="NAME")
    contact.add_argument("--person", required=True, metavar="ID", help="the person's unique id")
    add_db_option(contact)
    contact.add_argument("--channel", default="text", help="text, whatsapp, phone, email, …")
    contact.add_argument("--purpose", default="reminder", help="warm-up, link-sent, reminder, …")
    contact.add_argument("--outcome", default="no-reply", help="no-reply, spoke, …")
    contact.add_argument("--note", default="", help="a short note (erased with the round's)")
    contact.add_argument("--date", type=typed_day, metavar="DATE", help="the day (default: today)")
    contact.set_defaults(func=run_round_contact)

    export = command_group(subparsers, "export", "write a file for another system")
    notify = export.add_parser(
        "notify", help="the GOV.UK Notify upload list of the people to remind in round NAME"
    )
    notify.add_argument("name", metavar="NAME")
    add_db_option(notify)
    notify.add_argument("--out", type=Path, required=True, metavar="FILE", help=".csv or .xlsx")
    notify.add_argument("--channel", choices=["text", "email"], default="text")
    notify.add_argument(
        "--columns",
        default=None,
        help="personalisation columns, comma-separated (first name, pa name, round closes, "
        "plan link); default: first name,pa name (with --everyone: and plan link)",
    )
    notify.add_argument(
        "--everyone",
        action="store_true",
        help="everyone on the register who can be contacted, to tell them back (not reminders)",
    )
    notify.add_argument("--plan-link", default="", metavar="URL", help="the plan's web address")
    notify.add_argument(
        "--left-out", type=Path, metavar="FILE", help="also write those left out to this CSV"
    )
    notify.set_defaults(func=run_export_notify)


def run_register_import(args: argparse.Namespace) -> int:
    from nbdesk.survey.import_preview import ID_KINDS
    from nbdesk.survey.register_columns import TARGET_BY_KEY, read_register_file
    from nbdesk.survey.register_import import apply_import, preview_import

    table = read_register_file(args.file, args.sheet)
    with open_db(args) as db, db.transaction() as session:
        preview = preview_import(session, table)
        if preview.problems:
            raise CommandError(" ".join(preview.problems))
        if not preview.rows_read:
            raise CommandError(f"{preview.source}: the list has no rows below its header.")
        mapped = ", ".join(f"{h} → {TARGET_BY_KEY[k].label}" for k, h in preview.mapping.items())
        print(f"{preview.source}: {preview.rows_read} rows read. Columns: {mapped}.")
        if preview.ignored_headers:
            print(f"Not imported: {', '.join(preview.ignored_headers)}.")
        for rejection in preview.rejections:
            print(f"Left out {rejection.text()}")
        conflicts = preview.duplicates
        if args.keep:
            preview = preview.keep(args.keep)
            for duplicate, number in preview.kept:
                print(f"Kept row {number} (--keep {args.keep}): {duplicate.text()}.")
        else:
            for duplicate in conflicts:
                print(f"Rows differ: {duplicate.text()}.")
        for warning in preview.warnings:
            print(f"Warning: {warning.text()}")
        print(preview.summary())

        refusal = where = ""
        if preview.duplicates:
            where = preview.duplicates[0].text()
            refusal = (
                "an id is on rows that differ. Correct the list, or choose a row with "
                "--keep first or --keep last."
            )
        elif preview.rejections and not args.skip_invalid:
            where = preview.rejections[0].text()
            refusal = (
                "some rows name no one."
                if all(r.kind in ID_KINDS for r in preview.rejections)
                else "some rows are refused."
            ) + " Fix them, or use --skip-invalid to import everyone else."
        elif not preview.valid:
            refusal = "every row is left out (none has a usable unique id)."
        if args.dry_run:
            print(
                "Dry run: nothing was changed."
                + (f" Without --dry-run nothing would be imported: {refusal}" if refusal else "")
            )
            return 1 if refusal else 0
        if refusal:
            # One line on stderr naming the file and the first row refused (all are listed above).
            raise CommandError(
                f"{preview.source}: {where + '. ' if where else ''}Nothing was imported: {refusal}"
            )
        result = apply_import(session, preview, skip_invalid=args.skip_invalid)
    print(
        f"Imported: {result.added} added, {result.updated} updated, "
        f"{result.skipped_rows} {'row' if result.skipped_rows == 1 else 'rows'} left out"
        + (f"; {result.warned} with a warning." if result.warned else ".")
    )
    if result.recounted:
        print(f"{result.recounted} counted again in an open round by a corrected date of birth.")
    return 0


def run_round_open(args: argparse.Namespace) -> int:
    from nbdesk.survey.rounds import open_round

    with open_db(args) as db, db.transaction() as session:
        summary = open_round(session, args.name, args.opens, args.closes).value
    print(f"Opened {summary.title}; {people(summary.eligible)} eligible.")
    return 0


def run_round_status(args: argparse.Namespace) -> int:
    from nbdesk.survey.dashboard import dashboard, status_dict
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.session() as session:
        board = dashboard(session, find_round(session, args.name).id)
    status = status_dict(board)
    if args.json:
        print(json.dumps(status, indent=2, ensure_ascii=False))
        return 0

    def pct(rate: float | None) -> str:
        return "–" if rate is None else f"{rate:.0%}"

    print(f"{board.round.title}")
    print(
        f"Eligible {board.overall.eligible}, completed {board.overall.completed}, "
        f"response rate {pct(board.overall.rate)}"
    )
    for title, groups in board.breakdowns().items():
        print(f"\n{title}")
        for g in groups:
            print(f"  {g.group:<36}{g.completed:>6} of {g.eligible:<6}{pct(g.rate):>6}")
    print(f"\nNot contacted in the last {board.quiet_days} days: {len(board.not_contacted)}")
    return 0


def run_round_complete(args: argparse.Namespace) -> int:
    from nbdesk.survey.completion import mark_completed
    from nbdesk.survey.register import find_person
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.transaction() as session:
        survey_round = find_round(session, args.name)
        person = find_person(session, args.person)
        mark_completed(
            session, survey_round.id, person.id, args.confirmed_by, args.date or clock.today()
        )
    print(f"Marked {person.unique_id} as completed in {survey_round.name}.")
    return 0


def run_round_contact(args: argparse.Namespace) -> int:
    from nbdesk.common.computer_user import computer_user
    from nbdesk.survey.contacts import log_contact
    from nbdesk.survey.register import find_person
    from nbdesk.survey.rounds import find_round

    with open_db(args) as db, db.transaction() as session:
        survey_round = find_round(session, args.name)
        person = find_person(session, args.person)
        number = log_contact(
            session,
            survey_round.id,
            person.id,
            args.date or clock.today(),
            args.channel,
            args.purpose,
            args.outcome,
            args.note,
            logged_by=computer_user(),
        ).value
    print(f"Logged contact {number} with {person.unique_id} in {survey_round.name}.")
    return 0


def run_export_notify(args: argparse.Namespace) -> int:
    from nbdesk.survey.notify import notify_list, write_left_out_file, write_notify_file
    from nbdesk.survey.rounds import find_round

    columns = (
        tuple(c.strip().lower() for c in args.columns.split(",") if c.strip())
        if args.columns is not None
        else None
    )
    with open_db(args) as db, db.session() as session:
        round_id = find_round(session, args.name).id
        data = notify_list(
            session,
            round_id,
            args.channel,
            columns,
            everyone=args.everyone,
            plan_link=args.plan_link,
        )
    write_notify_file(args.out, data)
    what = "to tell" if data.everyone else "to remind"
    print(f"Wrote {people(len(data.rows))} {what} to {args.out} ({', '.join(data.headers)}).")
    if data.left_out:
        print(f"Left out {len(data.left_out)}:")
        for person in data.left_out:
            print(f"  {person.unique_id}: {person.reason}")
    if args.left_out:
        write_left_out_file(args.left_out, data)
        print(f"Those left out, with names and reasons: {args.left_out}")
    if data.everyone:
        print(
            "When the messages have gone out, record it: nbdesk plan feedback-sent PLAN "
            f"--channel {data.channel} --how-many {len(data.rows)}"
        )
    return 0
