"""The action plan workbook, laid out as authorities share their plans.

Sheets, in order:
- `Summary`: the plan, its sign-off and reviews; actions by status; how many are overdue, drifting
  or not yet reviewed with young people; the share involving young people overall and by theme
  beside the programme's published figure; then the overdue and drifting actions listed;
- one sheet per theme, named after it: You said | We will | Who | When | Update (the latest, dated)
  | Status (symbol and words, so a printout never relies on colour) | Young people involved.

What people typed stays text (nbdesk.common.xlsx_text): a "We will" starting with "=" is never a
formula. Printed like the other returns (nbdesk.returns.xlsx_common): landscape, fitted to the
page's width, the header repeated on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nbdesk.action_plan import vocab
from nbdesk.action_plan.attention import is_drifting, is_overdue
from nbdesk.action_plan.views import ActionView
from nbdesk.common.atomic import write_atomically
from nbdesk.common.dates import format_day
from nbdesk.returns.plan_data import PlanData
from nbdesk.returns.xlsx_common import Progress, Sheet, new_workbook, no_progress

SUMMARY = "Summary"
THEME_HEADERS = (
    "You said",
    "We will",
    "Who",
    "When",
    "Update (latest, dated)",
    "Status",
    "Young people involved",
)
THEME_WIDTHS = (34, 40, 20, 16, 42, 18, 30)
SHARE_FORMAT = "0%"
MAX_SHEET_NAME = 31
PROGRAMME_NOTE = (
    "Programme: across the authorities in New Belongings, the evaluation counted about "
    f"{round(100 * vocab.PUBLISHED_INVOLVEMENT_SHARE)}% of actions with young people involved in "
    "delivering them."
)
_NOT_IN_SHEET_NAMES = set("[]:*?/\\")


def sheet_names(titles: Iterable[str], taken: Iterable[str] = (SUMMARY,)) -> list[str]:
    """A valid, distinct sheet name for each theme: at most 31 characters, none of []:*?/\\, no
    apostrophe at either end, and no two the same in any case (Excel's rule), nor the same as a
    name in `taken`. An empty one becomes 'Theme n'."""
    used = {t.casefold() for t in taken} | {"history"}  # Excel keeps "History" for itself
    names = []
    for number, title in enumerate(titles, start=1):
        cleaned = "".join(" " if c in _NOT_IN_SHEET_NAMES or ord(c) < 32 else c for c in title)
        cleaned = " ".join(cleaned.split()).strip("'").strip()
        base = cleaned[:MAX_SHEET_NAME].rstrip().rstrip("'") or f"Theme {number}"
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def update_text(action: ActionView) -> str:
    """The latest update with its date, and young people's comment on it if any."""
    latest = action.latest_update
    if latest is None:
        return ""
    text = f"{format_day(latest.written_on)}: {latest.text}" if latest.text else ""
    if latest.young_people_comment:
        said = f"Young people said: {latest.young_people_comment}"
        text = f"{text}\n{said}" if text else f"{format_day(latest.written_on)}: {said}"
    return text


def status_cell(action: ActionView) -> str:
    if action.status == vocab.DROPPED and action.dropped_reason:
        return f"{action.status_text}: {action.dropped_reason}"
    return action.status_text


def action_row(action: ActionView) -> list[Any]:
    """The theme sheet's row for an action, in THEME_HEADERS order."""
    return [
        action.you_said or None,
        action.we_will,
        action.owner or None,
        action.when or None,
        update_text(action) or None,
        status_cell(action),
        action.involvement_text,
    ]


def _summary(book: Any, data: PlanData) -> None:
    plan, found = data.plan, data.attention
    s = plan.summary
    sheet = Sheet(book, SUMMARY, (46, 22, 14, 14, 14, 14, 16), header_row=None)
    sheet.title(f"Action plan: {s.name}")
    sheet.line(f"{data.authority} — New Belongings action plan")
    sheet.blank()
    facts: list[tuple[str, Any]] = [
        ("Plan", s.name),
        ("Stage", vocab.STAGE_LABELS.get(s.stage, s.stage)),
        ("Period", f"{format_day(s.starts_on)} to {format_day(s.ends_on)}"),
    ]
    if s.revises:
        facts.append(("Revises", s.revises))
    if plan.sign_offs:
        for so in plan.sign_offs:
            facts.append(("Signed off", f"{so.name}, {so.role}, {format_day(so.signed_on)}"))
        if plan.changed_after_sign_off:
            n = plan.changed_after_sign_off
            facts.append(("Changed since sign-off", f"{n} change{'s' if n != 1 else ''}"))
    else:
        facts.append(("Signed off", "Not yet signed off"))
    if plan.reviews:
        last = plan.reviews[0]
        facts.append(("Last review", f"{format_day(last.held_on)} ({last.who})"))
    else:
        facts.append(("Last review", "None yet"))
    late = " (late)" if found.review_overdue else ""
    facts.append(("Next review due", f"{format_day(found.next_review_on)}{late}"))
    facts.append(("Shared with young people", data.shared_text))
    facts.append(("Figures as at", format_day(data.today)))
    for label, value in facts:
        sheet.row([label, value])
    sheet.blank()

    sheet.line("Actions", bold=True)
    counts: list[tuple[str, int]] = [
        (vocab.status_text(status), found.by_status[status]) for status in vocab.STATUSES
    ]
    counts += [
        ("All actions", len(plan.actions)),
        ("Overdue (open, past their date)", len(found.overdue)),
        (f"Drifting (open, no update for {vocab.DRIFT_DAYS} days)", len(found.drifting)),
        ("Open, not yet reviewed with young people", len(found.never_reviewed_with_young_people)),
    ]
    for label, count in counts:
        sheet.row([label, count], center=(1,))
    sheet.blank()

    sheet.line(
        "Actions young people take part in (co-designing, delivering, reviewing or inspecting), "
        "and those they help deliver (dropped actions left out)",
        bold=True,
    )
    sheet.header(
        (
            "Theme",
            "Involving",
            "Counted",
            "Share involving",
            "Delivering",
            "Share delivering",
            "Programme (delivering)",
        ),
        center_from=1,
    )
    published = vocab.PUBLISHED_INVOLVEMENT_SHARE
    formats = {3: SHARE_FORMAT, 5: SHARE_FORMAT, 6: SHARE_FORMAT}
    rows = [(title, share, False) for title, share in found.share_by_theme]
    for title, sh, bold in [*rows, ("Whole plan", found.share, True)]:
        sheet.row(
            [
                title,
                sh.involving,
                sh.counted,
                sh.fraction,
                sh.delivering,
                sh.delivering_fraction,
                published,
            ],
            formats=formats,
            center=(1, 2, 3, 4, 5, 6),
            wrap=(0,),
            bold=bold,
        )
    sheet.note(PROGRAMME_NOTE, 7)
    for heading, actions in (
        ("Overdue actions", found.overdue),
        (f"Drifting actions (no update for {vocab.DRIFT_DAYS} days)", found.drifting),
    ):
        sheet.blank()
        sheet.line(f"{heading}: {len(actions)}", bold=True)
        if actions:
            sheet.header(("Action", "When", "Status", "Last update"))
        for a in actions:
            heard = a.latest_update.written_on if a.latest_update else None
            sheet.row(
                [
                    f"{a.theme}: {a.we_will}",
                    a.when or "no date",
                    a.status_text,
                    format_day(heard) if heard else "none yet",
                ],
                wrap=(0, 1),
            )


def build_plan_book(data: PlanData, progress: Progress = no_progress) -> Any:
    """The workbook (write-only, not yet saved)."""
    plan = data.plan
    steps = len(plan.themes) + 1
    book = new_workbook()
    progress(0, steps, "Writing the summary")
    _summary(book, data)
    names = sheet_names(t.title for t in plan.themes)
    for i, (theme, name) in enumerate(zip(plan.themes, names, strict=True), start=1):
        progress(i, steps, f"Writing the theme {theme.title}")
        sheet = Sheet(book, name, THEME_WIDTHS, header_row=3)
        sheet.title(f"Theme {theme.position}: {theme.title}")
        overdue = sum(1 for a in theme.actions if is_overdue(a, data.today))
        drifting = sum(1 for a in theme.actions if is_drifting(a, data.today))
        sheet.line(
            f"{plan.summary.name} · {len(theme.actions)} action{'' if len(theme.actions) == 1 else 's'}"
            f" · {overdue} overdue · "
            f"{drifting} drifting · as at {format_day(data.today)}"
        )
        sheet.header(THEME_HEADERS)
        if not theme.actions:
            sheet.row(["No actions yet."])
        for action in theme.actions:
            sheet.row(action_row(action), wrap=(0, 1, 2, 3, 4, 5, 6))
    progress(steps, steps, "Saving")
    return book


def write_plan_workbook(data: PlanData, path: Path, progress: Progress = no_progress) -> Path:
    """Write the workbook to `path` atomically (see nbdesk.common.atomic)."""
    return write_atomically(Path(path), lambda temp: build_plan_book(data, progress).save(temp))
