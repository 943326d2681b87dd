"""Directory search at scale: ``search_organisations`` against Datasette on the same data.

Generates 100,000 organisations and 1,000,000 people in a throw-away SQLite database (kept
in a cache under the temporary directory, keyed by the seed, for ``--reuse``), times the
directory search with facet counts and its first page on SQLite and, with ``--postgres``,
on PostgreSQL, and times Datasette serving a denormalised copy of the same organisations
for the same searches. See bench/README.md for what the figures mean.

    .venv/bin/python bench/directory_search.py [--reuse] [--postgres [URL]] [--queries N]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from bench.run import stop_server  # noqa: E402

# Progress bars on a terminal only, as in bench/run.py.
progress = functools.partial(tqdm, disable=None, mininterval=0.5)

HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/bench_directory"
DATASETTE_TARGET = Path(tempfile.gettempdir()) / "bench-datasette"
CACHE_ROOT = Path(tempfile.gettempdir()) / "commons-bench-directory"
# Bump when the generator changes what it writes, so that --reuse does not pick up old data.
GENERATOR_VERSION = 2
TARGET_P95_MS = 50.0
PAGE_SIZE = 25
# Settings that point at another database, cache or storage are dropped, so the benchmark
# never touches anything but its own temporary files and the PostgreSQL database it made.
DROPPED_ENV = ("DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE", "MEDIA_ROOT", "COMMONS_DEMO")
# The facets every benchmark query filters on, one value each (see make_queries).
QUERY_FACETS = ("country", "services", "populations", "type")
# Datasette's columns for our facets: JSON arrays for the multi-valued ones.
ARRAY_FACETS = {
    "country": "country",
    "four_ps": "four_ps",
    "services": "services",
    "exploitation": "exploitation",
    "populations": "populations",
    "sectors": "sectors",
    "languages": "languages",
    "network": "network",
}
PLAIN_FACETS = {"type": "type", "hq": "hq_country", "size": "size"}

# --- Vocabulary of the generated data ---------------------------------------------------

HEAD_COUNTRIES = [
    "TH", "KH", "MY", "PH", "ID", "VN", "MM", "NP", "BD", "US", "GB", "LA", "IN", "AU",
    "SG", "CN", "JP", "KR", "LK", "PK", "TL", "HK", "TW", "DE", "FR", "NL", "CA", "CH",
    "SE", "NO", "IT", "ES", "NG", "KE", "UG", "GH", "ZA", "AE", "SA", "QA", "BR", "MX",
]  # fmt: skip
COUNTRY_COUNT = 190
COUNTRY_LANGUAGE = {
    "TH": "th", "KH": "km", "MY": "ms", "PH": "tl", "ID": "id", "VN": "vi", "MM": "my",
    "NP": "ne", "BD": "bn", "LA": "lo", "IN": "hi", "CN": "zh", "JP": "ja", "KR": "ko",
    "LK": "si", "PK": "ur", "DE": "de", "FR": "fr", "NL": "nl", "ES": "es", "MX": "es",
    "BR": "pt", "IT": "it", "SA": "ar", "AE": "ar", "QA": "ar", "TW": "zh", "HK": "zh",
}  # fmt: skip
OTHER_LANGUAGES = ["en", "fr", "es", "ar", "zh", "ru", "pt", "sw", "hi", "my", "th", "km"]
TYPE_WEIGHTS = {
    "ngo": 46, "faith_based": 8, "government": 7, "survivor_led": 5, "legal_service": 5,
    "health_service": 5, "private_sector": 5, "international": 4, "academic": 4, "donor": 4,
    "network": 3, "law_enforcement": 3, "media": 2,
}  # fmt: skip
# Vocabulary codes, most common first (picked Zipf-like in this order).
SERVICES = [
    "awareness", "advocacy", "capacity_building", "case_management", "community",
    "shelter", "legal_aid", "identification", "mental_health", "livelihoods", "education",
    "safe_migration", "coordination", "research", "reintegration", "medical", "hotline",
    "repatriation", "pre_departure", "family_tracing", "investigation", "supply_chains",
    "funding",
]  # fmt: skip
POPULATIONS = [
    "children", "women", "migrant_workers", "survivors", "ethnic_minorities", "refugees",
    "men", "stateless", "indigenous", "lgbtqi", "disabilities", "religious_minorities",
    "elderly",
]  # fmt: skip
EXPLOITATION = [
    "forced_labour", "sexual", "child_sexual", "forced_criminality", "domestic_servitude",
    "debt_bondage", "child_labour", "child_sexual_online", "forced_marriage",
    "forced_begging", "illegal_adoption", "child_soldiers", "organ_removal",
]  # fmt: skip
SECTORS = [
    "fishing", "agriculture", "construction", "domestic_work", "garments", "online_scams",
    "entertainment", "manufacturing", "hospitality", "brick_kilns", "electronics", "mining",
    "transport", "forestry", "retail",
]  # fmt: skip
FOUR_PS = ["protection", "prevention", "partnership", "prosecution"]
SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]

PLACES = {
    "TH": ["Bangkok", "Chiang Mai", "Chiang Rai", "Mae Sot", "Ranong", "Songkhla", "Pattaya",
           "Udon Thani", "Samut Sakhon", "Phuket", "Nong Khai", "Kanchanaburi"],
    "KH": ["Phnom Penh", "Battambang", "Siem Reap", "Poipet", "Sihanoukville", "Koh Kong",
           "Kampot", "Banteay Meanchey", "Svay Rieng"],
    "MY": ["Kuala Lumpur", "Penang", "Johor Bahru", "Sabah", "Sarawak", "Klang", "Kedah"],
    "PH": ["Manila", "Cebu", "Davao", "Mindanao", "Quezon City", "Iloilo", "Zamboanga"],
    "ID": ["Jakarta", "Batam", "Surabaya", "Medan", "Kupang", "Nusa Tenggara", "Makassar"],
    "VN": ["Hanoi", "Ho Chi Minh City", "Lao Cai", "Nghe An", "Da Nang", "Can Tho"],
    "MM": ["Yangon", "Mandalay", "Myawaddy", "Tachileik", "Kachin", "Shan State"],
    "NP": ["Kathmandu", "Pokhara", "Birgunj", "Sindhupalchok", "Nepalgunj"],
    "BD": ["Dhaka", "Chittagong", "Cox's Bazar", "Jessore", "Sylhet", "Khulna"],
    "US": ["New York", "Houston", "Los Angeles", "Seattle", "Atlanta", "Chicago"],
    "GB": ["London", "Manchester", "Glasgow", "Belfast", "Leeds", "Cardiff"],
    "LA": ["Vientiane", "Savannakhet", "Luang Prabang", "Champasak"],
    "IN": ["Mumbai", "Kolkata", "Delhi", "Chennai", "Bihar", "Jharkhand"],
}  # fmt: skip
NAME_CORES = [
    "Hope", "Freedom", "Liberty", "Justice", "Dignity", "Harmony", "Lantern", "Bridge",
    "Compass", "Harbour", "Beacon", "Haven", "Sunrise", "Lotus", "Mekong", "Horizon",
    "Open Doors", "New Dawn", "Safe Passage", "Kindred", "Anchor", "Rising Tide",
    "Golden Thread", "Pathways", "Sanctuary", "Courage", "Solidarity", "Emerald", "Jasmine",
    "Frangipani", "Riverbank", "Bamboo", "Monsoon", "Starfish", "Seedling", "Unity",
    "Lighthouse", "Kite", "Orchid", "Tamarind", "Banyan", "Sampan", "Saffron", "Wayfarer",
]  # fmt: skip
CAUSES = [
    "Migrant Rights", "Child Protection", "Labour Rights", "Women's Empowerment",
    "Safe Migration", "Human Rights", "Anti-Slavery Action", "Social Justice",
    "Ethical Recruitment", "Survivor Recovery", "Community Development",
]  # fmt: skip
SAINTS = ["St. Joseph", "St. Mary", "Good Shepherd", "St. Paul", "Holy Cross", "Salvation"]
DEPARTMENTS = [
    "Labour", "Social Development and Human Security", "Women's Affairs", "Social Welfare",
    "Foreign Affairs", "Justice", "Interior", "Immigration", "Fisheries",
]  # fmt: skip
AGENCIES = ["UNODC", "IOM", "ILO", "UNICEF", "UNHCR", "UN Women", "OHCHR", "UNDP"]
INDUSTRIES = ["Seafood", "Garments", "Logistics", "Electronics", "Recruitment", "Agro"]
PARTNERS = [
    "IOM", "UNODC", "ILO", "UNICEF", "UNHCR", "USAID", "DFAT", "FCDO", "GIZ", "JICA",
    "Walk Free", "Freedom Fund", "Liberty Shared", "Mekong Club", "ECPAT", "La Strada",
    "Polaris", "Anti-Slavery International", "Stella Maris", "Caritas", "World Vision",
    "Save the Children", "Plan International", "Terre des Hommes", "Winrock", "Issara",
]  # fmt: skip
PROGRAMMES = [
    "outreach", "case work", "paralegal", "volunteer", "drop-in centre", "mobile clinic",
    "vocational training", "microfinance", "border monitoring", "port inspection",
    "recruitment agency monitoring", "labour broker", "remittance", "debt counselling",
    "passport retrieval", "contract review", "wage theft", "scam compound rescue",
    "online recruitment", "social media", "seafarer welfare", "palm oil", "brick kiln",
    "garment factory", "domestic worker", "fishing vessel", "karaoke bar",
    "construction site", "plantation", "cross-border referral", "foster care",
    "family reunification", "trauma counselling", "school retention", "birth registration",
]  # fmt: skip
COMMON_QUERY_WORDS = [
    "trafficking", "migrant", "children", "women", "shelter", "labour", "legal", "community",
    "rights", "workers", "survivors", "training", "support", "protection", "forced",
    "exploitation", "education", "health", "network", "foundation",
]  # fmt: skip
THAI_WORDS = [
    "มูลนิธิ", "การค้ามนุษย์", "แรงงานข้ามชาติ", "เด็ก", "ผู้หญิง", "ช่วยเหลือ", "คุ้มครอง",
    "สิทธิมนุษยชน", "ประมง", "ที่พักพิง", "กฎหมาย", "ชุมชน", "เครือข่าย", "ผู้รอดชีวิต",
    "แรงงานบังคับ", "ความปลอดภัย", "การศึกษา", "สุขภาพ", "ครอบครัว", "เยาวชน",
]  # fmt: skip
KHMER_WORDS = [
    "អង្គការ", "ការជួញដូរមនុស្ស", "កុមារ", "ស្ត្រី", "ពលករចំណាកស្រុក", "ជំនួយ", "សហគមន៍",
    "ការការពារ", "សិទ្ធិមនុស្ស", "ជម្រក", "ច្បាប់", "គ្រួសារ", "យុវជន", "សុខភាព",
    "ការអប់រំ", "បណ្តាញ",
]  # fmt: skip
BURMESE_WORDS = ["လူကုန်ကူးမှု", "ကလေး", "အမျိုးသမီး", "ရွှေ့ပြောင်းအလုပ်သမား", "အကူအညီ"]
FIRST_NAMES = [
    "Somchai", "Nok", "Ploy", "Sokha", "Dara", "Srey", "Aung", "Thida", "Nguyen", "Linh",
    "Siti", "Budi", "Maria", "Jose", "Ramesh", "Anita", "Rahim", "Fatema", "Sarah", "James",
    "Emma", "David", "Priya", "Wei", "Mei", "Kenji", "Yuki", "Amina", "Grace", "Peter",
]  # fmt: skip
LAST_NAMES = [
    "Srisuk", "Chan", "Sok", "Kim", "Win", "Tran", "Pham", "Santos", "Reyes", "Rahman",
    "Hossain", "Sharma", "Thapa", "Gurung", "Smith", "Jones", "Brown", "Wongsa", "Lim",
    "Tan", "Nakamura", "Otieno", "Mensah", "Garcia", "Lopez", "Keo", "Phan", "Saelee",
]  # fmt: skip
EMAIL_DOMAINS = ["example.org", "example.com", "example.net", "mail.example", "ngo.example"]

SQLITE_TABLES = (
    "accounts_user",
    "accounts_organisation",
    "directory_profile",
    "directory_presence",
    "directory_term",
    "directory_networklink",
    "accounts_membership",
)


# --- Small helpers -----------------------------------------------------------------------


class Zipf:
    """Picks items from a list, the first ones far more often than the last."""

    def __init__(self, items, s: float = 1.0, offset: float = 1.0):
        self.items = list(items)
        total, self.cum = 0.0, []
        for rank in range(len(self.items)):
            total += 1.0 / (rank + offset) ** s
            self.cum.append(total)

    def pick(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]

    def sample(self, rng: random.Random, k: int) -> list:
        """Up to ``k`` distinct items (fewer only if the list is shorter)."""
        k = min(k, len(self.items))
        chosen: list = []
        if k <= 0:
            return chosen
        for _attempt in range(20):  # bounded: each round draws 3k items
            for item in rng.choices(self.items, cum_weights=self.cum, k=3 * k):
                if item not in chosen:
                    chosen.append(item)
                    if len(chosen) == k:
                        return chosen
        return chosen


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def schema_fingerprint() -> str:
    """A hash of the migrations and of this generator: a new one invalidates the cache."""
    digest = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for path in sorted(ROOT.glob("commons/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def countries() -> list[str]:
    import pycountry

    rest = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in HEAD_COUNTRIES)
    return (HEAD_COUNTRIES + rest)[:COUNTRY_COUNT]


# --- Data generation (worker process, SQLite, after migrate) ------------------------------


class BatchInsert:
    """Collects rows for one table and writes them with ``executemany`` in batches."""

    def __init__(self, cursor, table: str, columns: list[str], size: int = 20_000):
        self.cursor, self.size, self.rows, self.count = cursor, size, [], 0
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []


class TextMaker:
    """Names, summaries and descriptions from word lists, in English with some Thai,
    Khmer and Burmese, the words drawn Zipf-like so that some are common and some rare."""

    def __init__(self, labels: dict[str, dict[str, str]], country_names: dict[str, str]):
        self.labels = labels
        self.country_names = country_names
        self.cores = Zipf(NAME_CORES, 0.8)
        self.causes = Zipf(CAUSES, 0.8)
        self.partners = Zipf(PARTNERS, 1.0)
        self.programmes = Zipf(PROGRAMMES, 0.9)
        self.thai = Zipf(THAI_WORDS, 0.9)
        self.khmer = Zipf(KHMER_WORDS, 0.9)
        self.burmese = Zipf(BURMESE_WORDS, 0.9)

    def place(self, rng: random.Random, country: str) -> str:
        options = PLACES.get(country)
        if options and rng.random() < 0.8:
            return rng.choice(options)
        return self.country_names.get(country, country)

    def name(self, rng: random.Random, org_type: str, country: str) -> str:
        core, cause, place = self.cores.pick(rng), self.causes.pick(rng), self.place(rng, country)
        if country == "TH" and rng.random() < 0.15:
            return "มูลนิธิ" + "".join(self.thai.sample(rng, 2))
        if country == "KH" and rng.random() < 0.15:
            return "អង្គការ" + "".join(self.khmer.sample(rng, 2))
        patterns = {
            "network": [f"{place} Coalition Against Trafficking", f"{core} Network for {cause}"],
            "government": [
                f"Ministry of {rng.choice(DEPARTMENTS)} ({self.country_names.get(country)})",
                f"Department of {rng.choice(DEPARTMENTS)}, {place}",
            ],
            "law_enforcement": [
                f"{place} Anti-Trafficking Police Unit",
                f"{self.country_names.get(country)} Task Force on {cause}",
            ],
            "international": [f"{rng.choice(AGENCIES)} {self.country_names.get(country)} Office"],
            "private_sector": [f"{core} {rng.choice(INDUSTRIES)} Co., Ltd."],
            "academic": [f"{place} University Centre for {cause}", f"Institute of {cause}"],
            "media": [f"{core} News {place}", f"{place} {core} Radio"],
            "donor": [f"{core} Fund", f"{core} Foundation Trust"],
            "survivor_led": [f"{core} Survivors' Alliance", f"Survivor Voices {place}"],
            "faith_based": [f"{rng.choice(SAINTS)} Mission {place}", f"{core} Ministries"],
            "legal_service": [f"{place} Legal Aid Centre", f"{core} Law Clinic"],
            "health_service": [f"{place} {core} Clinic", f"{core} Health Centre"],
        }
        default = [
            f"{core} Foundation",
            f"{place} {core} Project",
            f"{core} Centre for {cause}",
            f"{place} Association for {cause}",
            f"{core} {place}",
        ]
        return rng.choice(patterns.get(org_type, default))

    @staticmethod
    def acronym(rng: random.Random, name: str) -> str:
        letters = "".join(w[0] for w in name.split() if w[:1].isascii() and w[:1].isupper())
        return letters if 2 <= len(letters) <= 6 and rng.random() < 0.5 else ""

    def _list(self, vocabulary: str, codes: list[str]) -> str:
        names = [self.labels[vocabulary][code].lower() for code in codes]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def summary(self, rng: random.Random, org_type: str, terms: dict, places: list[str]) -> str:
        return (
            f"{self.labels['type'][org_type]} working against "
            f"{self._list('exploitation', terms['exploitation'][:2])} with "
            f"{self._list('populations', terms['populations'][:2])} in {', '.join(places)}."
        )

    def description(
        self, rng: random.Random, name: str, countries_: list[str], terms: dict, places: list
    ) -> str:
        programme, partner = self.programmes.pick(rng), self.partners.pick(rng)
        sentences = [
            f"{name} provides {self._list('services', terms['services'][:3])} for "
            f"{self._list('populations', terms['populations'])} in {', '.join(places)}.",
            f"Since {rng.randint(1975, 2023)} we have worked with {partner} and local "
            f"authorities to end {self._list('exploitation', terms['exploitation'])}.",
            f"Our team of {rng.randint(2, 400)} staff and volunteers runs {programme} "
            f"programmes in {self.place(rng, rng.choice(countries_))}.",
            f"We partner with {self.partners.pick(rng)} on {self.programmes.pick(rng)} and "
            f"{self.programmes.pick(rng)}.",
            f"Last year our {self.programmes.pick(rng)} work reached {rng.randint(10, 90000)} "
            f"people, most of them {self._list('populations', terms['populations'][:1])}.",
        ]
        if terms["sectors"]:
            sentences.append(
                f"We focus on workers in {self._list('sectors', terms['sectors'])}, where "
                f"{self.programmes.pick(rng)} and {self.programmes.pick(rng)} matter most."
            )
        if len(terms["services"]) > 3:
            sentences.append(
                f"We also offer {self._list('services', terms['services'][3:])}, with "
                f"referrals through {self.partners.pick(rng)}."
            )
        rng.shuffle(sentences)
        sentences = sentences[: rng.randint(3, len(sentences))]
        # Thai and Khmer are written without spaces between words; Burmese likewise.
        if "TH" in countries_ and rng.random() < 0.6:
            sentences.append("".join(self.thai.sample(rng, rng.randint(3, 6))))
        if "KH" in countries_ and rng.random() < 0.6:
            sentences.append("".join(self.khmer.sample(rng, rng.randint(3, 6))))
        if "MM" in countries_ and rng.random() < 0.5:
            sentences.append("".join(self.burmese.sample(rng, rng.randint(2, 4))))
        return " ".join(sentences)


def generate(spec: dict) -> dict:
    """Fill the freshly migrated SQLite database; returns the row counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import translation
    from django.utils.text import slugify

    from commons.directory import vocabularies as v
    from commons.lib.geo import country_name
    from commons.lib.wordindex import search_text

    organisations, people, seed = spec["organisations"], spec["people"], spec["seed"]
    rng = random.Random(seed)
    with translation.override("en"):
        labels = {
            name: {code: str(vocabulary(code).label) for code in vocabulary.values}
            for name, vocabulary in (
                ("services", v.Service),
                ("populations", v.Population),
                ("exploitation", v.Exploitation),
                ("sectors", v.Sector),
                ("type", v.OrganisationType),
            )
        }
        country_list = countries()
        names = {code: country_name(code, "en") for code in country_list}
    text = TextMaker(labels, names)
    country_zipf = Zipf(country_list, 1.1)
    type_codes = list(TYPE_WEIGHTS)
    type_cum = [sum(list(TYPE_WEIGHTS.values())[: i + 1]) for i in range(len(type_codes))]
    services_z, populations_z = Zipf(SERVICES, 0.9), Zipf(POPULATIONS, 0.9)
    exploitation_z, sectors_z = Zipf(EXPLOITATION, 0.9), Zipf(SECTORS, 0.9)
    languages_z, four_ps_z = Zipf(OTHER_LANGUAGES, 1.2), Zipf(FOUR_PS, 0.7)
    password = make_password("bench-directory-password")  # one hash for everyone: fast
    start = datetime(2016, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 1, 1, tzinfo=UTC) - start).total_seconds())

    with connection.cursor() as cursor:
        # Loading, not serving: no WAL or fsync while the tables fill; WAL again at the end.
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.fetchall()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-524288")

        # People first: organisations are verified by person 1, a member of staff.
        users = BatchInsert(
            cursor,
            "accounts_user",
            ["id", "password", "last_login", "is_superuser", "email", "name", "language",
             "time_zone", "is_active", "is_staff", "is_moderator", "is_data_steward",
             "date_joined"],
        )  # fmt: skip
        user_languages = ["", "en", "th", "km", "vi", "my", "id", "es", "fr", "ar"]
        user_language_cum = [40, 65, 75, 81, 85, 88, 92, 94, 96, 97]
        with transaction.atomic(), progress(total=people, desc="people", unit_scale=True) as bar:
            for uid in range(1, people + 1):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                users.add(
                    (
                        uid,
                        password,
                        None,
                        uid == 1,
                        f"{first}.{last}.{uid}@{EMAIL_DOMAINS[uid % 5]}".lower(),
                        f"{first} {last}",
                        rng.choices(user_languages, cum_weights=user_language_cum)[0],
                        "",
                        rng.random() < 0.97,
                        uid == 1,
                        False,
                        False,
                        stamp(start + timedelta(seconds=uid * span // (people + 1))),
                    )
                )
                if uid % 20_000 == 0:
                    bar.update(20_000)
            users.flush()
            bar.update(people - bar.n)

        org_types = rng.choices(type_codes, cum_weights=type_cum, k=organisations)
        networks = Zipf([i + 1 for i, t in enumerate(org_types) if t == "network"], 0.8)
        inserts = {
            "organisation": BatchInsert(
                cursor,
                "accounts_organisation",
                ["id", "created_at", "updated_at", "name", "slug", "acronym", "country",
                 "type", "summary", "website", "is_demo", "verified_at", "verified_by_id"],
                5_000,
            ),
            "profile": BatchInsert(
                cursor,
                "directory_profile",
                ["organisation_id", "created_at", "updated_at", "description",
                 "description_html", "logo", "founded", "size", "is_frontline", "search_text"],
                5_000,
            ),
            "presence": BatchInsert(
                cursor,
                "directory_presence",
                ["id", "organisation_id", "country", "subdivision", "locality", "latitude",
                 "longitude"],
            ),
            "term": BatchInsert(
                cursor, "directory_term", ["id", "organisation_id", "vocabulary", "code"]
            ),
            "network": BatchInsert(
                cursor,
                "directory_networklink",
                ["id", "created_at", "updated_at", "network_id", "member_id"],
            ),
        }  # fmt: skip
        ids = {"presence": 0, "term": 0, "network": 0}
        with (
            transaction.atomic(),
            progress(total=organisations, desc="organisations", unit_scale=True) as bar,
        ):
            for oid in range(1, organisations + 1):
                org_type = org_types[oid - 1]
                where = country_zipf.sample(rng, rng.choices([1, 2, 3, 4], [55, 25, 12, 8])[0])
                services = services_z.sample(rng, rng.randint(2, 8))
                sector_count = rng.choices([0, 1, 2, 3], [30, 35, 20, 15])[0]
                terms = {
                    "services": services,
                    "populations": populations_z.sample(rng, rng.randint(1, 4)),
                    "exploitation": exploitation_z.sample(rng, rng.randint(1, 3)),
                    "sectors": sectors_z.sample(rng, sector_count),
                    "four_ps": four_ps_z.sample(rng, rng.randint(1, 3)),
                }
                spoken = [COUNTRY_LANGUAGE[c] for c in where if c in COUNTRY_LANGUAGE]
                if rng.random() < 0.7:
                    spoken.insert(0, "en")
                spoken += languages_z.sample(rng, 2)
                terms["languages"] = list(dict.fromkeys(spoken))[: rng.randint(1, 3)]
                places = [text.place(rng, c) for c in where]
                name = text.name(rng, org_type, where[0])
                acronym = text.acronym(rng, name)
                summary = text.summary(rng, org_type, terms, places)
                description = text.description(rng, name, where, terms, places)
                slug = f"{slugify(name)[:48] or 'org'}-{oid}"
                created = start + timedelta(seconds=rng.randrange(span))
                updated = min(start + timedelta(seconds=span), created + timedelta(days=400))
                verified = rng.random() < 0.7
                inserts["organisation"].add(
                    (
                        oid,
                        stamp(created),
                        stamp(updated),
                        name,
                        slug,
                        acronym,
                        where[0],
                        org_type,
                        summary,
                        f"https://{slug[:40]}.example.org",
                        False,
                        stamp(created + timedelta(days=7)) if verified else None,
                        1 if verified else None,
                    )
                )
                inserts["profile"].add(
                    (
                        oid,
                        stamp(created),
                        stamp(updated),
                        description,
                        f"<p>{description}</p>",
                        "",
                        rng.randint(1950, 2024) if rng.random() < 0.8 else None,
                        rng.choices(["", *SIZES], [15, 35, 30, 12, 6, 2])[0],
                        bool(set(services) & v.FRONTLINE_SERVICES),
                        search_text(name, acronym, summary, description),
                    )
                )
                for country in where:
                    ids["presence"] += 1
                    inserts["presence"].add((ids["presence"], oid, country, "", "", None, None))
                for vocabulary, codes in terms.items():
                    for code in codes:
                        ids["term"] += 1
                        inserts["term"].add((ids["term"], oid, vocabulary, code))
                if networks.items and rng.random() < 0.3:
                    for network_id in networks.sample(rng, rng.choice([1, 1, 2])):
                        if network_id != oid:
                            ids["network"] += 1
                            inserts["network"].add(
                                (ids["network"], stamp(updated), stamp(updated), network_id, oid)
                            )
                if oid % 1_000 == 0:
                    bar.update(1_000)
            for insert in inserts.values():
                insert.flush()
            bar.update(organisations - bar.n)

        # Memberships: organisation sizes are skewed (a few with thousands of members).
        order = list(range(1, organisations + 1))
        rng.shuffle(order)
        member_of = Zipf(order, 0.9, offset=50)
        memberships = BatchInsert(
            cursor,
            "accounts_membership",
            ["id", "created_at", "updated_at", "role", "status", "message", "decided_by_id",
             "user_id", "organisation_id"],
        )  # fmt: skip
        membership_id = 0
        with (
            transaction.atomic(),
            progress(total=people, desc="memberships", unit_scale=True) as bar,
        ):
            for uid in range(1, people + 1):
                joined = stamp(start + timedelta(seconds=uid * span // (people + 1)))
                chosen = member_of.sample(rng, 2 if rng.random() < 0.05 else 1)
                for organisation_id in chosen:
                    membership_id += 1
                    active = rng.random() < 0.9
                    memberships.add(
                        (
                            membership_id,
                            joined,
                            joined,
                            "admin" if rng.random() < 0.05 else "member",
                            "active" if active else "pending",
                            "",
                            1 if active else None,
                            uid,
                            organisation_id,
                        )
                    )
                if uid % 20_000 == 0:
                    bar.update(20_000)
            memberships.flush()
            bar.update(people - bar.n)

        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.fetchall()
    return table_counts_sqlite(Path(spec["sqlite_path"]))


def table_counts_sqlite(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SQLITE_TABLES}
        counts["verified organisations"] = con.execute(
            "SELECT count(*) FROM accounts_organisation WHERE verified_at IS NOT NULL"
        ).fetchone()[0]
    return counts


# --- Datasette's copy of the data (main process) ------------------------------------------


def build_datasette_db(source: Path, target: Path) -> None:
    """One denormalised ``orgs`` table, multi-valued facets as JSON arrays, with an FTS5
    table over name, acronym, summary and description the way sqlite-utils makes them
    (``content=[orgs]``), so Datasette's ``_search`` finds it. Trigram tokenizer, like the
    directory's own index, so that both find the same words inside Thai or Khmer text."""
    target.unlink(missing_ok=True)
    terms = ", ".join(
        f"(SELECT json_group_array(code) FROM (SELECT code FROM src.directory_term t "
        f"WHERE t.organisation_id = o.id AND t.vocabulary = '{vocabulary}' ORDER BY code)) "
        f"AS {vocabulary}"
        for vocabulary in ("four_ps", "services", "exploitation", "populations", "sectors")
    )
    started = time.perf_counter()
    with contextlib.closing(sqlite3.connect(target)) as con:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        con.execute(
            """CREATE TABLE orgs (
                id INTEGER PRIMARY KEY, name TEXT, slug TEXT, acronym TEXT, summary TEXT,
                description TEXT, type TEXT, hq_country TEXT, size TEXT, verified INTEGER,
                is_frontline INTEGER, updated_at TEXT, country TEXT, four_ps TEXT,
                services TEXT, exploitation TEXT, populations TEXT, sectors TEXT,
                languages TEXT, network TEXT)"""
        )
        con.execute(
            f"""INSERT INTO orgs SELECT
                o.id, o.name, o.slug, o.acronym, o.summary, p.description, o.type, o.country,
                p.size, o.verified_at IS NOT NULL, p.is_frontline, p.updated_at,
                (SELECT json_group_array(country) FROM (SELECT country
                    FROM src.directory_presence WHERE organisation_id = o.id ORDER BY country)),
                {terms},
                (SELECT json_group_array(code) FROM (SELECT code FROM src.directory_term t
                    WHERE t.organisation_id = o.id AND t.vocabulary = 'languages'
                    ORDER BY code)),
                (SELECT json_group_array(n.slug) FROM src.directory_networklink l
                    JOIN src.accounts_organisation n ON n.id = l.network_id
                    WHERE l.member_id = o.id)
            FROM src.accounts_organisation o
            LEFT JOIN src.directory_profile p ON p.organisation_id = o.id
            ORDER BY o.id"""
        )
        con.execute(
            "CREATE VIRTUAL TABLE [orgs_fts] USING FTS5 ([name], [acronym], [summary], "
            "[description], content=[orgs], tokenize='trigram')"
        )
        con.execute("INSERT INTO orgs_fts (orgs_fts) VALUES ('rebuild')")
        con.execute("INSERT INTO orgs_fts (orgs_fts) VALUES ('optimize')")
        con.commit()
        con.execute("DETACH DATABASE src")
    print(f"  Datasette table built in {time.perf_counter() - started:5.1f} s", flush=True)


# --- The queries -------------------------------------------------------------------------

ASCII_WORD = re.compile(r"[a-z][a-z'-]{2,}")
QUERY_KINDS = ("common", "place", "thai", "name", "khmer", "partial", "partner")


def _word(kind: str, name: str, text: str, rng: random.Random) -> str | None:
    ascii_words = set(ASCII_WORD.findall(text))
    if kind == "common":
        options = [w for w in COMMON_QUERY_WORDS if w in ascii_words]
    elif kind == "place":
        places = {w.lower() for ps in PLACES.values() for p in ps for w in p.split()}
        options = sorted(w for w in ascii_words & places if len(w) >= 4)
    elif kind == "thai":
        options = [w for w in THAI_WORDS if w in text]
    elif kind == "khmer":
        options = [w for w in KHMER_WORDS if w in text]
    elif kind == "name":
        options = [w for w in ASCII_WORD.findall(name.lower()) if len(w) >= 4]
    elif kind == "partial":
        options = [w[: rng.randint(4, 6)] for w in sorted(ascii_words) if len(w) >= 9]
    else:
        options = sorted({w.lower() for p in PARTNERS for w in p.split()} & ascii_words)
        options = [w for w in options if len(w) >= 3]
    return rng.choice(options) if options else None


def make_queries(db: Path, count: int, seed: int) -> list[dict]:
    """``count`` searches: a word and one value of each of QUERY_FACETS, taken from a random
    verified organisation (so most find something) and varied in kind: common and rare
    words, places, names, the start of a word, Thai and Khmer."""
    rng = random.Random(f"queries-{seed}-{count}")
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        verified = [
            row[0]
            for row in con.execute(
                "SELECT id FROM accounts_organisation WHERE verified_at IS NOT NULL ORDER BY id"
            )
        ]
        queries: list[dict] = []
        for index in range(count):
            kind = QUERY_KINDS[index % len(QUERY_KINDS)]
            for _attempt in range(500):
                org_id = rng.choice(verified)
                name, org_type, text = con.execute(
                    "SELECT o.name, o.type, p.search_text FROM accounts_organisation o "
                    "JOIN directory_profile p ON p.organisation_id = o.id WHERE o.id = ?",
                    (org_id,),
                ).fetchone()
                word = _word(kind, name, text, rng)
                if word is None:
                    continue
                terms: dict[str, list[str]] = {}
                for vocabulary, code in con.execute(
                    "SELECT vocabulary, code FROM directory_term WHERE organisation_id = ?",
                    (org_id,),
                ):
                    terms.setdefault(vocabulary, []).append(code)
                where = [
                    row[0]
                    for row in con.execute(
                        "SELECT country FROM directory_presence WHERE organisation_id = ?",
                        (org_id,),
                    )
                ]
                filters = {
                    "country": [rng.choice(sorted(where))],
                    "services": [rng.choice(sorted(terms["services"]))],
                    "populations": [rng.choice(sorted(terms["populations"]))],
                    "type": [org_type],
                }
                queries.append({"q": word, "kind": kind, "filters": filters})
                break
    return queries


def datasette_path(query: dict) -> str:
    params = [("_search", query["q"])]
    for name, codes in query["filters"].items():
        for code in codes:
            if name in ARRAY_FACETS:
                params.append((f"{ARRAY_FACETS[name]}__arraycontains", code))
            else:
                params.append((PLAIN_FACETS[name], code))
    params.append(("verified", "1"))  # anonymous visitors see verified organisations only
    params += [("_facet_array", column) for column in ARRAY_FACETS.values()]
    params += [("_facet", column) for column in (*PLAIN_FACETS.values(), "is_frontline")]
    params += [("_size", str(PAGE_SIZE)), ("_facet_size", "max")]
    return "/db/orgs.json?" + urllib.parse.urlencode(params)


# --- Measuring our search (worker process) ------------------------------------------------


def load_postgres(source: Path) -> float:
    """Copy every generated row from the SQLite file with COPY, so both databases hold the
    same data; secondary indexes are dropped for the load and made again after it."""
    from django.db import connection

    started = time.perf_counter()
    with (
        contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        connection.cursor() as cursor,
    ):
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        # The rows come from a database that enforced the same foreign keys.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for table in SQLITE_TABLES:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = x.indexrelid)",
                [table],
            )
            indexes = cursor.fetchall()
            for index_name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{index_name}"')
            columns = [row[1] for row in src.execute(f"PRAGMA table_info({table})")]
            total = src.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            column_list = ", ".join(columns)
            with (
                raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy,
                progress(total=total, desc=f"COPY {table}", unit_scale=True) as bar,
            ):
                rows = src.execute(f"SELECT {column_list} FROM {table} ORDER BY rowid")
                for done, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if done % 50_000 == 0:
                        bar.update(50_000)
                bar.update(total - bar.n)
            for _index_name, definition in indexes:
                cursor.execute(definition)
            if "id" in columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE(MAX(id), 1)) FROM {table}"
                )
        cursor.execute("SET session_replication_role = DEFAULT")
        print("  VACUUM ANALYZE", flush=True)
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def table_counts_django() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in SQLITE_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM accounts_organisation WHERE verified_at IS NOT NULL")
        counts["verified organisations"] = cursor.fetchone()[0]
    return counts


def sql_statements(query: dict, run_search) -> list[dict]:
    """Every SQL statement of one search with its time on the database connection."""
    from django.db import connection

    statements: list[dict] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(
                {"sql": sql, "params": params, "ms": (time.perf_counter() - started) * 1000}
            )

    with connection.execute_wrapper(timer):
        run_search(query)
    return statements


def explain(statement: dict) -> list[str]:
    """The plan of one statement: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
    PostgreSQL."""
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + statement["sql"], statement["params"])
        if sqlite:
            return [f"{'  ' * (row[1] > 0)}{row[3]}" for row in cursor.fetchall()]
        return [row[0] for row in cursor.fetchall()]


def resident_mib() -> float:
    """Anonymous memory in use by this process (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(spec: dict) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from commons.directory.queries import FACETS, SearchQuery, search_organisations

    translation.activate("en")
    anonymous = AnonymousUser()

    from commons.directory import facet_index

    def run_search(query: dict) -> tuple[int, int]:
        if not spec.get("warm_text") and facet_index._live.index is not None:
            # Forget remembered text matches: every timed search pays its text query,
            # as a search nobody has made before would.
            facet_index._live.index.text_cache.clear()
        result = search_organisations(
            anonymous, SearchQuery(q=query["q"], filters=query["filters"])
        )
        rows = list(result.page.object_list)
        for organisation in rows:
            list(organisation.presences.all())
        sum(value.count + len(value.label) for facet in result.facets for value in facet.values)
        return result.total, len(rows)

    # The index: built once per process, then refreshed organisation by organisation.
    memory_before = resident_mib()
    started = time.perf_counter()
    index = facet_index.current()
    build_s = time.perf_counter() - started
    index_mib = resident_mib() - memory_before
    refresh_ms = []
    for pk in random.Random(spec["seed"]).sample(index.pks, 5):
        started = time.perf_counter()
        index = facet_index.refreshed(index, {pk})
        refresh_ms.append((time.perf_counter() - started) * 1000)
    facet_index._live.index = index

    queries = spec["queries"]
    results = [{"total": None, "rows": None, "times_ms": []} for _ in queries]
    for index, query in enumerate(progress(queries, desc="warm-up", leave=False)):
        results[index]["total"], results[index]["rows"] = run_search(query)
    with CaptureQueriesContext(connection) as captured:
        run_search(queries[0])
    rng = random.Random(spec["seed"])
    deadline = time.monotonic() + spec["budget"]
    budget_hit = False
    order = list(range(len(queries)))
    perf = time.perf_counter
    with progress(total=spec["repeats"] * len(queries), desc="searches") as bar:
        for _round in range(spec["repeats"]):
            rng.shuffle(order)
            for index in order:
                started = perf()
                run_search(queries[index])
                results[index]["times_ms"].append((perf() - started) * 1000)
                bar.update()
            if time.monotonic() > deadline:
                budget_hit = True
                break
    # One more, untimed pass that times each SQL statement: how much is the database's.
    for index, query in enumerate(queries):
        results[index]["sql_ms"] = sum(s["ms"] for s in sql_statements(query, run_search))
    explained = {}
    if spec["explain"]:
        slowest = max(range(len(queries)), key=lambda i: statistics.median(results[i]["times_ms"]))
        statements = sql_statements(queries[slowest], run_search)
        top = max(statements, key=lambda s: s["ms"])
        explained = {
            "query": slowest,
            "statements": [(round(s["ms"], 2), s["sql"][:90]) for s in statements],
            "sql": top["sql"],
            "params": [str(p) for p in top["params"] or []],
            "ms": top["ms"],
            "plan": explain(top),
        }
    return {
        "queries": results,
        "facet_count": len(FACETS),
        "index_build_s": build_s,
        "index_mib": index_mib,
        "index_refresh_ms": statistics.median(refresh_ms),
        "sql_per_search": len(captured.captured_queries),
        "budget_hit": budget_hit,
        "explain": explained,
    }


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=("generate", "measure"), required=True)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    output: dict = {"engine": args.engine}
    started = time.perf_counter()
    if args.worker == "generate" or args.engine == "postgres":
        call_command("migrate", interactive=False, verbosity=0)
        print(f"  migrate {time.perf_counter() - started:5.1f} s", flush=True)
    if args.worker == "generate":
        started = time.perf_counter()
        output["counts"] = generate(spec)
        output["seconds"] = time.perf_counter() - started
    else:
        if args.engine == "postgres":
            output["load_seconds"] = load_postgres(Path(spec["sqlite_path"]))
            output["counts"] = table_counts_django()
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                output["server_version"] = cursor.fetchone()[0]
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT sqlite_version()")
                output["server_version"] = cursor.fetchone()[0]
        output.update(measure(spec))
    args.result.write_text(json.dumps(output))
    return 0


# --- Main process ------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="reuse the cached generated data")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        metavar="URL",
        help=f"also run on PostgreSQL; the database is created and dropped ({DEFAULT_POSTGRES})",
    )
    parser.add_argument("--queries", type=int, default=30, help="distinct searches (30)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each search (5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument("--organisations", type=int, default=100_000, help="(100000)")
    parser.add_argument("--people", type=int, default=1_000_000, help="(1000000)")
    parser.add_argument(
        "--budget", type=float, default=900, help="seconds of timed searches per engine (900)"
    )
    parser.add_argument("--no-datasette", action="store_true", help="skip Datasette")
    parser.add_argument("--no-http", action="store_true", help="skip our API over HTTP (gunicorn)")
    parser.add_argument("--per-query", action="store_true", help="print every search's figures")
    parser.add_argument(
        "--warm-text",
        action="store_true",
        help="remember text matches between runs (default: every run pays its text query)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="plans of the slowest search's slowest SQL"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.queries <= 500 or not 1 <= args.repeats <= 100:
        parser.error("--queries must be 1-500 and --repeats 1-100")
    if args.organisations < 100 or args.people < 1 or args.people > 5_000_000:
        parser.error("--organisations must be >= 100 and --people 1-5000000")
    if args.postgres:
        parts = urllib.parse.urlsplit(args.postgres)
        if parts.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("--postgres must point at this machine (loopback or a socket)")
        if "bench" not in parts.path.lstrip("/"):
            parser.error("the PostgreSQL database is dropped: its name must contain 'bench'")
    return args


def worker_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    python_path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        DJANGO_SETTINGS_MODULE="commons.settings",
        PYTHONPATH=os.pathsep.join(python_path),
        DATABASE_URL=database_url,
        COMMONS_VAR_DIR=str(var_dir),
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        PASSWORD_BREACH_CHECK="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        EMAIL_BACKEND="locmem",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="0",
    )
    return env


def run_worker(kind: str, engine: str, spec: dict, var_dir: Path, database_url: str) -> dict:
    spec_path = var_dir / f"spec-{kind}-{engine}.json"
    result_path = var_dir / f"result-{kind}-{engine}.json"
    spec_path.write_text(json.dumps(spec))
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--engine",
        engine,
        "--spec",
        str(spec_path),
        "--result",
        str(result_path),
    ]
    result = subprocess.run(command, cwd=ROOT, env=worker_env(var_dir, database_url), check=False)
    if result.returncode:
        raise SystemExit(f"{kind} on {engine} failed (exit {result.returncode})")
    return json.loads(result_path.read_text())


def postgres_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise SystemExit(f"PostgreSQL at {parts.hostname or 'socket'}: {error}") from error


@contextlib.contextmanager
def fresh_postgres(url: str):
    """An empty PostgreSQL database at ``url`` for the block, dropped after it (and
    before, if a crashed run left it): its name must say it is a benchmark's."""
    postgres_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    postgres_admin(url, "CREATE DATABASE {}")
    try:
        yield url
    finally:
        postgres_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


# Datasette ---------------------------------------------------------------------------------


def isolated_env(target: Path) -> dict[str, str]:
    """The environment of a tool installed only for a benchmark: its own packages from
    ``target``, none of the project's settings."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONPATH"] = str(target)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def ensure_installed(package: str, probe: str, target: Path) -> str:
    """The version ``probe`` (Python code) prints of ``package``, installed into ``target``
    (not the project) with pip, or uv when the venv has no pip, if it is not there yet."""
    check = [sys.executable, "-c", probe]
    found = subprocess.run(check, env=isolated_env(target), capture_output=True, text=True)
    if found.returncode == 0:
        return found.stdout.strip()
    print(f"installing {package} into {target} (for this benchmark only)", flush=True)
    has_pip = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if has_pip.returncode == 0:
        command = [sys.executable, "-m", "pip", "install", "--quiet"]
    elif uv := shutil.which("uv") or shutil.which("uv", path=str(ROOT / ".tools" / "bin")):
        command = [uv, "pip", "install", "--quiet", "--python", sys.executable]
    else:
        raise SystemExit(f"neither pip nor uv is available to install {package}")
    subprocess.run([*command, "--target", str(target), package], check=True, timeout=600)
    found = subprocess.run(check, env=isolated_env(target), capture_output=True, text=True)
    if found.returncode:
        raise SystemExit(f"{package} does not import after installing:\n{found.stderr}")
    return found.stdout.strip()


def datasette_env() -> dict[str, str]:
    return isolated_env(DATASETTE_TARGET)


def ensure_datasette() -> str:
    return ensure_installed(
        "datasette", "import datasette.version as v; print(v.__version__)", DATASETTE_TARGET
    )


def start_datasette(db: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "datasette", "serve", "--immutable", str(db),
        "--host", HOST, "--port", str(port),
        # Datasette must do the whole job: no time limits cutting facets or queries short,
        # and no suggested facets (work our search does not do either).
        "--setting", "sql_time_limit_ms", "120000",
        "--setting", "facet_time_limit_ms", "120000",
        "--setting", "suggest_facets", "off",
    ]  # fmt: skip
    print(f"  server: {shlex.join(command)}", flush=True)
    with log.open("wb") as out:
        server = subprocess.Popen(
            command,
            env=datasette_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"Datasette exited early (exit {server.returncode})")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            try:
                conn.request("GET", "/-/versions.json")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return server, port
            finally:
                conn.close()
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("Datasette did not answer within 60 s")


def measure_http(
    port: int, paths: list[str], read, *, repeats: int, seed: int, budget: float, name: str
) -> dict:
    """Time GET requests for ``paths`` over one kept-alive connection: one warm-up pass,
    then ``repeats`` shuffled rounds. ``read(data)`` gives a response's number of
    organisations and its server-reported time in ms (or None)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    results = [{"total": None, "times_ms": [], "query_ms": []} for _ in paths]
    perf = time.perf_counter

    def fetch(index: int) -> tuple[float, dict]:
        started = perf()
        try:
            conn.request("GET", paths[index])
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()  # reconnect once, e.g. when the server closed a kept-alive connection
            started = perf()
            conn.request("GET", paths[index])
            response = conn.getresponse()
            body = response.read()
        elapsed = (perf() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{name} answered {response.status} to {paths[index]}")
        return elapsed, json.loads(body)

    try:
        for index in progress(range(len(paths)), desc=f"{name} warm-up", leave=False):
            _elapsed, data = fetch(index)
            results[index]["total"], _server_ms = read(data)
        rng = random.Random(seed)
        order = list(range(len(paths)))
        deadline = time.monotonic() + budget
        budget_hit = False
        with progress(total=repeats * len(paths), desc=f"{name} requests") as bar:
            for _round in range(repeats):
                rng.shuffle(order)
                for index in order:
                    elapsed, data = fetch(index)
                    results[index]["times_ms"].append(elapsed)
                    _total, server_ms = read(data)
                    if server_ms is not None:
                        results[index]["query_ms"].append(server_ms)
                    bar.update()
                if time.monotonic() > deadline:
                    budget_hit = True
                    break
    finally:
        conn.close()
    return {"queries": results, "budget_hit": budget_hit}


def read_datasette(data: dict) -> tuple[int, float | None]:
    if data.get("facets_timed_out"):
        raise SystemExit(f"Datasette facets timed out: {data['facets_timed_out']}")
    return data.get("filtered_table_rows_count"), data.get("query_ms")


def api_path(query: dict) -> str:
    """Our API's URL for a search: the same words and facets, anonymous (verified only)."""
    params = [("q", query["q"])]
    params += [(name, code) for name, codes in query["filters"].items() for code in codes]
    return "/api/v1/organisations?" + urllib.parse.urlencode(params)


def read_api(data: dict) -> tuple[int, None]:
    return data["count"], None


def start_gunicorn(
    var_dir: Path, env: dict[str, str], *, log: Path, options: list[str] = ()
) -> tuple[subprocess.Popen, int]:
    """gunicorn with one sync worker on a free loopback port, as production serves the
    site (``env`` from ``worker_env``); returns once it accepts connections."""
    port = free_port()
    (var_dir / "static").mkdir(exist_ok=True)  # whitenoise wants it, collected or not
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1",
        "--timeout", "300", "--chdir", str(ROOT), *options,
        "--error-logfile", str(log), "--log-level", "warning", "commons.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"gunicorn exited early (exit {server.returncode})")
        with contextlib.suppress(OSError):
            socket.create_connection((HOST, port), timeout=1).close()
            return server, port
        if time.monotonic() > deadline:
            stop_server(server)
            raise SystemExit("gunicorn did not start within 60 s")
        time.sleep(0.2)


def measure_api(engine: str, database_url: str, var_dir: Path, args, queries: list[dict]):
    """Our JSON API for the same searches, served by gunicorn (one sync worker) as in
    production, timed on the client like Datasette."""
    env = worker_env(var_dir, database_url)
    if not args.warm_text:
        env["BENCH_FORGET_TEXT"] = "true"  # see bench/gunicorn_directory.py
    server, port = start_gunicorn(
        var_dir,
        env,
        log=var_dir / f"gunicorn-{engine}.log",
        options=["--config", "python:bench.gunicorn_directory"],
    )
    try:
        return measure_http(
            port,
            [api_path(query) for query in queries],
            read_api,
            repeats=args.repeats,
            seed=args.seed,
            budget=args.budget,
            name=f"API on {engine}",
        )
    finally:
        stop_server(server)


# Report -------------------------------------------------------------------------------------


def times(result: dict, key: str = "times_ms") -> list[float]:
    return [t for query in result["queries"] for t in query[key]]


def report(args, ctx: dict) -> None:
    queries = ctx["queries"]
    engines = ctx["engines"]  # name -> worker result
    datasette = ctx.get("datasette")
    if args.per_query:
        print("\nper search (median ms; totals = organisations found):")
        header = f"{'#':>3} {'kind':<8} {'word':<18} {'filters':<46}"
        for name in engines:
            header += f" {name[:6]:>8} {'total':>6}"
        if datasette:
            header += f" {'Dstte':>8} {'total':>6}"
        print(header)
        for i, query in enumerate(queries):
            filters = ",".join(codes[0] for codes in query["filters"].values())
            line = f"{i + 1:>3} {query['kind']:<8} {query['q'][:18]:<18} {filters[:46]:<46}"
            for result in engines.values():
                item = result["queries"][i]
                line += f" {statistics.median(item['times_ms']):8.1f} {item['total']:>6}"
            if datasette:
                item = datasette["queries"][i]
                line += f" {statistics.median(item['times_ms']):8.1f} {item['total']:>6}"
            print(line)
    for name, result in engines.items():
        found = result.get("explain")
        if not found:
            continue
        number = found["query"] + 1
        print(f"\n{name}: the SQL statements of the slowest search (#{number}), in ms:")
        for ms, sql in found["statements"]:
            print(f"  {ms:8.2f}  {sql}")
        print(f"{name}: plan of its slowest statement ({found['ms']:.1f} ms):")
        print("  " + found["sql"][:2000])
        print("  params: " + ", ".join(found["params"])[:300])
        for line in found["plan"][:60]:
            print("    " + line)

    counts = ctx["counts"]
    print("\n=== Directory search benchmark: summary ===")
    print(f"command:  {ctx['command']}")
    print(f"versions: {ctx['versions']}")
    print(
        f"data:     {counts['accounts_organisation']:,} organisations "
        f"({counts['verified organisations']:,} verified), {counts['accounts_user']:,} people, "
        f"{counts['accounts_membership']:,} memberships, {counts['directory_presence']:,} "
        f"countries of operation, {counts['directory_term']:,} terms, "
        f"{counts['directory_networklink']:,} network links (seed {args.seed})"
    )
    runs = len(times(next(iter(engines.values()))))
    print(
        f"searches: {len(queries)} (word + {' + '.join(QUERY_FACETS)}, one value each), "
        f"1 warm-up + {args.repeats} timed runs each = {runs} timings per engine; "
        f"anonymous visitor, facet counts of all {ctx['facet_count']} facets + first page "
        f"of {PAGE_SIZE}"
    )
    rows = []
    for name, result in engines.items():
        rows.append((f"ours, {name} (in process)", times(result), result))
    for name, result in ctx["api"].items():
        rows.append((f"ours, {name} (HTTP API)", times(result), None))
    if datasette:
        rows.append(("Datasette (HTTP, client-side)", times(datasette), None))
        rows.append(("Datasette (its query_ms)", times(datasette, "query_ms"), None))
    print(
        f"\n{'':<31}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'timings':>8}{'SQL/search':>11}"
        f"{'SQL ms p50*':>12}"
    )
    for label, values, result in rows:
        if not values:
            continue
        line = (
            f"{label:<31}{percentile(values, 0.5):8.1f}{percentile(values, 0.95):8.1f}"
            f"{max(values):8.1f}{len(values):8d}"
        )
        if result:
            sql_ms = [query["sql_ms"] for query in result["queries"]]
            line += f"{result['sql_per_search']:>11}{percentile(sql_ms, 0.5):12.1f}"
        print(line)
    print(
        "* time inside cursor.execute() in a separate pass; SQLite hands out grouped rows "
        "while they are fetched, so there it is a lower bound"
    )
    for name, result in engines.items():
        print(
            f"{name} index: built in {result['index_build_s']:.1f} s (once per process), "
            f"{result['index_mib']:.0f} MiB of memory; "
            f"refreshing one organisation after a write {result['index_refresh_ms']:.1f} ms "
            "(median of 5)"
        )
    print()
    for name, result in engines.items():
        ours = times(result)
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        line = f"{name}: p95 {p95:.1f} ms {'<=' if p95 <= TARGET_P95_MS else '>'} target "
        line += f"{TARGET_P95_MS:.0f} ms"
        if datasette:
            theirs = times(datasette)
            ratio50 = p50 / percentile(theirs, 0.5)
            ratio95 = p95 / percentile(theirs, 0.95)
            line += f"; ours/Datasette p50 {ratio50:.2f}x, p95 {ratio95:.2f}x (lower is better)"
            if name in ctx["api"]:
                api = times(ctx["api"][name])
                line += (
                    f"; over HTTP p50 {percentile(api, 0.5) / percentile(theirs, 0.5):.2f}x, "
                    f"p95 {percentile(api, 0.95) / percentile(theirs, 0.95):.2f}x"
                )
            differ = sum(
                a["total"] != b["total"]
                for a, b in zip(result["queries"], datasette["queries"], strict=True)
            )
            line += f"; totals differ from Datasette's in {differ}/{len(queries)} searches"
        if result.get("budget_hit"):
            line += " [time budget hit: fewer runs]"
        print(line)
    for name, api in ctx["api"].items():
        same = sum(
            a["total"] == b["total"]
            for a, b in zip(engines[name]["queries"], api["queries"], strict=True)
        )
        print(f"{name}: HTTP API totals equal the in-process ones in {same}/{len(queries)}")
    if len(engines) > 1:
        first, *others = engines.values()
        for name, other in zip(list(engines)[1:], others, strict=True):
            same = sum(
                a["total"] == b["total"]
                for a, b in zip(first["queries"], other["queries"], strict=True)
            )
            print(f"{name} totals equal SQLite's in {same}/{len(queries)} searches")
    print(f"target (product brief): p95 <= {TARGET_P95_MS:.0f} ms and faster than Datasette")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        return worker(argv)
    args = parse_args(argv)
    import django

    command = shlex.join([sys.executable, *sys.argv])
    print(f"command: {command}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    datasette_version = None if args.no_datasette else ensure_datasette()
    key = f"seed{args.seed}-o{args.organisations}-p{args.people}-{schema_fingerprint()}"
    cache = CACHE_ROOT / key
    sqlite_path = cache / "commons.sqlite3"
    datasette_db = cache / "db.db"
    marker = cache / "complete.json"
    ctx: dict = {"command": command, "engines": {}, "api": {}}

    with tempfile.TemporaryDirectory(prefix="commons-bench-directory-") as tmp:
        var_dir = Path(tmp)
        spec = {
            "organisations": args.organisations,
            "people": args.people,
            "seed": args.seed,
            "sqlite_path": str(sqlite_path),
            "repeats": args.repeats,
            "budget": args.budget,
            "explain": args.explain,
            "warm_text": args.warm_text,
        }
        if args.reuse and marker.exists():
            print(f"reusing the data in {cache}", flush=True)
            ctx["counts"] = json.loads(marker.read_text())["counts"]
        else:
            print(f"generating the data in {cache} (a few minutes)", flush=True)
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir(parents=True)
            started = time.perf_counter()
            generated = run_worker("generate", "sqlite", spec, var_dir, f"sqlite:///{sqlite_path}")
            print(f"  generated in {time.perf_counter() - started:5.1f} s", flush=True)
            build_datasette_db(sqlite_path, datasette_db)
            ctx["counts"] = generated["counts"]
            marker.write_text(json.dumps({"counts": generated["counts"], "key": key}))
        size = sum(p.stat().st_size for p in cache.iterdir()) / 2**20
        print(f"  cache: {cache} ({size:,.0f} MiB)", flush=True)

        queries = make_queries(sqlite_path, args.queries, args.seed)
        ctx["queries"] = spec["queries"] = queries
        print(f"\nsearching with our code on SQLite ({len(queries)} searches)", flush=True)
        ctx["engines"]["SQLite"] = run_worker(
            "measure", "sqlite", spec, var_dir, f"sqlite:///{sqlite_path}"
        )
        if not args.no_http:
            print("\nsearching through our API on SQLite (gunicorn)", flush=True)
            ctx["api"]["SQLite"] = measure_api(
                "SQLite", f"sqlite:///{sqlite_path}", var_dir, args, queries
            )
        if datasette_version:
            print("\nsearching with Datasette", flush=True)
            server, port = start_datasette(datasette_db, var_dir / "datasette.log")
            try:
                ctx["datasette"] = measure_http(
                    port,
                    [datasette_path(query) for query in queries],
                    read_datasette,
                    repeats=args.repeats,
                    seed=args.seed,
                    budget=args.budget,
                    name="Datasette",
                )
            finally:
                stop_server(server)
        if args.postgres:
            print("\nsearching with our code on PostgreSQL", flush=True)
            with fresh_postgres(args.postgres):
                result = run_worker("measure", "postgres", spec, var_dir, args.postgres)
                if not args.no_http:
                    print("\nsearching through our API on PostgreSQL (gunicorn)", flush=True)
                    ctx["api"]["PostgreSQL"] = measure_api(
                        "PostgreSQL", args.postgres, var_dir, args, queries
                    )
            print(f"  loaded in {result['load_seconds']:5.1f} s", flush=True)
            if result["counts"] != ctx["counts"]:
                print(f"  row counts differ from SQLite's: {result['counts']}", flush=True)
            ctx["engines"]["PostgreSQL"] = result

    ctx["facet_count"] = ctx["engines"]["SQLite"]["facet_count"]
    versions = [
        f"Python {platform.python_version()}",
        f"Django {django.get_version()}",
        f"SQLite {ctx['engines']['SQLite']['server_version']}",
    ]
    if "PostgreSQL" in ctx["engines"]:
        versions.append(f"PostgreSQL {ctx['engines']['PostgreSQL']['server_version']}")
    versions.append(f"psycopg {importlib.metadata.version('psycopg')}")
    if datasette_version:
        versions.append(f"Datasette {datasette_version}")
    versions.append(f"{os.cpu_count()} CPUs")
    ctx["versions"] = ", ".join(versions)
    report(args, ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
