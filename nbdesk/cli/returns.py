"""export self-assessment / export participation / report self-assessment / report participation.

A report is written as a PDF or, for a name ending in .html, as the same report on one accessible
web page (the file's ending chooses, as for the plan for young people)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, command_group, open_db


def register(subparsers: Any) -> None:
    export = command_group(subparsers, "export", "write returns and lists to files")
    report = command_group(
        subparsers, "report", "write reports to print or share (PDF, or an accessible web page)"
    )

    sa = export.add_parser(
        "self-assessment", help="an assessment's return for the central team (xlsx)"
    )
    sa.add_argument("name", metavar="NAME", help="the assessment's name")
    add_db_option(sa)
    sa.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    sa.set_defaults(func=run_export_self_assessment)

    part = export.add_parser(
        "participation", help="a survey round's participation return, small counts hidden (xlsx)"
    )
    part.add_argument("round", metavar="ROUND", help="the survey round's name")
    add_db_option(part)
    part.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    part.set_defaults(func=run_export_participation)

    sa_report = report.add_parser(
        "self-assessment", help="an assessment's report (PDF, or a web page for .html)"
    )
    sa_report.add_argument("name", metavar="NAME", help="the assessment's name")
    add_db_option(sa_report)
    sa_report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html")
    sa_report.add_argument(
        "--compare",
        metavar="OTHER",
        help="compare with another assessment (baseline and follow-up, or staff and young people)",
    )
    sa_report.set_defaults(func=run_report_self_assessment)

    part_report = report.add_parser(
        "participation",
        help="a survey round's report (PDF, or a web page for .html), small counts hidden",
    )
    part_report.add_argument("round", metavar="ROUND", help="the survey round's name")
    add_db_option(part_report)
    part_report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html")
    part_report.set_defaults(func=run_report_participation)

    from nbdesk.cli.loop_reports import register_report

    register_report(report)  # report evidence


def _check_suffix(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise CommandError(f"{path}: the file name must end in {suffix}.")


def kind_for(path: Path, by_suffix: dict[str, str]) -> str:
    """The kind of file a name's ending asks for ({".pdf": …, ".html": …})."""
    key = by_suffix.get(path.suffix.lower())
    if key is None:
        *others, last = by_suffix
        endings = f"{', '.join(others)} or {last}" if others else last
        raise CommandError(f"{path}: the file name must end in {endings}.")
    return key


def report_kinds(pdf: str, html: str) -> dict[str, str]:
    return {".pdf": pdf, ".html": html}


def _export(args: argparse.Namespace, key: str, find: Any, compare: str | None = None) -> int:
    """Write one return or report through the same code the Returns section uses; a failed
    write is one line, and the old file is left as it was."""
    from nbdesk.common.atomic import ExportError
    from nbdesk.returns import service
    from nbdesk.self_assessment.assessments import find_assessment

    _check_suffix(args.out, service.kind(key).suffix)
    with open_db(args) as db:
        with db.session() as session:
            subject_id = find(session)
            compare_id = find_assessment(session, compare) if compare else None
            if compare_id == subject_id:
                raise CommandError("Choose two different assessments to compare.")
        try:
            written = service.export(db.session, key, subject_id, args.out, compare_id)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Wrote {written}")
    return 0


def _assessment(args: argparse.Namespace) -> Any:
    from nbdesk.self_assessment.assessments import find_assessment

    return lambda session: find_assessment(session, args.name)


def _round(args: argparse.Namespace) -> Any:
    from nbdesk.survey.rounds import find_round

    return lambda session: find_round(session, args.round).id


def run_export_self_assessment(args: argparse.Namespace) -> int:
    from nbdesk.returns.service import SA_RETURN

    return _export(args, SA_RETURN, _assessment(args))


def run_export_participation(args: argparse.Namespace) -> int:
    from nbdesk.returns.service import PARTICIPATION_RETURN

    return _export(args, PARTICIPATION_RETURN, _round(args))


def run_report_self_assessment(args: argparse.Namespace) -> int:
    from nbdesk.returns.service import SA_REPORT, SA_REPORT_HTML

    key = kind_for(args.out, report_kinds(SA_REPORT, SA_REPORT_HTML))
    return _export(args, key, _assessment(args), args.compare)


def run_report_participation(args: argparse.Namespace) -> int:
    from nbdesk.returns.service import PARTICIPATION_REPORT, PARTICIPATION_REPORT_HTML

    key = kind_for(args.out, report_kinds(PARTICIPATION_REPORT, PARTICIPATION_REPORT_HTML))
    return _export(args, key, _round(args))
