"""export self-assessment / export participation / report self-assessment / report participation."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nbdesk.cli import CommandError, add_db_option, command_group, open_db


def register(subparsers: Any) -> None:
    export = command_group(subparsers, "export", "write returns and lists to files")
    report = command_group(subparsers, "report", "write PDF reports to print or share")

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

    sa_report = report.add_parser("self-assessment", help="an assessment's report (PDF)")
    sa_report.add_argument("name", metavar="NAME", help="the assessment's name")
    add_db_option(sa_report)
    sa_report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    sa_report.add_argument(
        "--compare",
        metavar="OTHER",
        help="compare with another assessment (baseline and follow-up, or staff and young people)",
    )
    sa_report.set_defaults(func=run_report_self_assessment)

    part_report = report.add_parser(
        "participation", help="a survey round's report (PDF), small counts hidden"
    )
    part_report.add_argument("round", metavar="ROUND", help="the survey round's name")
    add_db_option(part_report)
    part_report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    part_report.set_defaults(func=run_report_participation)


def _check_suffix(path: Path, suffix: str) -> None:
    if path.suffix.lower() != suffix:
        raise CommandError(f"{path}: the file name must end in {suffix}.")


def _run(args: argparse.Namespace, job: Any) -> int:
    """Open the file, gather read-only, close it, then write; report a failed write in one line."""
    from nbdesk.common.atomic import ExportError

    with open_db(args) as db, db.session() as session:
        write = job(session)
    try:
        written = write()
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    print(f"Wrote {written}")
    return 0


def run_export_self_assessment(args: argparse.Namespace) -> int:
    _check_suffix(args.out, ".xlsx")

    def job(session: Any) -> Any:
        from nbdesk.returns.gather import self_assessment_by_name
        from nbdesk.returns.self_assessment_return import write_self_assessment_return

        data = self_assessment_by_name(session, args.name)
        return lambda: write_self_assessment_return(data, args.out)

    return _run(args, job)


def run_export_participation(args: argparse.Namespace) -> int:
    _check_suffix(args.out, ".xlsx")

    def job(session: Any) -> Any:
        from nbdesk.returns.gather import round_by_name
        from nbdesk.returns.participation_return import write_participation_return

        data = round_by_name(session, args.round, weekly=False)
        return lambda: write_participation_return(data, args.out)

    return _run(args, job)


def run_report_self_assessment(args: argparse.Namespace) -> int:
    _check_suffix(args.out, ".pdf")

    def job(session: Any) -> Any:
        from nbdesk.returns.gather import comparison_by_name, self_assessment_by_name
        from nbdesk.returns.self_assessment_report import write_self_assessment_report

        data = self_assessment_by_name(session, args.name)
        comparison = comparison_by_name(session, args.name, args.compare) if args.compare else None
        return lambda: write_self_assessment_report(data, args.out, comparison)

    return _run(args, job)


def run_report_participation(args: argparse.Namespace) -> int:
    _check_suffix(args.out, ".pdf")

    def job(session: Any) -> Any:
        from nbdesk.returns.gather import round_by_name
        from nbdesk.returns.participation_report import write_participation_report

        data = round_by_name(session, args.round)
        return lambda: write_participation_report(data, args.out)

    return _run(args, job)
