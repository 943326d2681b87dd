"""A demo survey: a questionnaire modelled on a regional survey of civil-society
organisations (their profile, their understanding of modern slavery, their capacities,
their interest in approaches), with synthetic responses.

The responses are invented: each answer is drawn with the share the regional survey
reported (90.2 % of organisations serve children, 67.2 % were trained …), so the report
page shows findings of the same kind. The survey's title says it is a demo.
"""

from __future__ import annotations

import csv
import io
import random

from django.utils.translation import gettext as _

from commons.surveys.xlsform import write_workbook

SLUG = "cso-survey-demo"
# The same questionnaire open for answers, so that a demo member can fill it in.
OPEN_SLUG = "member-survey-demo"
RESPONSES = 240

_YES_NO = [("yes", "Yes"), ("no", "No")]
_CHOICES = {
    "yesno": _YES_NO,
    "countries": [
        ("TH", "Thailand"),
        ("KH", "Cambodia"),
        ("MM", "Myanmar"),
        ("VN", "Viet Nam"),
        ("ID", "Indonesia"),
        ("PH", "Philippines"),
        ("MY", "Malaysia"),
        ("LA", "Laos"),
    ],
    "org_types": [
        ("ngo", "Non-governmental organisation"),
        ("community", "Community-based organisation"),
        ("faith", "Faith-based organisation"),
        ("research", "Research institute"),
    ],
    "populations": [
        ("children", "Children"),
        ("women", "Women"),
        ("migrants", "Migrant workers"),
        ("minorities", "Ethnic or racial minorities"),
        ("elderly", "The elderly"),
        ("lgbtqi", "LGBTQI+ persons"),
        ("refugees", "Refugees"),
        ("religious", "Religious minorities"),
    ],
    "work": [
        ("capacity", "Capacity building"),
        ("advocacy", "Advocacy"),
        ("services", "Services to survivors"),
        ("prevention", "Prevention and awareness"),
        ("research", "Research"),
    ],
    "elements": [
        ("exploitation", "Exploitation"),
        ("compulsion", "Compulsion"),
        ("involuntary", "Involuntary nature"),
        ("deception", "Deception"),
    ],
    "approaches": [
        ("victim", "Victim-centred"),
        ("community", "Community-centred"),
        ("trauma", "Trauma-centred"),
        ("law", "Law enforcement-centred"),
        ("government", "Government-centred"),
        ("business", "Business-centred"),
    ],
}
# type, name, label, relevant, constraint
_SURVEY = [
    ("begin_group", "profile", "Organisational profile", "", ""),
    ("select_one countries", "country", "Country of your main office", "", ""),
    ("select_one org_types", "org_type", "Type of organisation", "", ""),
    ("select_multiple populations", "populations", "Populations you serve", "", ""),
    ("select_multiple work", "work", "How you address modern slavery", "", ""),
    ("integer", "staff", "Staff and volunteers", "", ". >= 0 and . <= 5000"),
    ("end_group", "", "", "", ""),
    ("begin_group", "understanding", "Understanding of modern slavery", "", ""),
    ("select_one yesno", "trained", "Trained on forms of modern slavery?", "", ""),
    ("select_one yesno", "projects", "Projects against labour or sex trafficking?",
     "${trained} = 'no'", ""),
    ("select_one yesno", "alliance87", "Have you heard of Alliance 8.7?", "", ""),
    ("select_one yesno", "networks", "Familiar with the region's anti-trafficking networks?",
     "", ""),
    ("select_multiple elements", "elements", "Which elements define modern slavery?", "", ""),
    ("end_group", "", "", "", ""),
    ("begin_group", "interest", "Interest in approaches", "", ""),
    ("select_multiple approaches", "approaches", "Approaches you want to expand", "", ""),
    ("select_one yesno", "forum", "Would you attend a regional forum?", "", ""),
    ("select_one yesno", "training", "Would you attend a capacity-building training?", "", ""),
    ("end_group", "", "", "", ""),
    ("text", "comments", "Anything else you want to tell the network?", "", ""),
]  # fmt: skip
# The share of organisations that gave each answer, as the regional survey reported them.
_SHARES = {
    "populations": {
        "children": 0.902,
        "women": 0.82,
        "migrants": 0.492,
        "minorities": 0.426,
        "elderly": 0.279,
        "lgbtqi": 0.213,
        "refugees": 0.213,
        "religious": 0.18,
    },
    "work": {
        "capacity": 0.8,
        "advocacy": 0.75,
        "services": 0.6,
        "prevention": 0.5,
        "research": 0.2,
    },
    "elements": {"exploitation": 0.85, "compulsion": 0.7, "involuntary": 0.15, "deception": 0.5},
    "approaches": {
        "victim": 0.705,
        "community": 0.689,
        "trauma": 0.361,
        "law": 0.295,
        "government": 0.295,
        "business": 0.213,
    },
}
_YES = {"trained": 0.672, "projects": 0.55, "alliance87": 0.306, "networks": 0.71}
_YES.update(forum=0.984, training=0.871)
_COMMENTS = [
    "We need material in local languages.",
    "Please share training dates early.",
    "Our staff would value exchanges with other shelters.",
]


def demo_form() -> bytes:
    """The questionnaire as an XLSForm workbook."""
    return write_workbook(
        {
            "survey": [["type", "name", "label::English (en)", "relevant", "constraint"], *_SURVEY],
            "choices": [
                ["list_name", "name", "label::English (en)"],
                *(
                    [list_name, name, label]
                    for list_name, items in _CHOICES.items()
                    for name, label in items
                ),
            ],
            "settings": [
                ["form_title", "form_id", "default_language"],
                ["Civil-society survey on modern slavery (demo)", SLUG, "English (en)"],
            ],
        }
    )


def demo_export(rows: int = RESPONSES, seed: int = 8_7) -> bytes:
    """Synthetic responses as a KoboToolbox export: group paths, multiple choices as one
    space-separated column, a ``_uuid`` per submission."""
    rng = random.Random(seed)
    countries = [code for code, _label in _CHOICES["countries"]]
    columns = [
        "profile/country",
        "profile/org_type",
        "profile/populations",
        "profile/work",
        "profile/staff",
        "understanding/trained",
        "understanding/projects",
        "understanding/alliance87",
        "understanding/networks",
        "understanding/elements",
        "interest/approaches",
        "interest/forum",
        "interest/training",
        "comments",
        "_uuid",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for number in range(rows):

        def chosen(question: str) -> str:
            return " ".join(c for c, share in _SHARES[question].items() if rng.random() < share)

        def yes(question: str) -> str:
            return "yes" if rng.random() < _YES[question] else "no"

        trained = yes("trained")
        writer.writerow(
            [
                rng.choices(countries, weights=[5, 4, 4, 3, 3, 3, 2, 1])[0],
                rng.choices(["ngo", "community", "faith", "research"], weights=[6, 3, 2, 1])[0],
                chosen("populations"),
                chosen("work"),
                min(round(rng.lognormvariate(3, 1)), 4_000),
                trained,
                yes("projects") if trained == "no" else "",
                yes("alliance87"),
                yes("networks"),
                chosen("elements"),
                chosen("approaches"),
                yes("forum"),
                yes("training"),
                rng.choice(_COMMENTS) if rng.random() < 0.1 else "",
                f"demo-{number:04d}",
            ]
        )
    return buffer.getvalue().encode()


def load_demo_survey() -> int:
    """The demo survey, run by the platform's staff with its report published, and its
    synthetic responses, once; returns the responses added."""
    from commons.surveys.importing import import_responses
    from commons.surveys.models import Survey
    from commons.surveys.services import create_survey

    survey = Survey.objects.filter(slug=SLUG).first()
    if survey is None:
        survey = create_survey(workbook=demo_form(), slug=SLUG)
        survey.status = Survey.Status.CLOSED
        survey.report_public = True
        survey.save(update_fields=["status", "report_public", "updated_at"])
    if not Survey.objects.filter(slug=OPEN_SLUG).exists():
        open_survey = create_survey(workbook=demo_form(), slug=OPEN_SLUG)
        open_survey.title = _("Member survey, open for answers (demo)")
        open_survey.status = Survey.Status.OPEN
        open_survey.audience = Survey.Audience.MEMBERS
        open_survey.once_per = Survey.Once.ORGANISATION
        open_survey.save()
    return import_responses(survey=survey, source=demo_export()).accepted
