"""The words of the demonstration action plans: written by the nbdesk project for practice, in
the form authorities use (You said / We will / Who / When), about the kinds of priority care
leavers raise. Every one is fictional.
"""

from __future__ import annotations

OWNERS = (
    ("Participation officer", "person"),
    ("Leaving care team manager", "person"),
    ("Revenues and benefits", "team"),
    ("Corporate parenting board", "team"),
)

# (theme, [(you said, we will, who, months from the plan's start to "When", involvement or a
# reason they are not involved, the statement cited as (area, position) or None)])
THEMES: list[tuple[str, list[tuple[str, str, str, int, str, tuple[int, int] | None]]]] = [
    (
        "Somewhere safe to live",
        [
            (
                "Some of us moved into a flat before we felt ready, and the first weeks were lonely.",
                "Offer a trial stay and a move date agreed with the young person, and a PA visit "
                "in the first week.",
                "Housing",
                9,
                "co-designing",
                (7, 1),
            ),
            (
                "Bed and breakfast is not OK, even for one night.",
                "Stop using bed and breakfast for care leavers; any emergency placement is "
                "reported to the head of service the same day.",
                "Housing",
                6,
                "internal",
                (7, 2),
            ),
            (
                "Nobody tells us what happens if we fall behind with the rent.",
                "Agree with housing that no care leaver is evicted before the leaving care team "
                "has been told and has met them.",
                "Housing",
                12,
                "reviewing",
                None,
            ),
        ],
    ),
    (
        "Money and help with bills",
        [
            (
                "The setting-up-home money runs out before you have a cooker.",
                "Publish what the setting-up-home allowance covers, and let each young person "
                "choose how to spend it with their PA.",
                "Leaving care team",
                6,
                "co-designing",
                (8, 1),
            ),
            (
                "Council tax letters are frightening.",
                "Exempt care leavers living in the borough from council tax until they are 25.",
                "Revenues and benefits",
                9,
                "internal",
                (8, 2),
            ),
            (
                "Help us get a bank account and ID before we turn 18.",
                "Make sure every young person has photo ID, a bank account and their National "
                "Insurance number by their 18th birthday.",
                "DWP / Jobcentre Plus",
                12,
                "partners",
                None,
            ),
        ],
    ),
    (
        "Health and someone to talk to",
        [
            (
                "Waiting lists for counselling are far too long.",
                "Agree a quicker route to talking therapies for care leavers with the mental "
                "health trust.",
                "Health",
                12,
                "resources",
                (6, 1),
            ),
            (
                "We lose our PA just when we get used to them.",
                "Keep the same PA through a move, and tell a young person face to face if their "
                "PA has to change.",
                "Leaving care team manager",
                6,
                "reviewing",
                (2, 1),
            ),
            (
                "We want somewhere to meet other care leavers.",
                "Run a weekly drop-in with food, planned and hosted with the care leavers' forum.",
                "Participation officer",
                3,
                "delivering",
                None,
            ),
        ],
    ),
    (
        "Being heard",
        [
            (
                "We fill in surveys and never hear what happened.",
                "Send every care leaver a 'You said, we did' note after each survey round and "
                "each review of this plan.",
                "Participation officer",
                6,
                "co-designing",
                (1, 1),
            ),
            (
                "Young people should help choose new staff.",
                "Include trained and paid young people on interview panels for PAs and managers.",
                "Leaving care team manager",
                9,
                "delivering",
                None,
            ),
            (
                "The board never hears from us directly.",
                "Give the care leavers' forum a standing item at every corporate parenting board.",
                "Corporate parenting board",
                6,
                "interest",
                None,
            ),
        ],
    ),
]

# New actions of the revised plan: (theme number, you said, we will, who, months to "When", way).
NEW_ACTIONS = [
    (
        1,
        "There are not enough supported lodgings near college.",
        "Recruit six more supported lodgings hosts, with young people on the approval panel.",
        "Housing",
        10,
        "inspecting",
    ),
    (
        2,
        "Bus fares take most of a training allowance.",
        "Give care leavers in education or training a free bus pass.",
        "Colleges",
        3,
        "partners",
    ),
    (
        3,
        "GP registration is hard when you move often.",
        "Register every care leaver with a GP within two weeks of a move.",
        "Health",
        4,
        "internal",
    ),
]
