"""A group's rate beside the round's, in words, agrees with the rates as the dashboard shows them."""

from __future__ import annotations

import pytest

from nbdesk.ui.survey.common import against, rate_text


@pytest.mark.parametrize(
    ("rate", "overall", "said"),
    [
        (0.404, 0.396, "same as all"),  # both shown as 40%: a tester saw "1 point below"
        (4 / 10, 401 / 1000, "same as all"),
        (3 / 7, 0.404, "3 points above"),  # 43% beside 40%, not "2 points above"
        (0.35, 0.40, "5 points below"),
        (0.41, 0.40, "1 point above"),
        (None, 0.40, ""),
    ],
)
def test_compared_with_all_is_the_difference_of_the_rates_shown(
    rate: float | None, overall: float, said: str
) -> None:
    assert against(rate, overall) == said
    if rate is not None and said != "same as all":
        shown = int(rate_text(rate)[:-1]) - int(rate_text(overall)[:-1])
        assert said.startswith(str(abs(shown)))
