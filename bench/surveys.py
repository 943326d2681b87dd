"""Surveys at scale: importing a KoboToolbox export and reporting on it, against pandas.

Builds an XLSForm of 50 questions modelled on a member survey of civil-society
organisations, and a KoboToolbox-style CSV export of 100,000 synthetic responses to it
(both kept in a cache under the temporary directory, keyed by the seed and size, for
``--reuse``), then

1. creates the survey (``commons surveys import-form``) in a new SQLite database and
   times ``commons surveys import-responses`` in a child process, ``--runs`` times, each
   into a fresh copy of that database, with its peak memory;
2. times the full report (``queries.survey_report``) and the report with one filter and
   one group-by, in a worker process with Django set up on the imported database;
3. times pandas computing the same frequency tables from the same CSV, checks that its
   counts equal ours for every question, and prints our time over pandas'.

The issue's targets are printed beside the figures; the script only reports, it never
fails on a figure. See bench/README.md ("Surveys") for what each figure includes.

    .venv/bin/python bench/surveys.py [--responses N] [--runs R] [--reuse]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import json
import math
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from bench.directory_search import ensure_installed, isolated_env, worker_env  # noqa: E402
from bench.journeys import TreeMemory, copy_database, median, sqlite_url, verdict  # noqa: E402

# Progress bars on a terminal only, as in bench/run.py.
progress = functools.partial(tqdm, disable=None, mininterval=0.5)

CACHE_ROOT = Path(tempfile.gettempdir()) / "commons-bench-surveys"
PANDAS_TARGET = Path(tempfile.gettempdir()) / "bench-pandas"
GENERATOR_VERSION = 1
SLUG = "bench-cso-survey"
FILTERS = {"trained": "no"}
BY = "country"

# The targets.
TARGET_IMPORT_S = 60.0
TARGET_REPORT_S = 3.0
TARGET_FILTERED_S = 5.0

# --- The form ----------------------------------------------------------------------------------

CHOICES: dict[str, list[tuple[str, str]]] = {
    "yesno": [("yes", "Yes"), ("no", "No")],
    "yesnodk": [("yes", "Yes"), ("no", "No"), ("dk", "Don't know")],
    # Namibia's code is NA, which pandas reads as a missing value unless told not to.
    "country": [
        ("TH", "Thailand"), ("KH", "Cambodia"), ("MM", "Myanmar"), ("VN", "Viet Nam"),
        ("ID", "Indonesia"), ("PH", "Philippines"), ("MY", "Malaysia"), ("LA", "Laos"),
        ("NP", "Nepal"), ("BD", "Bangladesh"), ("IN", "India"), ("LK", "Sri Lanka"),
        ("PK", "Pakistan"), ("SG", "Singapore"), ("TL", "Timor-Leste"), ("BN", "Brunei"),
        ("CN", "China"), ("JP", "Japan"), ("KR", "Korea"), ("AU", "Australia"),
        ("US", "United States"), ("GB", "United Kingdom"), ("KE", "Kenya"), ("NA", "Namibia"),
    ],
    "org_type": [
        ("ngo", "Non-governmental organisation"), ("cbo", "Community-based organisation"),
        ("faith", "Faith-based organisation"), ("research", "Research institute"),
        ("union", "Trade union"), ("social_enterprise", "Social enterprise"),
        ("network", "Network or coalition"),
    ],
    "area": [("urban", "Urban"), ("rural", "Rural"), ("both", "Both")],
    "language": [
        ("en", "English"), ("th", "Thai"), ("km", "Khmer"), ("my", "Burmese"),
        ("vi", "Vietnamese"), ("id", "Indonesian"), ("tl", "Filipino"), ("ms", "Malay"),
        ("lo", "Lao"), ("ne", "Nepali"), ("bn", "Bengali"), ("hi", "Hindi"),
    ],
    "populations": [
        ("children", "Children"), ("women", "Women"), ("migrants", "Migrant workers"),
        ("minorities", "Ethnic or racial minorities"), ("elderly", "The elderly"),
        ("lgbtqi", "LGBTQI+ persons"), ("refugees", "Refugees"),
        ("religious", "Religious minorities"),
    ],
    "forms": [
        ("forced_labour", "Forced labour"), ("sexual", "Sexual exploitation"),
        ("child_labour", "Child labour"), ("debt_bondage", "Debt bondage"),
        ("forced_marriage", "Forced marriage"), ("domestic", "Domestic servitude"),
        ("criminality", "Forced criminality (scam centres)"), ("organs", "Organ removal"),
    ],
    "sectors": [
        ("fishing", "Fishing"), ("agriculture", "Agriculture"), ("construction", "Construction"),
        ("manufacturing", "Manufacturing"), ("domestic_work", "Domestic work"),
        ("entertainment", "Entertainment"), ("hospitality", "Hospitality"), ("mining", "Mining"),
    ],
    "frequency": [
        ("never", "Never"), ("rarely", "Rarely"), ("sometimes", "Sometimes"),
        ("often", "Often"), ("always", "Always"),
    ],
    "agree5": [
        ("strongly_disagree", "Strongly disagree"), ("disagree", "Disagree"),
        ("neutral", "Neither"), ("agree", "Agree"), ("strongly_agree", "Strongly agree"),
    ],
    "elements": [
        ("exploitation", "Exploitation"), ("compulsion", "Compulsion"),
        ("involuntary", "Involuntary nature"), ("deception", "Deception"),
    ],
    "indicators": [
        ("vulnerability", "Abuse of vulnerability"), ("deception", "Deception"),
        ("movement", "Restriction of movement"), ("isolation", "Isolation"),
        ("violence", "Physical and sexual violence"), ("intimidation", "Intimidation"),
        ("documents", "Retention of identity documents"), ("wages", "Withholding of wages"),
        ("debt", "Debt bondage"), ("conditions", "Abusive conditions"),
        ("overtime", "Excessive overtime"),
    ],
    "work": [
        ("capacity", "Capacity building"), ("advocacy", "Advocacy"),
        ("services", "Services to survivors"), ("prevention", "Prevention and awareness"),
        ("research", "Research"),
    ],
    "data_system": [
        ("paper", "Paper files"), ("spreadsheet", "Spreadsheets"),
        ("database", "A case database"), ("none", "None"),
    ],
    "needs": [
        ("funding", "Funding"), ("training", "Training"), ("staff", "Staff"),
        ("legal", "Legal support"), ("psychosocial", "Psychosocial support"),
        ("data", "Data and research"), ("networking", "Networking"), ("other", "Other"),
    ],
    "funders": [
        ("government", "Government"), ("un", "UN agency"), ("foundation", "Foundation"),
        ("embassy", "Embassy"), ("private", "Private sector"), ("community", "Community"),
    ],
    "trend": [("up", "Increasing"), ("same", "Stable"), ("down", "Decreasing")],
    "networks": [
        ("arise", "ARISE"), ("gaatw", "GAATW"), ("ecpat", "ECPAT"), ("mekong", "Mekong Club"),
        ("coalition", "National coalition"), ("other", "Other network"),
    ],
    "approaches": [
        ("victim", "Victim-centred"), ("community", "Community-centred"),
        ("trauma", "Trauma-informed"), ("law", "Law enforcement-centred"),
        ("government", "Government-centred"), ("business", "Business-centred"),
    ],
}  # fmt: skip

# type, name, label, required, relevant, constraint
SURVEY: list[tuple[str, str, str, str, str, str]] = [
    ("start", "start", "", "", "", ""),
    ("end", "end", "", "", "", ""),
    ("begin_group", "profile", "Organisational profile", "", "", ""),
    ("text", "org_name", "Name of your organisation", "yes", "", ""),
    ("select_one country", "country", "Country of your main office", "yes", "", ""),
    ("select_one org_type", "org_type", "Type of organisation", "yes", "", ""),
    ("date", "founded", "When was it founded?", "", "", ""),
    ("select_one yesno", "registered", "Is it registered?", "", "", ""),
    ("integer", "staff", "Paid staff", "", "", ". >= 0 and . <= 5000"),
    ("integer", "volunteers", "Volunteers", "", "", ". >= 0 and . <= 20000"),
    ("select_multiple language", "languages", "Languages you work in", "", "", ""),
    ("select_multiple country", "operates", "Countries you work in", "", "", ""),
    ("select_one area", "area", "Where you work", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "reach", "Who you reach", "", "", ""),
    ("select_multiple populations", "populations", "Populations you serve", "", "", ""),
    ("select_multiple forms", "forms", "Forms of exploitation you address", "", "", ""),
    ("select_multiple sectors", "sectors", "Sectors of forced labour you see", "",
     "selected(${forms}, 'forced_labour')", ""),
    ("integer", "survivors", "Survivors supported last year", "", "", ". >= 0"),
    ("select_one yesno", "shelter", "Do you run a shelter?", "", "", ""),
    ("integer", "shelter_beds", "Beds in the shelter", "", "${shelter} = 'yes'",
     ". >= 1 and . <= 1000"),
    ("select_one yesno", "hotline", "Do you run a hotline?", "", "", ""),
    ("select_one frequency", "referrals", "How often do you refer survivors?", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "understanding", "Understanding of modern slavery", "", "", ""),
    ("select_one yesno", "trained", "Trained on forms of modern slavery?", "yes", "", ""),
    ("date", "last_training", "Date of the last training", "", "${trained} = 'yes'", ""),
    ("select_one yesno", "projects", "Projects against labour or sex trafficking?", "",
     "${trained} = 'no'", ""),
    ("select_one yesno", "alliance87", "Have you heard of Alliance 8.7?", "", "", ""),
    ("select_multiple elements", "elements", "Which elements define modern slavery?", "",
     "", ""),
    ("select_one agree5", "definition_clear", "The legal definition is clear", "", "", ""),
    ("select_one yesnodk", "laws_known", "Do you know your country's law on it?", "", "", ""),
    ("select_multiple indicators", "indicators", "Indicators of forced labour you use", "",
     "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "capacity", "Capacities", "", "", ""),
    ("select_multiple work", "services", "How you address modern slavery", "", "", ""),
    ("select_one yesno", "case_management", "Do you manage cases?", "", "", ""),
    ("select_one data_system", "data_system", "How do you keep case data?", "", "", ""),
    ("decimal", "trained_share", "Share of staff trained (%)", "", "",
     ". >= 0 and . <= 100"),
    ("select_multiple needs", "needs", "What you need most", "", "", ""),
    ("select_one needs", "biggest_need", "Your biggest need", "", "", ""),
    ("select_one yesno", "safeguarding", "Do you have a safeguarding policy?", "", "", ""),
    ("select_one frequency", "supervision", "How often is staff supervised?", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "funding", "Funding", "", "${registered} = 'yes'", ""),
    ("decimal", "budget", "Annual budget (USD)", "", "", ". > 0"),
    ("select_multiple funders", "funders", "Who funds you", "", "", ""),
    ("select_one funders", "main_funder", "Your main funder", "", "", ""),
    ("select_one trend", "funding_trend", "Your funding over 3 years", "", "", ""),
    ("decimal", "reserve_months", "Months of reserves", "", "", ". >= 0 and . <= 120"),
    ("select_one yesno", "audited", "Are your accounts audited?", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "partnerships", "Networks and partners", "", "", ""),
    ("select_one yesno", "member_network", "Are you a member of a network?", "", "", ""),
    ("select_multiple networks", "networks", "Which networks", "", "${member_network} = 'yes'",
     ""),
    ("integer", "partners", "Organisations you work with", "", "", ". >= 0 and . <= 500"),
    ("select_one agree5", "coop_government", "Cooperation with government works", "", "", ""),
    ("select_one agree5", "coop_business", "Cooperation with business works", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "interest", "Interest in approaches", "", "", ""),
    ("select_multiple approaches", "approaches", "Approaches you want to expand", "", "", ""),
    ("select_one yesno", "forum", "Would you attend a regional forum?", "", "", ""),
    ("select_one yesno", "training", "Would you attend a capacity-building training?", "",
     "", ""),
    ("select_one language", "language_pref", "Language you prefer for trainings", "", "", ""),
    ("end_group", "", "", "", "", ""),
    ("text", "comments", "Anything else you want to tell the network?", "", "", ""),
    ("note", "thanks", "Thank you!", "", "", ""),
]  # fmt: skip

SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Member survey of civil-society organisations (benchmark)", "cso_members", "1",
     "English (en)"],
]  # fmt: skip
FIELD_TYPES = {"select_one", "select_multiple", "text", "integer", "decimal", "date"}


def questions() -> list[dict]:
    """The form's questions in order: name, path, type and choice names."""
    found, groups = [], []
    for kind, name, *_rest in SURVEY:
        if kind == "begin_group":
            groups.append(name)
        elif kind == "end_group":
            groups.pop()
        elif kind.split()[0] in FIELD_TYPES:
            base, _space, list_name = kind.partition(" ")
            found.append(
                {
                    "name": name,
                    "path": "/".join([*groups, name]),
                    "type": base,
                    "choices": [c for c, _label in CHOICES.get(list_name, [])],
                }
            )
    return found


def form_workbook() -> bytes:
    """The questionnaire as an XLSForm workbook (survey, choices and settings sheets)."""
    from commons.surveys.xlsform import write_workbook

    header = ["type", "name", "label::English (en)", "required", "relevant", "constraint"]
    choices = [
        [list_name, name, label] for list_name, items in CHOICES.items() for name, label in items
    ]
    return write_workbook(
        {
            "survey": [header, *SURVEY],
            "choices": [["list_name", "name", "label::English (en)"], *choices],
            "settings": SETTINGS,
        }
    )


# --- The responses ------------------------------------------------------------------------------


class Picker:
    """One of ``weights``' keys, drawn by weight (cumulative weights precomputed)."""

    def __init__(self, weights: dict) -> None:
        self.items = list(weights)
        total, self.cumulative = 0.0, []
        for weight in weights.values():
            total += weight
            self.cumulative.append(total)

    def __call__(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def zipf(items: list, s: float = 1.0) -> dict:
    return {item: 1.0 / (rank + 1) ** s for rank, item in enumerate(items)}


def names(list_name: str) -> list[str]:
    return [name for name, _label in CHOICES[list_name]]


# Shares of organisations that tick each choice of a multiple choice (the regional
# survey's, where it reported them).
SHARES = {
    "languages": dict(zip(names("language"), [0.7, 0.3, 0.2, 0.2, 0.15, 0.15, 0.12, 0.1,
                                              0.06, 0.06, 0.05, 0.05], strict=True)),
    "populations": {"children": 0.902, "women": 0.82, "migrants": 0.492, "minorities": 0.426,
                    "elderly": 0.279, "lgbtqi": 0.213, "refugees": 0.213, "religious": 0.18},
    "forms": {"forced_labour": 0.7, "sexual": 0.6, "child_labour": 0.45, "debt_bondage": 0.3,
              "forced_marriage": 0.2, "domestic": 0.25, "criminality": 0.3, "organs": 0.03},
    "sectors": {"fishing": 0.35, "agriculture": 0.45, "construction": 0.4,
                "manufacturing": 0.3, "domestic_work": 0.35, "entertainment": 0.2,
                "hospitality": 0.2, "mining": 0.08},
    "elements": {"exploitation": 0.85, "compulsion": 0.7, "involuntary": 0.15,
                 "deception": 0.5},
    "indicators": dict(zip(names("indicators"), [0.6, 0.7, 0.5, 0.4, 0.55, 0.45, 0.65, 0.6,
                                                 0.5, 0.35, 0.3], strict=True)),
    "services": {"capacity": 0.8, "advocacy": 0.75, "services": 0.6, "prevention": 0.5,
                 "research": 0.2},
    "needs": {"funding": 0.85, "training": 0.6, "staff": 0.4, "legal": 0.35,
              "psychosocial": 0.3, "data": 0.25, "networking": 0.3, "other": 0.05},
    "funders": {"government": 0.3, "un": 0.25, "foundation": 0.5, "embassy": 0.2,
                "private": 0.25, "community": 0.35},
    "networks": {"arise": 0.2, "gaatw": 0.3, "ecpat": 0.25, "mekong": 0.1, "coalition": 0.6,
                 "other": 0.15},
    "approaches": {"victim": 0.705, "community": 0.689, "trauma": 0.361, "law": 0.295,
                   "government": 0.295, "business": 0.213},
}  # fmt: skip
YES = {
    "registered": 0.85, "shelter": 0.25, "hotline": 0.2, "trained": 0.672, "projects": 0.55,
    "alliance87": 0.306, "case_management": 0.5, "safeguarding": 0.6, "audited": 0.7,
    "member_network": 0.65, "forum": 0.984, "training": 0.871,
}  # fmt: skip
SKIPPED = 0.04  # the share of organisations that leave a question that is not required blank
WORDS = [
    "Hope", "Freedom", "Community", "Action", "Foundation", "Network", "Centre", "Mekong",
    "Women's", "Children's", "Migrant", "Rights", "Alliance", "Shelter", "Legal", "Aid",
    "Voices", "Bridge", "Light", "Harbour", "Friends", "Development", "Justice", "Youth",
]  # fmt: skip
COMMENTS = [
    "We need material in local languages.",
    "Please share training dates early.",
    "Our staff would value exchanges with other shelters.",
    "Funding for case workers is our main problem; we lost two donors this year.",
    "Referral pathways across the border do not work, please discuss at the forum.",
]


def drawers(rng: random.Random) -> dict:
    """For every question, a function of the answers so far that draws its answer (None:
    skipped, by relevance or by choice)."""
    pick = {
        list_name: Picker(zipf(names(list_name), 0.8))
        for list_name in ("org_type", "area", "data_system", "funders", "trend", "language")
    }
    country = Picker(
        zipf(names("country"), 1.1)
    )  # Thailand, Cambodia, Myanmar … first, as the region's network
    frequency = Picker(dict(zip(names("frequency"), [5, 15, 35, 30, 15], strict=True)))
    agree = Picker(dict(zip(names("agree5"), [5, 12, 25, 40, 18], strict=True)))
    known = Picker({"yes": 55, "no": 30, "dk": 15})
    need = Picker(SHARES["needs"])

    def yes(name):
        return lambda a: "yes" if rng.random() < YES[name] else "no"

    def many(name):
        shares = list(SHARES[name].items())
        return lambda a: [c for c, share in shares if rng.random() < share] or None

    def whole(mu, sigma, low, high):
        return lambda a: max(low, min(high, round(rng.lognormvariate(mu, sigma))))

    def day(first: int, last: int):
        start = datetime.date(first, 1, 1).toordinal()
        end = datetime.date(last, 12, 31).toordinal()
        return lambda a: datetime.date.fromordinal(rng.randint(start, end)).isoformat()

    def operates(a):
        chosen = {a["country"]}
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            chosen.add(country(rng))
        order = names("country")
        return sorted(chosen, key=order.index)

    def only_if(condition, draw):
        return lambda a: draw(a) if condition(a) else None

    def registered(a):
        return a.get("registered") == "yes"

    return {
        "org_name": lambda a: " ".join(rng.sample(WORDS, rng.randint(2, 4))),
        "country": lambda a: country(rng),
        "org_type": lambda a: pick["org_type"](rng),
        "founded": day(1960, 2024),
        "registered": yes("registered"),
        "staff": whole(2.5, 1.2, 0, 5000),
        "volunteers": whole(2.0, 1.5, 0, 20000),
        "languages": many("languages"),
        "operates": operates,
        "area": lambda a: pick["area"](rng),
        "populations": many("populations"),
        "forms": many("forms"),
        "sectors": only_if(lambda a: "forced_labour" in (a.get("forms") or ()), many("sectors")),
        "survivors": whole(3.5, 1.5, 0, 100_000),
        "shelter": yes("shelter"),
        "shelter_beds": only_if(lambda a: a.get("shelter") == "yes", whole(3, 0.7, 1, 1000)),
        "hotline": yes("hotline"),
        "referrals": lambda a: frequency(rng),
        "trained": yes("trained"),
        "last_training": only_if(lambda a: a["trained"] == "yes", day(2015, 2025)),
        "projects": only_if(lambda a: a["trained"] == "no", yes("projects")),
        "alliance87": yes("alliance87"),
        "elements": many("elements"),
        "definition_clear": lambda a: agree(rng),
        "laws_known": lambda a: known(rng),
        "indicators": many("indicators"),
        "services": many("services"),
        "case_management": yes("case_management"),
        "data_system": lambda a: pick["data_system"](rng),
        "trained_share": lambda a: round(rng.uniform(0, 100), 1),
        "needs": many("needs"),
        "biggest_need": lambda a: need(rng),
        "safeguarding": yes("safeguarding"),
        "supervision": lambda a: frequency(rng),
        "budget": only_if(registered, lambda a: round(rng.lognormvariate(11, 1.5), 2) or 1.0),
        "funders": only_if(registered, many("funders")),
        "main_funder": only_if(registered, lambda a: pick["funders"](rng)),
        "funding_trend": only_if(registered, lambda a: pick["trend"](rng)),
        "reserve_months": only_if(registered, lambda a: round(rng.uniform(0, 24), 1)),
        "audited": only_if(registered, yes("audited")),
        "member_network": yes("member_network"),
        "networks": only_if(lambda a: a.get("member_network") == "yes", many("networks")),
        "partners": whole(2.5, 1.0, 0, 500),
        "coop_government": lambda a: agree(rng),
        "coop_business": lambda a: agree(rng),
        "approaches": many("approaches"),
        "forum": yes("forum"),
        "training": yes("training"),
        "language_pref": lambda a: pick["language"](rng),
        "comments": lambda a: rng.choice(COMMENTS) if rng.random() < 0.15 else None,
    }


METADATA_AFTER = [
    "__version__",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "_tags",
    "_index",
]


def export_header() -> list[str]:
    """Kobo's layout: start and end, every question by its group path with a multiple
    choice's 0/1 columns right after it, then the server's columns."""
    header = ["start", "end"]
    for question in questions():
        header.append(question["path"])
        if question["type"] == "select_multiple":
            header += [f"{question['path']}/{choice}" for choice in question["choices"]]
    return header + METADATA_AFTER


def generate(cache: Path, *, responses: int, seed: int) -> dict:
    """The form and ``responses`` synthetic responses as a KoboToolbox CSV export; returns
    what it wrote. Every row is valid: skip logic and constraints hold."""
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "form.xlsx").write_bytes(form_workbook())
    rng = random.Random(seed)
    draw = drawers(rng)
    asked = questions()
    required = {name for kind, name, _l, req, *_r in SURVEY if req == "yes"}
    first = datetime.datetime(
        2024, 3, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )
    partial = cache / "responses.partial"
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(export_header())
        batch = []
        for number in progress(range(responses), desc="generating responses", unit="rows"):
            answers: dict = {}
            for question in asked:
                name = question["name"]
                if name not in required and rng.random() < SKIPPED:
                    continue
                value = draw[name](answers)
                if value is not None:
                    answers[name] = value
            started = first + datetime.timedelta(seconds=number * 37 + rng.randint(0, 30))
            ended = started + datetime.timedelta(seconds=rng.randint(300, 2400))
            row = [started.isoformat(timespec="milliseconds"), ended.isoformat("T", "milliseconds")]
            for question in asked:
                value = answers.get(question["name"])
                if question["type"] == "select_multiple":
                    if value is None:
                        row += [""] * (1 + len(question["choices"]))
                    else:
                        row.append(" ".join(value))
                        row += ["1" if c in value else "0" for c in question["choices"]]
                else:
                    row.append("" if value is None else str(value))
            submitted = ended + datetime.timedelta(seconds=rng.randint(5, 86_400))
            row += [
                "vBench1",
                str(100_000_000 + number),
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                submitted.replace(tzinfo=None).isoformat(timespec="seconds"),
                "",
                "",
                "submitted_via_web",
                "",
                "",
                str(number + 1),
            ]
            batch.append(row)
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch = []
        writer.writerows(batch)
    path = cache / "responses.csv"
    partial.replace(path)
    return {
        "responses": responses,
        "questions": len(asked),
        "columns": len(export_header()),
        "mib": path.stat().st_size / 2**20,
    }


# --- Worker processes ---------------------------------------------------------------------------


def comparable(found: dict) -> dict:
    """A report's counts and numbers, by question (and by group, for the groups it shows),
    in the shape the pandas worker gives them."""

    def figures(entry: dict) -> dict:
        out = {"valid_n": entry["valid_n"]}
        if "choices" in entry:
            out["counts"] = {choice["name"]: choice["count"] for choice in entry["choices"]}
        elif "n" in entry:
            out.update({key: entry[key] for key in ("n", "mean", "median", "min", "max")})
        else:
            out["answers"] = len(entry["answers"])
        return out

    result = {"responses": found["responses"], "questions": {}}
    for question in found["questions"]:
        entry = figures(question)
        if "by" in question:
            entry["by"] = {
                group: figures(part)
                for group, part in question["by"].items()
                if not part.get("too_few")
            }
        result["questions"][question["name"]] = entry
    return result


def measure_report(spec: dict) -> dict:
    """``survey_report`` with and without the filter and group-by, ``runs`` times each in
    turns after one untimed call of each; then the same split into reading the responses
    and indexing them (``read_index``) and computing the figures (``analysis.report``)."""
    from django.db import connection

    from commons.surveys.analysis import report
    from commons.surveys.models import Response, Survey
    from commons.surveys.queries import forget_indexes, read_index, survey_report

    perf = time.perf_counter
    output: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()")
        output["sqlite"] = cursor.fetchone()[0]
    survey = Survey.objects.get(slug=SLUG)
    output["responses"] = Response.objects.filter(survey=survey).count()
    started = perf()
    form = survey.form  # read with pyxform once per process, then cached
    output["form_s"] = perf() - started
    output["questions"] = sum(question.type != "note" for question in form.questions)
    filtered = {"filters": spec["filters"], "by": spec["by"]}
    started = perf()
    full = survey_report(survey)
    output["first_s"] = perf() - started
    started = perf()
    by = survey_report(survey, **filtered)
    output["first_filtered_s"] = perf() - started
    Path(spec["figures_path"]).write_text(
        json.dumps({"full": comparable(full), "filtered": comparable(by)})
    )
    del full, by
    times: dict[str, list[float]] = {"report": [], "filtered": []}
    cpu: dict[str, list[float]] = {"report": [], "filtered": []}
    for _run in progress(range(spec["runs"]), desc="timing survey_report", leave=False):
        for key, options in (("report", {}), ("filtered", filtered)):
            forget_indexes()  # as for the first reader: the responses are read and indexed
            started, used = perf(), time.process_time()
            survey_report(survey, **options)
            times[key].append(perf() - started)
            cpu[key].append(time.process_time() - used)
    # The next reader of the same survey in the same process, changing the filter.
    times["kept"] = []
    for _run in progress(range(spec["runs"]), desc="timing with a kept index", leave=False):
        started = perf()
        survey_report(survey, **filtered)
        times["kept"].append(perf() - started)
    phases: dict[str, list[float]] = {"index": [], "figures": [], "figures_filtered": []}
    for _run in progress(range(spec["runs"]), desc="timing its parts", leave=False):
        started = perf()
        index = read_index(survey)
        phases["index"].append(perf() - started)
        started = perf()
        report(index)
        phases["figures"].append(perf() - started)
        started = perf()
        report(index, **filtered)
        phases["figures_filtered"].append(perf() - started)
        del index
    output.update(times=times, cpu=cpu, phases=phases)
    output["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return output


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=("report",), required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import django

    django.setup()
    args.result.write_text(json.dumps(measure_report(spec)))
    return 0


def run_worker(kind: str, spec: dict, var_dir: Path, env: dict, flag: str = "--worker") -> dict:
    spec_path, result_path = var_dir / f"spec-{kind}.json", var_dir / f"result-{kind}.json"
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, str(Path(__file__).resolve()), flag]
    if flag == "--worker":
        command.append(kind)
    command += ["--spec", str(spec_path), "--result", str(result_path)]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"the {kind} worker failed (exit {result.returncode})")
    return json.loads(result_path.read_text())


# --- pandas -------------------------------------------------------------------------------------


def pandas_tables(frame, asked: list[dict]) -> dict:
    """Every question's frequency table over ``frame``: per single choice the count of
    each value over the non-blank cells, per multiple choice the count of 1s of each
    0/1 column over the rows that answered it, per number count, mean, median, minimum
    and maximum, per text or date the list of answers; valid N and percentages."""
    tables: dict = {}
    for question in asked:
        path, kind = question["path"], question["type"]
        if kind == "select_one":
            column = frame[path]
            valid = int(column.count())
            counts = column.value_counts().reindex(question["choices"], fill_value=0)
            tables[question["name"]] = (valid, counts, (counts * 100 / valid).round(1))
        elif kind == "select_multiple":
            answered = frame[path].notna()
            valid = int(answered.sum())
            flags = frame.loc[answered, [f"{path}/{c}" for c in question["choices"]]]
            counts = flags.eq(1).sum().set_axis(question["choices"])
            tables[question["name"]] = (valid, counts, (counts * 100 / valid).round(1))
        elif kind in {"integer", "decimal"}:
            column = frame[path]
            tables[question["name"]] = column.agg(["count", "mean", "median", "min", "max"])
        else:
            tables[question["name"]] = frame[path].dropna().tolist()
    return tables


def pandas_grouped(pd, frame, asked: list[dict], by: str) -> dict:
    """The same tables for each group of ``frame`` by its answer to ``by``."""
    groups = frame.groupby(by, sort=False)
    tables: dict = {"_size": groups.size()}
    for question in asked:
        path, kind = question["path"], question["type"]
        if kind == "select_one":
            valid = groups[path].count()
            counts = pd.crosstab(frame[by], frame[path]).reindex(
                columns=question["choices"], fill_value=0
            )
            tables[question["name"]] = (
                valid,
                counts,
                (counts.mul(100).div(valid, axis=0)).round(1),
            )
        elif kind == "select_multiple":
            answered = frame[path].notna()
            columns = [f"{path}/{c}" for c in question["choices"]]
            part = frame.loc[answered, [by, *columns]]
            valid = part.groupby(by, sort=False).size()
            counts = part[columns].eq(1).groupby(part[by], sort=False).sum()
            counts = counts.set_axis(question["choices"], axis=1)
            tables[question["name"]] = (
                valid,
                counts,
                (counts.mul(100).div(valid, axis=0)).round(1),
            )
        elif kind in {"integer", "decimal"}:
            tables[question["name"]] = groups[path].agg(["count", "mean", "median", "min", "max"])
        else:
            tables[question["name"]] = groups[path].agg(lambda s: s.dropna().tolist())
    return tables


def pandas_comparable(asked: list[dict], tables: dict, grouped: dict | None, size: int) -> dict:
    """pandas' tables in the shape of ``comparable``: a group shows figures when it has at
    least 5 responses, as ours (analysis.MIN_GROUP)."""

    def plain(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    def figures(question, table, group=None) -> dict:
        kind = question["type"]
        if kind in {"select_one", "select_multiple"}:
            valid, counts, _percent = table
            if group is not None:
                valid = int(valid.get(group, 0))
                counts = counts.loc[group] if group in counts.index else None
            out = {"valid_n": int(valid)}
            out["counts"] = {
                c: (int(counts[c]) if counts is not None else 0) for c in question["choices"]
            }
            return out
        if kind in {"integer", "decimal"}:
            row = table if group is None else table.loc[group]
            n = int(row["count"])
            out = {"valid_n": n, "n": n}
            for key in ("mean", "median", "min", "max"):
                out[key] = plain(row[key])
            return out
        listed = table if group is None else table.loc[group]
        return {"valid_n": len(listed), "answers": len(listed)}

    result = {"responses": size, "questions": {}}
    for question in asked:
        entry = figures(question, tables[question["name"]])
        if grouped is not None:
            sizes = grouped["_size"]
            entry["by"] = {
                str(group): figures(question, grouped[question["name"]], group)
                for group in sizes.index
                if int(sizes[group]) >= 5
            }
        result["questions"][question["name"]] = entry
    return result


def pandas_worker(argv: list[str]) -> int:
    """In a process of its own (pandas from PANDAS_TARGET, no Django): ``runs`` times,
    read the CSV, then the full tables, then the tables under the filter and by group."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pandas-worker", action="store_true", required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import numpy
    import pandas as pd

    asked = questions()
    paths = {q["name"]: q["path"] for q in asked}
    filters = {paths[name]: value for name, value in spec["filters"].items()}
    by = paths[spec["by"]]
    perf = time.perf_counter
    runs: list[dict] = []
    for _run in progress(range(spec["runs"]), desc="timing pandas", leave=False):
        started, used = perf(), time.process_time()
        # Blank cells are missing values, and nothing else is ("NA" is Namibia).
        frame = pd.read_csv(spec["csv"], keep_default_na=False, na_values=[""], low_memory=False)
        read = perf()
        tables = pandas_tables(frame, asked)
        full = perf()
        mask = numpy.ones(len(frame), dtype=bool)
        for path, value in filters.items():
            mask &= (frame[path] == value).to_numpy()
        selected = frame[mask]
        filtered = pandas_tables(selected, asked)
        grouped = pandas_grouped(pd, selected, asked, by)
        done = perf()
        runs.append(
            {
                "read": read - started,
                "tables": full - read,
                "filtered": done - full,
                "cpu": time.process_time() - used,
            }
        )
    Path(spec["figures_path"]).write_text(
        json.dumps(
            {
                "full": pandas_comparable(asked, tables, None, len(frame)),
                "filtered": pandas_comparable(asked, filtered, grouped, len(selected)),
            }
        )
    )
    output = {
        "version": pd.__version__,
        "numpy": numpy.__version__,
        "rows": len(frame),
        "runs": runs,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    args.result.write_text(json.dumps(output))
    return 0


def ensure_pandas() -> str:
    return ensure_installed("pandas", "import pandas; print(pandas.__version__)", PANDAS_TARGET)


def compare(ours: dict, theirs: dict) -> list[str]:
    """Where pandas' figures differ from ours: every count, valid N and number of every
    question (and of every group shown); means and medians to the report's 2 decimals."""
    problems = []
    if ours["responses"] != theirs["responses"]:
        problems.append(f"responses: ours {ours['responses']}, pandas {theirs['responses']}")

    def same(a, b) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return abs(a - b) <= 0.0051 + 1e-9 * abs(a)
        return a == b

    def check(where: str, mine: dict, other: dict | None) -> None:
        if other is None:
            problems.append(f"{where}: pandas has no figures")
            return
        for key, value in mine.items():
            if key == "by":
                continue
            if key == "counts":
                for choice, count in value.items():
                    if other["counts"].get(choice) != count:
                        problems.append(
                            f"{where} {choice}: ours {count}, pandas {other['counts'].get(choice)}"
                        )
            elif not same(value, other.get(key)):
                problems.append(f"{where} {key}: ours {value}, pandas {other.get(key)}")

    for name, mine in ours["questions"].items():
        other = theirs["questions"].get(name)
        check(name, mine, other)
        if other is None:
            continue
        groups = mine.get("by", {})
        if set(groups) != set(other.get("by", {})):
            problems.append(
                f"{name}: groups shown differ: ours {sorted(groups)}, "
                f"pandas {sorted(other.get('by', {}))}"
            )
        for group, figures in groups.items():
            check(f"{name} [{BY}={group}]", figures, other.get("by", {}).get(group))
    return problems


# --- The import (the management command, in a child process) ------------------------------------


def commons(*args: str) -> list[str]:
    return [sys.executable, "-m", "commons.cli", *args]


def run_import(csv_path: Path, database: Path, var_dir: Path) -> dict:
    """``commons surveys import-responses`` as an operator runs it: wall-clock time from
    starting the process to its exit (Python and Django start-up included), its CPU time
    and its peak RSS (``wait4``)."""
    out_path = var_dir / "import.out"
    with out_path.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            commons("surveys", "import-responses", SLUG, str(csv_path)),
            cwd=ROOT,
            env=worker_env(var_dir, sqlite_url(database)),
            stdout=out,
        )
        sampler = TreeMemory(child.pid)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
    text = out_path.read_text(errors="replace")
    if os.waitstatus_to_exitcode(status):
        sys.stderr.write(text[-4000:])
        raise SystemExit(f"the import failed (exit {os.waitstatus_to_exitcode(status)})")
    found = re.search(r"accepted: (\d+); already imported, skipped: (\d+); rejected: (\d+)", text)
    if found is None:
        sys.stderr.write(text[-4000:])
        raise SystemExit("the import's output has no summary line")
    accepted, skipped, rejected = (int(value) for value in found.groups())
    return {
        "seconds": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "pss_mib": sampler.peak_kib / 1024,
        "accepted": accepted,
        "skipped": skipped,
        "rejected": rejected,
        "rejected_examples": [line for line in text.splitlines() if line.startswith("row ")][:3],
        "db_mib": sum(path.stat().st_size for path in database.parent.glob(database.name + "*"))
        / 2**20,
    }


def startup_seconds(var_dir: Path, database: Path) -> float:
    """Python's and Django's start-up, as the import pays it: ``commons surveys --help``."""
    started = time.perf_counter()
    subprocess.run(
        commons("surveys", "--help"),
        cwd=ROOT,
        env=worker_env(var_dir, sqlite_url(database)),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


# --- Main process -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--responses", type=int, default=100_000, help="synthetic responses (100000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed imports, each fresh (3)")
    parser.add_argument(
        "--report-runs", type=int, default=5, help="timed reports of each kind, and pandas runs (5)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument("--reuse", action="store_true", help="reuse the cached generated files")
    parser.add_argument("--no-pandas", action="store_true", help="skip pandas")
    args = parser.parse_args(argv)
    if not 100 <= args.responses <= 2_000_000:
        parser.error("--responses must be 100-2000000")
    if not 1 <= args.runs <= 20 or not 1 <= args.report_runs <= 50:
        parser.error("--runs must be 1-20 and --report-runs 1-50")
    return args


def seconds(values: list[float]) -> str:
    return (
        f"median {median(values):.2f} s of {len(values)} ("
        + ", ".join(f"{value:.2f}" for value in values)
        + ")"
    )


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.1f}x" if theirs else "n/a"


def report(args, ctx: dict) -> None:
    data, imports, measured = ctx["data"], ctx["imports"], ctx["report"]
    pandas = ctx.get("pandas")
    print("\n=== Surveys benchmark: summary ===")
    print(f"command:  {ctx['command']}")
    print(f"versions: {ctx['versions']}")
    print(
        f"data:     {data['responses']:,} synthetic responses to {data['questions']} questions, "
        f"a CSV of {data['columns']} columns and {data['mib']:,.0f} MiB, seed {args.seed}; "
        f"{ctx['cache']}"
    )
    print(
        f"\nimport: `commons surveys import-responses` in a child process, each run into a "
        f"fresh copy of a migrated SQLite database holding the survey only (Python and "
        f"Django start-up, {ctx['startup_s']:.1f} s, included)"
    )
    walls = [run["seconds"] for run in imports]
    print(f"  {seconds(walls)}")
    last = imports[-1]
    print(
        f"  CPU {median([run['cpu_s'] for run in imports]):.1f} s; peak memory "
        f"{max(run['peak_mib'] for run in imports):,.0f} MiB (RSS), "
        f"{max(run['pss_mib'] for run in imports):,.0f} MiB (PSS, sampled); database "
        f"{last['db_mib']:,.0f} MiB"
    )
    print(
        f"  accepted {last['accepted']:,}, skipped {last['skipped']:,}, rejected "
        f"{last['rejected']:,} (every generated row is valid: all should be accepted)"
    )
    for line in last["rejected_examples"]:
        print(f"  e.g. {line}")

    times, phases = measured["times"], measured["phases"]
    filters = ", ".join(f"{k}={v}" for k, v in FILTERS.items())
    print(
        f"\nreport: queries.survey_report(survey) in a worker with Django set up on the imported "
        f"database ({measured['responses']:,} responses); reading the form with pyxform, "
        f"{measured['form_s']:.2f} s once per process, not included"
    )
    cpu = measured["cpu"]
    print(f"  full report:              {seconds(times['report'])}")
    print(f"  filter {filters}, by {BY}: {seconds(times['filtered'])}")
    print(
        f"  the same, the survey's index kept by the process from an earlier report: "
        f"{seconds(times['kept'])}"
    )
    print(
        f"  CPU time of the same calls (medians): {median(cpu['report']):.2f} s and "
        f"{median(cpu['filtered']):.2f} s"
    )
    print(
        f"  first calls (untimed above): {measured['first_s']:.2f} s and "
        f"{measured['first_filtered_s']:.2f} s; worker peak RSS {measured['peak_mib']:,.0f} MiB"
    )
    print(
        f"  parts: read_index (read the answers, index them)   {seconds(phases['index'])};"
        f"\n         analysis.report (all figures)            {seconds(phases['figures'])};"
        f"\n         analysis.report (filter and group-by)    "
        f"{seconds(phases['figures_filtered'])}"
    )

    report_s, filtered_s = median(times["report"]), median(times["filtered"])
    if pandas:
        runs = pandas["runs"]
        read = median([r["read"] for r in runs])
        tables = median([r["tables"] for r in runs])
        filtered = median([r["filtered"] for r in runs])
        full_total = median([r["read"] + r["tables"] for r in runs])
        filtered_total = median([r["read"] + r["filtered"] for r in runs])
        print(
            f"\npandas {pandas['version']} (numpy {pandas['numpy']}), in a process of its own, "
            f"{len(runs)} runs: read_csv {read:.2f} s, full tables {tables:.2f} s, filter + "
            f"tables + group-by tables {filtered:.2f} s (medians; CPU of a whole run "
            f"{median([r['cpu'] for r in runs]):.2f} s); peak RSS "
            f"{pandas['peak_mib']:,.0f} MiB"
        )
        problems = ctx["problems"]
        if problems:
            print(f"  MISMATCH: pandas' figures differ from ours in {len(problems)} places:")
            for line in problems[:20]:
                print(f"    {line}")
        else:
            print(
                "  every count, valid N and number of every question equals ours, in the full "
                "report and under the filter, for every group shown"
            )
        print("\nours / pandas (medians):")
        pairs = [
            ("full report: survey_report / read_csv + tables", report_s, full_total),
            ("filter + group-by: survey_report / read_csv + tables", filtered_s, filtered_total),
            ("loading: read_index / read_csv", median(phases["index"]), read),
            ("figures alone: analysis.report / tables", median(phases["figures"]), tables),
            (
                "figures alone, filter + group-by",
                median(phases["figures_filtered"]),
                filtered,
            ),
        ]
        for label, mine, theirs in pairs:
            print(f"  {label:<56}{mine:7.2f} s / {theirs:5.2f} s = {ratio(mine, theirs)}")

    import_s = median(walls)
    print(f"\nagainst the issue's targets ({data['responses']:,} responses, 50 questions):")
    print(f"  import:                    {import_s:6.1f} s ", end="")
    print(f"({verdict(import_s, TARGET_IMPORT_S)} 60 s)")
    print(
        f"  full report:               {report_s:6.2f} s ({verdict(report_s, TARGET_REPORT_S)} 3 s)"
    )
    print(
        f"  one filter and a group-by: {filtered_s:6.2f} s "
        f"({verdict(filtered_s, TARGET_FILTERED_S)} 5 s)"
    )
    if pandas:
        print(
            f"  ours / pandas: {ratio(report_s, full_total)} (full), "
            f"{ratio(filtered_s, filtered_total)} (filter and group-by)"
        )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        return worker(argv)
    if "--pandas-worker" in argv:
        return pandas_worker(argv)
    args = parse_args(argv)
    import django

    command = shlex.join([sys.executable, *sys.argv])
    print(f"command: {command}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    pandas_version = None if args.no_pandas else ensure_pandas()
    cache = CACHE_ROOT / f"seed{args.seed}-r{args.responses}-g{GENERATOR_VERSION}"
    csv_path, form_path, meta = cache / "responses.csv", cache / "form.xlsx", cache / "data.json"
    ctx: dict = {"command": command, "cache": str(cache)}
    if args.reuse and meta.exists() and csv_path.exists() and form_path.exists():
        print(f"reusing the responses in {csv_path}", flush=True)
        ctx["data"] = json.loads(meta.read_text())
    else:
        print(f"generating {args.responses:,} responses into {csv_path}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        ctx["data"] = generate(cache, responses=args.responses, seed=args.seed)
        meta.write_text(json.dumps(ctx["data"]))
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="commons-bench-surveys-") as tmp:
        var_dir = Path(tmp)
        template = var_dir / "template.sqlite3"
        print("\nmigrating and creating the survey (commons surveys import-form)", flush=True)
        env = worker_env(var_dir, sqlite_url(template))
        subprocess.run(commons("migrate", "--no-input", "-v", "0"), cwd=ROOT, env=env, check=True)
        subprocess.run(
            commons("surveys", "import-form", str(form_path), "--slug", SLUG),
            cwd=ROOT,
            env=env,
            check=True,
        )
        ctx["startup_s"] = startup_seconds(var_dir, template)
        imports = ctx["imports"] = []
        database = var_dir / "imported.sqlite3"
        for run in range(args.runs):
            print(f"\nimport {run + 1} of {args.runs}", flush=True)
            for stale in var_dir.glob("imported.sqlite3*"):
                stale.unlink()
            copy_database(template, database)
            imports.append(run_import(csv_path, database, var_dir))
            print(f"  {imports[-1]['seconds']:.1f} s", flush=True)

        print("\ntiming the report", flush=True)
        spec = {
            "runs": args.report_runs,
            "filters": FILTERS,
            "by": BY,
            "figures_path": str(var_dir / "ours.json"),
        }
        ctx["report"] = run_worker(
            "report", spec, var_dir, worker_env(var_dir, sqlite_url(database))
        )
        if pandas_version:
            print("\ntiming pandas", flush=True)
            pandas_spec = {
                **spec,
                "csv": str(csv_path),
                "figures_path": str(var_dir / "pandas.json"),
            }
            ctx["pandas"] = run_worker(
                "pandas", pandas_spec, var_dir, isolated_env(PANDAS_TARGET), "--pandas-worker"
            )
            ours = json.loads(Path(spec["figures_path"]).read_text())
            theirs = json.loads(Path(pandas_spec["figures_path"]).read_text())
            ctx["problems"] = [
                f"{part}: {line}"
                for part in ("full", "filtered")
                for line in compare(ours[part], theirs[part])
            ]

    versions = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"SQLite {ctx['report']['sqlite']}",
    ]
    if pandas_version:
        versions.append(f"pandas {pandas_version}")
    versions.append(f"{os.cpu_count()} CPUs")
    ctx["versions"] = ", ".join(versions)
    report(args, ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
