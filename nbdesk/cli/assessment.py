"""assessment list / create / rename / archive / template / import / score / compare / history."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbdesk.cli import CommandError, add_db_option, open_db, typed_day
from nbdesk.common.figures import fixed, signed

if TYPE_CHECKING:
    pass


def register(subparsers: Any) -> None:
    assessment = subparsers.add_parser(
        "assessment", help="self-assessments: list, create, score, compare, exchange ratings"
    )
    actions = assessment.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list the assessments in a file")
    add_db_option(listing)
    listing.add_argument("--all", action="store_true", help="include archived assessments")
    listing.set_defaults(func=run_list)

    create = actions.add_parser("create", help="create an empty assessment")
    create.add_argument("name", metavar="NAME")
    add_db_option(create)
    _add_details(create)
    create.set_defaults(func=run_create)

    rename = actions.add_parser("rename", help="rename an assessment")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    add_db_option(rename)
    rename.set_defaults(func=run_rename)

    archive = actions.add_parser("archive", help="archive an assessment (nothing is deleted)")
    archive.add_argument("name", metavar="NAME")
    add_db_option(archive)
    archive.add_argument("--undo", action="store_true", help="bring an archived one back")
    archive.set_defaults(func=run_archive)

    template = actions.add_parser(
        "template", help="write a Ratings workbook for working groups to fill in"
    )
    add_db_option(template)
    template.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    template.add_argument("--framework", metavar="NAME", help="default: the newest loaded")
    template.add_argument("--framework-version", metavar="V")
    template.add_argument(
        "--from", dest="source", metavar="ASSESSMENT", help="fill it with an assessment's ratings"
    )
    template.set_defaults(func=run_template)

    load = actions.add_parser(
        "import", help="create an assessment from a completed Ratings workbook, or fill one"
    )
    load.add_argument("file", type=Path, metavar="FILE.xlsx")
    add_db_option(load)
    load.add_argument("--name", metavar="NAME", help="the new assessment's name")
    load.add_argument("--into", metavar="NAME", help="fill this existing assessment instead")
    _add_details(load)
    load.add_argument("--yes", action="store_true", help="change existing ratings without asking")
    load.set_defaults(func=run_import)

    scoring = actions.add_parser("score", help="an assessment's scores as published")
    scoring.add_argument("name", metavar="NAME")
    add_db_option(scoring)
    scoring.add_argument("--json", action="store_true", help="print JSON")
    scoring.set_defaults(func=run_score)

    compare = actions.add_parser(
        "compare", help="baseline against follow-up, or staff against young people"
    )
    compare.add_argument("first", metavar="FIRST")
    compare.add_argument("second", metavar="SECOND")
    add_db_option(compare)
    compare.set_defaults(func=run_compare)

    hist = actions.add_parser("history", help="every change to one statement, e.g. '7 / M'")
    hist.add_argument("name", metavar="NAME")
    hist.add_argument("statement", metavar="AREA/ITEM")
    add_db_option(hist)
    hist.set_defaults(func=run_history)


# The same as nbdesk.self_assessment.assessments.STAGES / PERSPECTIVES, written out so that building the parser
# (which every start of nbdesk does) does not import the database layer.
STAGES = ("baseline", "follow-up", "other")
PERSPECTIVES = ("staff", "young-people")


def _add_details(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", choices=STAGES, default=None, help="default: baseline")
    parser.add_argument("--perspective", choices=PERSPECTIVES, default=None, help="default: staff")
    parser.add_argument("--date", type=typed_day, metavar="DATE", default=None)
    parser.add_argument("--framework", metavar="NAME", help="default: the newest loaded")
    parser.add_argument("--framework-version", metavar="V")


def _framework_id(session: Any, name: str | None, version: str | None) -> int:
    from nbdesk.forms.store import find_framework, newest_framework

    if name:
        return find_framework(session, name, version)
    try:
        return newest_framework(session)
    except LookupError:
        raise CommandError(
            "No framework is loaded; load one with 'nbdesk framework import'."
        ) from None


def run_list(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import list_assessments

    with open_db(args) as db, db.session() as session:
        rows = list_assessments(session, include_archived=args.all)
    if not rows:
        print("No assessments.")
    for a in rows:
        archived = " [archived]" if a.archived else ""
        print(
            f"{a.name}{archived}: {a.describe}; {a.rated} of {a.statements} rated"
            f"{f', {a.flagged} flagged' if a.flagged else ''} — {a.framework_title}"
        )
    return 0


def run_create(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import create_assessment

    with open_db(args) as db, db.transaction() as session:
        create_assessment(
            session,
            args.name,
            framework_id=_framework_id(session, args.framework, args.framework_version),
            stage=args.stage or "baseline",
            perspective=args.perspective or "staff",
            held_on=args.date,
        )
    print(f"Created the assessment '{args.name}'.")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import find_assessment, rename_assessment

    with open_db(args) as db, db.transaction() as session:
        rename_assessment(session, find_assessment(session, args.name), args.new_name)
    print(f"Renamed '{args.name}' to '{args.new_name}'.")
    return 0


def run_archive(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import archive_assessment, find_assessment

    with open_db(args) as db, db.transaction() as session:
        archive_assessment(session, find_assessment(session, args.name), not args.undo)
    print(f"{'Restored' if args.undo else 'Archived'} '{args.name}'.")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import find_assessment
    from nbdesk.self_assessment.exchange import write_ratings_workbook

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"{out}: the workbook's name must end in .xlsx.")
    with open_db(args) as db, db.session() as session:
        if args.source:
            assessment_id = find_assessment(session, args.source)
            _, framework, detail = write_ratings_workbook(session, out, assessment_id=assessment_id)
        else:
            framework_id = _framework_id(session, args.framework, args.framework_version)
            _, framework, detail = write_ratings_workbook(session, out, framework_id=framework_id)
    print(
        f"Wrote {out}: {framework.statement_count} statements of {framework.name} "
        f"{framework.version}{' with the ratings of ' + repr(args.source) if detail else ''}."
    )
    return 0


def _confirm(question: str) -> bool:
    print(question, end=" ", flush=True)
    try:
        answer = input()
    except EOFError:
        print()
        return False
    return answer.strip().lower() in {"y", "yes"}


def run_import(args: argparse.Namespace) -> int:
    from nbdesk.forms.store import find_framework, framework_definition
    from nbdesk.self_assessment.assessments import (
        find_assessment,
        load_assessment,
        update_assessment,
    )
    from nbdesk.self_assessment.exchange import (
        apply_sheet,
        import_new,
        plan_import,
        read_ratings,
        sheet_framework,
    )

    if bool(args.name) == bool(args.into):
        raise CommandError("Give either --name for a new assessment or --into an existing one.")
    with open_db(args) as db, db.transaction() as session:
        if args.into:
            assessment_id = find_assessment(session, args.into)
            detail = load_assessment(session, assessment_id)
            sheet = read_ratings(args.file, detail.framework)
            plan = plan_import(detail, sheet)
            if plan.overwrites:
                print(
                    f"{len(plan.overwrites)} existing rating(s) in '{detail.summary.name}' "
                    "would change:"
                )
                for change in plan.overwrites:
                    print(
                        f"  {change.reference}: {change.old} {change.old_label} → "
                        f"{change.new} {change.new_label}"
                    )
                if not args.yes and not _confirm("Change them? [y/N]"):
                    print("Nothing was imported.")
                    return 1
            result = apply_sheet(session, assessment_id, sheet)
            if args.stage or args.perspective or args.date:
                update_assessment(
                    session,
                    assessment_id,
                    stage=args.stage,
                    perspective=args.perspective,
                    held_on=args.date,
                )
            target = detail.summary.name
        else:
            name, version = args.framework, args.framework_version
            if not name:
                name, version = sheet_framework(args.file)
                version = version or None
            fid = (
                find_framework(session, name, version)
                if name
                else _framework_id(session, None, None)
            )
            sheet = read_ratings(args.file, framework_definition(session, fid))
            result = import_new(
                session,
                sheet,
                name=args.name,
                framework_id=fid,
                stage=args.stage or "baseline",
                perspective=args.perspective or "staff",
                held_on=args.date,
            )
            target = args.name
    print(
        f"Imported into '{target}': {result.ratings_changed} rating(s) and "
        f"{result.evidence_changed} evidence note(s) changed."
    )
    return 0


def run_score(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import find_assessment, score_assessment
    from nbdesk.self_assessment.results import score_json

    with open_db(args) as db, db.session() as session:
        detail, scored = score_assessment(session, find_assessment(session, args.name))
    if args.json:
        print(json.dumps(score_json(detail.summary, scored), indent=2, ensure_ascii=False))
        if not scored.complete:
            # The document's keys are fixed; the explanation goes where a person will read it.
            print(scored.note, file=sys.stderr)
        return 0
    print(f"{detail.summary.name} ({detail.summary.describe})")
    print(f"{'Area':<58}{'Rated':>8}{'Mean /4':>9}{'%':>7}{'/10':>6}")
    for a in scored.areas:
        title = f"{a.number} {a.title}"
        mean = fixed(a.mean, 2) if a.mean is not None else "–"
        pct = f"{fixed(a.percent)}%" if a.percent is not None else "–"
        overall = str(a.overall_out_of_10) if a.overall_out_of_10 is not None else "–"
        print(f"{title[:57]:<58}{f'{a.rated}/{a.statements}':>8}{mean:>9}{pct:>7}{overall:>6}")
    band = scored.band or "not given until every statement is rated"
    mean = fixed(scored.overall_mean, 2) if scored.overall_mean is not None else "–"
    print(f"Total {scored.total} ({scored.total_basis}); band: {band}")
    print(f"Overall mean (mean of the area means): {mean}")
    print(scored.note)
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import find_assessment
    from nbdesk.self_assessment.comparison import GAP, compare_assessments

    with open_db(args) as db, db.session() as session:
        result = compare_assessments(
            session, find_assessment(session, args.first), find_assessment(session, args.second)
        )
    heading = "Gap" if result.kind == GAP else "Change"
    print(
        f"{result.first.name} ({result.first_label}) → {result.second.name} ({result.second_label})"
    )
    if not result.complete:
        print("; ".join(result.incomplete_sides()) + ". " + result.basis())
    print(f"{'Area':<58}{result.first_label[:9]:>10}{result.second_label[:9]:>10}{heading:>8}")
    areas = result.areas_by_gap if result.kind == GAP else result.areas
    for a in areas:
        first = fixed(a.first, 2) if a.first is not None else "–"
        second = fixed(a.second, 2) if a.second is not None else "–"
        diff = signed(a.difference, 2) if a.difference is not None else "–"
        print(f"{f'{a.number} {a.title}'[:57]:<58}{first:>10}{second:>10}{diff:>8}")
    if result.kind == GAP:
        lists = [("Largest gaps", result.largest_gaps)]
    else:
        lists = [("Improved", result.improved), ("Declined", result.declined)]
    for title, items in lists:
        print(f"{title} ({len(items)}):")
        for s in items:
            print(f"  {s.reference:<8}{s.first} → {s.second} ({s.difference:+d})  {s.text[:70]}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    from nbdesk.self_assessment.assessments import find_assessment, load_assessment
    from nbdesk.self_assessment.ratings import FIELD_LABELS
    from nbdesk.self_assessment.sittings import history

    with open_db(args) as db, db.session() as session:
        assessment_id = find_assessment(session, args.name)
        detail = load_assessment(session, assessment_id)
        wanted = "".join(args.statement.split()).lower()
        found = [s for s in detail.statements() if f"{s.area_number}/{s.letter}" == wanted]
        if not found:
            raise CommandError(f"No statement '{args.statement}' (write it like '7 / M').")
        entries = history(session, assessment_id, statement_id=found[0].statement_id)
    print(f"{found[0].reference}: {found[0].text}")
    if not entries:
        print("No changes recorded.")
    for e in entries:
        who = f" — {e.sitting}" if e.sitting else ""
        print(
            f"{e.changed_at:%Y-%m-%d %H:%M:%S} {FIELD_LABELS[e.field]}: {e.old!r} → {e.new!r}{who}"
        )
    return 0
