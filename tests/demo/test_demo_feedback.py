"""The demonstration's results and priorities (issue 14): official counts, findings that change
between the rounds (one on a small base), priority themes with counts and quotes that name nobody on
the register, citations from the revised plan, and feedback sent about the initial plan."""

from __future__ import annotations

from nbdesk.action_plan.answers import unanswered
from nbdesk.action_plan.plans import find_plan
from nbdesk.action_plan.views import read_plan
from nbdesk.demo import feedback, plans
from nbdesk.feedback.priorities import names_in, tally
from nbdesk.feedback.results import list_findings, round_result
from nbdesk.feedback.telling_back import list_feedback
from nbdesk.feedback.words import comparison
from nbdesk.storage import open_database
from nbdesk.storage.location import Location
from nbdesk.survey.rounds import list_rounds


def test_the_demonstration_has_results_findings_and_priorities(demo_db: Location) -> None:
    db = open_database(demo_db)
    with db.session() as session:
        rounds = {r.name: r for r in list_rounds(session)}
        assert set(rounds) == {feedback.FIRST, feedback.SECOND}
        for summary in rounds.values():
            view = round_result(session, summary.id)
            assert view is not None and view.completed >= view.confirmed > 0
            found = list_findings(session, summary.id)
            assert 10 <= len(found) <= 12
            assert all(f.text.endswith("(fictional)") for f in found)
            assert sum(f.small for f in found) == 1
            rows = tally(session, summary.id)
            assert len(rows) == len(feedback.THEMES) and all(r.count > 0 for r in rows)
            quotes = [q.text for r in rows for q in r.quotes]
            assert quotes and all(names_in(session, q) == () for q in quotes)
        baseline, follow_up, pairs = comparison(
            session, rounds[feedback.SECOND].id, rounds[feedback.FIRST].id
        )
        assert (baseline, follow_up) == (feedback.FIRST, feedback.SECOND)
        changes = [p.points for p in pairs if p.points is not None]
        assert len(changes) >= 9 and all(c != 0 for c in changes)
        assert any(p.before is None for p in pairs)  # a question asked only the second time
        revised = find_plan(session, plans.REVISED)
        cited = [c for a in read_plan(session, revised).actions for c in a.citations]
        assert {c.kind for c in cited} >= {"statement", "finding", "priority"}
        left = unanswered(session, revised, [rounds[feedback.FIRST].id])
        # Some of what the first round found is answered by the plan, some is not yet.
        assert (
            left.findings
            and len(left.findings) < len(list_findings(session, rounds[feedback.FIRST].id)) - 1
        )
        sent = list_feedback(session, find_plan(session, plans.INITIAL))
        assert len(sent) == 1 and sent[0].channel == "text"
    db.close()
