"""plan create / list / show / sign-off / export / report, and plan action add / update / status.

A plan is named by its name or id, an action by the id `plan show` prints. Every refusal is one
line on stderr with exit 1, including a bad flag or a missing value (the `plan` parsers do not
print argparse's usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from nbdesk.cli import CommandError, add_db_option, open_db
from nbdesk.cli.returns import add_tagged_option


class _OneLineParser(argparse.ArgumentParser):
    """Refuses a bad flag or value in one line with exit 1, as every other refusal of `plan` is
    made, rather than with argparse's usage and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"nbdesk: error: {self.prog}: {message}", file=sys.stderr)
        raise SystemExit(1)

    def parse_known_args(  # type: ignore[override]
        self, args: Any = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # Left over, they would reach the top-level parser, which prints its usage.
        found, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return found, extras


def register(subparsers: Any) -> None:
    plan = subparsers.add_parser(
        "plan", help="action plans: create, list, show, sign off, export, report; actions"
    )
    plan.error = _OneLineParser.error.__get__(plan)
    actions = plan.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_OneLineParser
    )

    create = actions.add_parser("create", help="a new plan, or a revised copy of one")
    create.add_argument("name", metavar="NAME")
    add_db_option(create)
    create.add_argument("--stage", help="initial, revised or other (default: initial)")
    create.add_argument("--starts", metavar="DATE", help="default: today")
    create.add_argument("--ends", metavar="DATE", help="default: two years after it starts")
    create.add_argument("--theme", action="append", default=[], metavar="THEME")
    create.add_argument("--revises", metavar="PLAN", help="copy this plan's themes and actions")
    create.set_defaults(func=run_create)

    listing = actions.add_parser("list", help="the plans, with their progress at a glance")
    add_db_option(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="a plan's themes and actions, and what needs attention")
    show.add_argument("plan", metavar="PLAN")
    add_db_option(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=run_show)

    sign = actions.add_parser("sign-off", help="record a senior leader's sign-off")
    sign.add_argument("plan", metavar="PLAN")
    add_db_option(sign)
    sign.add_argument("--name", required=True)
    sign.add_argument("--role", required=True)
    sign.add_argument("--date", metavar="DATE", help="default: today")
    sign.add_argument("--note", default="")
    sign.set_defaults(func=run_sign_off)

    for name, suffix, text in (
        ("export", "xlsx", "the action plan workbook (xlsx)"),
        ("report", "pdf|FILE.html", "the progress report for managers and the board (PDF or HTML)"),
    ):
        out = actions.add_parser(name, help=text)
        out.add_argument("plan", metavar="PLAN")
        add_db_option(out)
        out.add_argument("--out", type=Path, required=True, metavar=f"FILE.{suffix}")
        if name == "report":
            add_tagged_option(out)
        out.set_defaults(func=run_export if name == "export" else run_report)

    from nbdesk.cli.loop_reports import register_plan

    register_plan(actions)  # young-people-report, feedback-sent

    action = actions.add_parser("action", help="add an action, an update, or set a status")
    action.error = _OneLineParser.error.__get__(action)
    verbs = action.add_subparsers(
        dest="verb", metavar="VERB", required=True, parser_class=_OneLineParser
    )
    add = verbs.add_parser("add", help="add an action to a theme of a plan")
    add.add_argument("plan", metavar="PLAN")
    add.add_argument("theme", metavar="THEME", help="the theme's title or number")
    add.add_argument("we_will", metavar="WE_WILL", help="what the authority will do")
    add_db_option(add)
    add.add_argument("--you-said", default="", help="what young people said")
    add.add_argument("--who", help="the owner: a person, a team or a partner agency")
    add.add_argument("--who-kind", default="person", help="person, team or partner")
    add.add_argument("--when", default="", help="a date, or a quarter such as 'Q2 2027'")
    add.add_argument("--involvement", help="how young people take part: co-designing,delivering,…")
    add.add_argument(
        "--not-involved", metavar="REASON", help="internal, resources, interest, partners, other"
    )
    add.set_defaults(func=run_action_add)

    update = verbs.add_parser("update", help="add a dated update to an action")
    update.add_argument("action_id", metavar="ACTION")
    update.add_argument("text", metavar="TEXT")
    add_db_option(update)
    update.add_argument("--status", help="the status it leaves the action in")
    update.add_argument("--date", metavar="DATE", help="default: today")
    update.add_argument("--comment", default="", help="young people's comment on it")
    update.add_argument("--reason", default="", help="why, when the action is dropped")
    update.set_defaults(func=run_action_update)

    status = verbs.add_parser("status", help="set an action's status")
    status.add_argument("action_id", metavar="ACTION")
    status.add_argument("status", metavar="STATUS", help="not-started, on-track, at-risk, …")
    add_db_option(status)
    status.add_argument("--reason", default="", help="why, when the action is dropped")
    status.set_defaults(func=run_action_status)


# Reading what was typed ------------------------------------------------------------------------


def _day(text: str | None, what: str) -> date | None:
    from nbdesk.common.dates import parse_date

    if text is None:
        return None
    try:
        return parse_date(text, past=False, serials=False)
    except ValueError as exc:
        raise CommandError(f"{what}: {exc}") from None


def _action_id(text: str) -> int:
    if not text.strip().isdigit():
        raise CommandError(
            f"An action is named by its number (see 'nbdesk plan show'), not '{text}'."
        )
    return int(text)


def _theme_id(session: Any, plan_id: int, name: str) -> int:
    from nbdesk.action_plan.views import read_plan

    themes = read_plan(session, plan_id).themes
    for theme in themes:
        if theme.title.casefold() == name.strip().casefold() or str(theme.position) == name.strip():
            return theme.id
    known = ", ".join(f"'{t.title}'" for t in themes) or "none"
    raise CommandError(f"The plan has no theme '{name}' (themes: {known}).")


# Commands --------------------------------------------------------------------------------------


def run_create(args: argparse.Namespace) -> int:
    from nbdesk.action_plan.plans import create_plan, find_plan, revise_plan

    starts, ends = _day(args.starts, "--starts"), _day(args.ends, "--ends")
    with open_db(args) as db, db.transaction() as session:
        if args.revises:
            if args.theme:
                raise CommandError("A revised plan takes its themes from the plan it revises.")
            earlier = find_plan(session, args.revises)
            plan_id = revise_plan(
                session,
                earlier,
                args.name,
                stage=args.stage or "revised",
                starts_on=starts,
                ends_on=ends,
            ).value
        else:
            plan_id = create_plan(
                session,
                args.name,
                stage=args.stage or "initial",
                starts_on=starts,
                ends_on=ends,
                themes=args.theme,
            ).value
    print(f"Created the plan '{' '.join(args.name.split())}' (id {plan_id}).")
    return 0


def _summary_json(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "stage": p.stage,
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat(),
        "revises": p.revises or None,
        "signed_off_on": p.signed_off_on.isoformat() if p.signed_off_on else None,
        "actions": p.actions,
        "by_status": p.by_status,
    }


def run_list(args: argparse.Namespace) -> int:
    from nbdesk.action_plan import vocab
    from nbdesk.action_plan.plans import list_plans

    with open_db(args) as db, db.session() as session:
        plans = list_plans(session)
    if args.json:
        print(json.dumps([_summary_json(p) for p in plans], indent=2, ensure_ascii=False))
        return 0
    if not plans:
        print("No action plans.")
    for p in plans:
        counts = ", ".join(f"{vocab.STATUS_SYMBOLS[s]} {n}" for s, n in p.by_status.items() if n)
        print(
            f"{p.id}  {p.name}: {p.describe}; {p.actions} actions{f' ({counts})' if counts else ''}"
        )
    return 0


def _show_json(view: Any, found: Any) -> dict[str, Any]:
    from nbdesk.action_plan import vocab

    def action(a: Any) -> dict[str, Any]:
        latest = a.latest_update
        return {
            "id": a.id,
            "you_said": a.you_said,
            "we_will": a.we_will,
            "owner": a.owner or None,
            "when": a.when or None,
            "due_on": a.due_on.isoformat() if a.due_on else None,
            "status": a.status,
            "status_text": a.status_text,
            "dropped_reason": a.dropped_reason or None,
            "involvement": list(a.involvement),
            "involvement_text": a.involvement_text,
            "updates": len(a.updates),
            "latest_update": None
            if latest is None
            else {
                "written_on": latest.written_on.isoformat(),
                "text": latest.text,
                "status": latest.status,
                "young_people_comment": latest.young_people_comment or None,
            },
            "citations": [c.label for c in a.citations],
            "changed_after_sign_off": a.changed_after_sign_off,
        }

    def share(s: Any) -> dict[str, Any]:
        return {
            "involving": s.involving,
            "counted": s.counted,
            "fraction": s.fraction,
            "delivering": s.delivering,
            "delivering_fraction": s.delivering_fraction,
        }

    return {
        "plan": _summary_json(view.summary),
        "sign_offs": [
            {"name": s.name, "role": s.role, "signed_on": s.signed_on.isoformat(), "note": s.note}
            for s in view.sign_offs
        ],
        "reviews": [
            {
                "held_on": r.held_on.isoformat(),
                "staff": r.staff,
                "partners": r.partners,
                "young_people": r.young_people,
                "young_people_comments": r.young_people_comments,
            }
            for r in view.reviews
        ],
        "attention": {
            "overdue": [a.id for a in found.overdue],
            "drifting": [a.id for a in found.drifting],
            "never_reviewed_with_young_people": [
                a.id for a in found.never_reviewed_with_young_people
            ],
            "next_review_on": found.next_review_on.isoformat(),
            "review_overdue": found.review_overdue,
            "share": share(found.share),
            "share_by_theme": [{"theme": t} | share(s) for t, s in found.share_by_theme],
            "published_share": vocab.PUBLISHED_INVOLVEMENT_SHARE,
            "by_status": found.by_status,
        },
        "themes": [
            {
                "id": t.id,
                "position": t.position,
                "title": t.title,
                "actions": [action(a) for a in t.actions],
            }
            for t in view.themes
        ],
    }


def run_show(args: argparse.Namespace) -> int:
    from nbdesk.action_plan import vocab
    from nbdesk.action_plan.attention import attention
    from nbdesk.action_plan.plans import find_plan
    from nbdesk.action_plan.views import read_plan
    from nbdesk.common import clock
    from nbdesk.common.dates import format_day
    from nbdesk.feedback.telling_back import list_feedback

    with open_db(args) as db, db.session() as session:
        view = read_plan(session, find_plan(session, args.plan))
        shared = list_feedback(session, view.summary.id)
    today = clock.today()
    found = attention(view, today)
    if args.json:
        print(json.dumps(_show_json(view, found), indent=2, ensure_ascii=False))
        return 0
    s = view.summary
    print(f"{s.name} (id {s.id}): {s.describe}")
    counts = ", ".join(f"{vocab.status_text(k).lower()} {n}" for k, n in found.by_status.items())
    print(f"Actions: {len(view.actions)} ({counts})")
    print(
        f"Overdue: {len(found.overdue)} · Drifting: {len(found.drifting)} · "
        f"Involving young people: {found.share.text}; {found.published_share_text}"
    )
    late = " (late)" if found.review_overdue else ""
    print(f"Next review due: {format_day(found.next_review_on)}{late}")
    if shared:
        print(f"Shared with young people on {shared[0].describe}")
    overdue, drifting = {a.id for a in found.overdue}, {a.id for a in found.drifting}
    for theme in view.themes:
        print(f"\nTheme {theme.position}: {theme.title}")
        if not theme.actions:
            print("  (no actions yet)")
        for a in theme.actions:
            marks = [
                m for m, on in (("overdue", a.id in overdue), ("drifting", a.id in drifting)) if on
            ]
            who = ", ".join(x for x in (a.owner, a.when) if x)
            print(
                f"  {a.id:>5}  {a.status_text:<14} {a.we_will}"
                + (f" — {who}" if who else "")
                + (f" [{', '.join(marks)}]" if marks else "")
            )
            if a.latest_update:
                u = a.latest_update
                print(
                    f"         latest: {format_day(u.written_on)}: {u.text or u.young_people_comment}"
                )
    return 0


def run_sign_off(args: argparse.Namespace) -> int:
    from nbdesk.action_plan.plans import find_plan, sign_off

    signed_on = _day(args.date, "--date")
    with open_db(args) as db, db.transaction() as session:
        plan_id = find_plan(session, args.plan)
        sign_off(
            session, plan_id, name=args.name, role=args.role, signed_on=signed_on, note=args.note
        )
    print(f"Recorded the sign-off of plan {plan_id} by {' '.join(args.name.split())}.")
    return 0


def _write(args: argparse.Namespace, key: str) -> int:
    from nbdesk.action_plan.plans import find_plan
    from nbdesk.cli.returns import _export

    return _export(args, key, lambda session: find_plan(session, args.plan))


def run_export(args: argparse.Namespace) -> int:
    from nbdesk.returns.service import PLAN_WORKBOOK

    return _write(args, PLAN_WORKBOOK)


def run_report(args: argparse.Namespace) -> int:
    from nbdesk.cli.returns import kind_for, report_kinds
    from nbdesk.returns.service import PLAN_REPORT, PLAN_REPORT_HTML

    return _write(args, kind_for(args.out, report_kinds(PLAN_REPORT, PLAN_REPORT_HTML)))


def run_action_add(args: argparse.Namespace) -> int:
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan.plans import find_plan

    with open_db(args) as db, db.transaction() as session:
        plan_id = find_plan(session, args.plan)
        theme_id = _theme_id(session, plan_id, args.theme)
        owner = act.add_owner(session, args.who, args.who_kind).value if args.who else None
        action_id = act.add_action(
            session, theme_id, args.we_will, you_said=args.you_said, owner_id=owner, when=args.when
        ).value
        fields: dict[str, Any] = {}
        if args.involvement is not None:
            fields["involvement"] = args.involvement
        if args.not_involved is not None:
            if args.involvement:
                raise CommandError("Give either --involvement or --not-involved, not both.")
            fields["not_involved_reason"] = args.not_involved
        if fields:
            act.edit_action(session, action_id, **fields)
    print(f"Added action {action_id}.")
    return 0


def run_action_update(args: argparse.Namespace) -> int:
    from nbdesk.action_plan import actions as act

    action_id = _action_id(args.action_id)
    written_on = _day(args.date, "--date")
    with open_db(args) as db, db.transaction() as session:
        act.add_update(
            session,
            action_id,
            args.text,
            status=args.status,
            written_on=written_on,
            young_people_comment=args.comment,
            reason=args.reason,
        )
    print(f"Added an update to action {action_id}.")
    return 0


def run_action_status(args: argparse.Namespace) -> int:
    from nbdesk.action_plan import actions as act
    from nbdesk.action_plan import vocab

    action_id = _action_id(args.action_id)
    with open_db(args) as db, db.transaction() as session:
        act.set_status(session, action_id, args.status, reason=args.reason)
    status = vocab.choice(args.status, vocab.STATUSES, "status")
    print(f"Action {action_id} is now {vocab.status_text(status)}.")
    return 0
