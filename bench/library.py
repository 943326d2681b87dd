"""Library search at scale: ``commons.library.search.search`` against a plain SQL query.

Generates 100,000 language versions (resources) of about 67,000 works, in twelve
languages (Thai, Khmer, Burmese and Lao written without spaces between words), each with
a title, a summary and a few hundred words of extracted text, in a throw-away SQLite
database (kept in a cache under the temporary directory, keyed by the seed, the size and
the migrations, for ``--reuse``); with ``--postgres`` the same data is generated in a
PostgreSQL database made and dropped for the run. For each database, in a new process:

1. builds the search index (timed, with the memory it takes: what each web process pays
   once) and refreshes five works in it (what a write costs the next search);
2. checks that a search for a Khmer and a Thai word planted inside runs of text of known
   resources finds exactly those (and that a plain SQL ``LIKE`` finds the same);
3. times searches of several kinds — a word; a word and two facets; two facets; a Thai
   word; a Khmer word; a word and two facets in every language — from the call of
   ``search()`` until the page's rows and every facet's counts and labels are there,
   each run forgetting remembered text matches first (``--warm-text`` keeps them);
4. times the plain way on the same data for the same searches: a Django query with
   ``icontains`` (``LIKE``) on the title, summary and extracted text, the facets as
   filters, its count and its first page, without any facet count (so the comparison
   flatters it).

The issue's target is printed beside the figures; the script only reports, it never
fails on a figure. See bench/README.md ("Library search").

    .venv/bin/python bench/library.py [--reuse] [--postgres [URL]] [--resources N]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from bench.directory_search import (  # noqa: E402
    fresh_postgres,
    percentile,
    resident_mib,
    worker_env,
)

progress = functools.partial(tqdm, disable=None, mininterval=0.5)

CACHE_ROOT = Path(tempfile.gettempdir()) / "commons-bench-library"
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/bench_library"
GENERATOR_VERSION = 1
TARGET_P95_MS = 50.0
PAGE_SIZE = 20

# --- Vocabulary of the generated data -----------------------------------------------------

# Real words first (the ones searched for), drawn far more often than the made-up ones
# that follow them and make the vocabulary as large as real text's.
WORDS = {
    "en": """trafficking migrant workers labour forced children women shelter survivors
        recruitment debt bondage fishing vessels wages passport brokers exploitation
        protection prevention prosecution victims identification referral community
        awareness training outreach border police court justice law policy report
        research study toolkit guide curriculum rights safe migration employer contract
        domestic garment factory construction agriculture plantation online scam
        compound rescue reintegration counselling trauma health education livelihood
        family village province district ministry government network coalition""",
    "es": """trata personas trabajo forzoso migrantes niñas niños mujeres refugio
        sobrevivientes explotación protección prevención derechos víctimas frontera
        policía justicia informe guía capacitación comunidad salud familia""",
    "fr": """traite êtres humains travail forcé migrants enfants femmes refuge survivants
        exploitation protection prévention droits victimes frontière police justice
        rapport guide formation communauté santé famille""",
    "id": """perdagangan orang pekerja migran anak perempuan perlindungan pencegahan
        korban eksploitasi kerja paksa perbatasan polisi hukum laporan panduan pelatihan
        masyarakat kesehatan keluarga""",
    "vi": """buôn bán người lao động di cư trẻ em phụ nữ nạn nhân bảo vệ phòng ngừa
        cưỡng bức biên giới công an pháp luật báo cáo hướng dẫn đào tạo cộng đồng
        sức khỏe gia đình""",
    "ar": """الاتجار بالبشر العمال المهاجرين الأطفال النساء الحماية الوقاية الضحايا
        العمل القسري الحدود الشرطة القانون تقرير دليل تدريب المجتمع الصحة الأسرة""",
    "th": """การค้ามนุษย์ แรงงาน ข้ามชาติ เด็ก ผู้หญิง ผู้เสียหาย คุ้มครอง ป้องกัน
        แรงงานบังคับ ประมง เรือ นายหน้า หนี้ ชายแดน ตำรวจ กฎหมาย รายงาน คู่มือ อบรม ชุมชน
        สุขภาพ ครอบครัว ที่พักพิง สิทธิ การย้ายถิ่น นายจ้าง สัญญา โรงงาน""",
    "km": """ការជួញដូរមនុស្ស ពលករ ចំណាកស្រុក កុមារ ស្ត្រី ជនរងគ្រោះ ការការពារ ការបង្ការ
        ពលកម្មដោយបង្ខំ នេសាទ ព្រំដែន នគរបាល ច្បាប់ របាយការណ៍ សៀវភៅណែនាំ បណ្តុះបណ្តាល
        សហគមន៍ សុខភាព គ្រួសារ ជម្រក សិទ្ធិ និយោជក កិច្ចសន្យា រោងចក្រ""",
    "my": """လူကုန်ကူးမှု ရွှေ့ပြောင်းအလုပ်သမား ကလေး အမျိုးသမီး ကာကွယ်ရေး အတင်းအကြပ်
        နယ်စပ် ရဲ ဥပဒေ အစီရင်ခံစာ လမ်းညွှန် သင်တန်း အသိုင်းအဝိုင်း ကျန်းမာရေး မိသားစု""",
    "lo": """ການຄ້າມະນຸດ ແຮງງານ ເດັກ ແມ່ຍິງ ຜູ້ເຄາະຮ້າຍ ປົກປ້ອງ ຊາຍແດນ ຕຳຫຼວດ ກົດໝາຍ
        ບົດລາຍງານ ຄູ່ມື ຊຸມຊົນ ສຸຂະພາບ ຄອບຄົວ""",
    "ms": """pemerdagangan orang pekerja asing kanak-kanak wanita perlindungan mangsa
        buruh paksa sempadan polis undang-undang laporan panduan latihan komuniti""",
    "tl": """pagbebenta tao manggagawa migrante bata kababaihan proteksyon biktima
        sapilitang paggawa hangganan pulis batas ulat gabay pagsasanay komunidad""",
}
# Characters to make up further words from, in each script.
SYLLABLES = {
    "latin": "ka ri to ne sa lu mo pe di ga ba ho ve tra ne ul is an or en",
    "vi": "ngh ươ ô ạ ê ơ ư đ ă â ch tr ph th",
    "ar": "ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ع غ ف ق ك ل م ن ه و ي ا",  # noqa: RUF001
    "th": "ก ข ค ง จ ช ด ต ท น บ ป ผ พ ม ย ร ล ว ส ห อ า ิ ี ุ ู เ แ โ ่ ้",
    "km": "ក ខ គ ង ច ឆ ជ ញ ដ ត ថ ទ ន ប ព ភ ម យ រ ល វ ស ហ អ ា ិ ី ុ ូ េ ៃ ំ",
    "my": "က ခ ဂ င စ ဆ ည တ ထ ဒ န ပ ဖ ဗ မ ယ ရ လ ဝ သ ဟ အ ာ ိ ီ ု ူ ေ ံ ့ း ်",  # noqa: RUF001
    "lo": "ກ ຂ ຄ ງ ຈ ຊ ດ ຕ ຖ ທ ນ ບ ປ ຜ ພ ມ ຢ ຣ ລ ວ ສ ຫ ອ າ ິ ີ ຸ ູ ເ ແ ໂ",
}
SCRIPT = {"vi": "vi", "ar": "ar", "th": "th", "km": "km", "my": "my", "lo": "lo"}
WITHOUT_SPACES = {"th", "km", "my", "lo"}
LANGUAGE_WEIGHTS = {
    "en": 30, "th": 10, "km": 8, "vi": 8, "id": 7, "my": 6, "es": 6, "fr": 6, "ar": 5,
    "lo": 3, "ms": 3, "tl": 3,
}  # fmt: skip
TYPES = [
    "report", "research", "toolkit", "guide", "curriculum", "awareness", "law",
    "case-study", "video", "podcast", "dataset", "infographic",
]  # fmt: skip
TOPICS = [
    "forced_labour", "sexual", "child_sexual", "forced_criminality", "domestic_servitude",
    "debt_bondage", "child_labour", "child_sexual_online", "forced_marriage", "migration",
    "awareness", "research", "funding", "collaboration", "capacity-building",
    "legal-frameworks", "prosecution", "survivor-inclusion", "technology", "corruption",
    "community-based", "victim-support", "supply-chains", "media", "education",
    "child-protection", "gender", "crisis-response", "forced_begging", "organ_removal",
]  # fmt: skip
HEAD_COUNTRIES = [
    "TH", "KH", "MM", "VN", "LA", "MY", "ID", "PH", "NP", "BD", "IN", "US", "GB", "AU",
    "SG", "CN", "JP", "KR", "LK", "PK", "TL", "AE", "SA", "QA", "ES", "FR", "MX", "BR",
]  # fmt: skip
PUBLISHERS = 2_000
# Planted in the extracted text of known resources, inside runs of other words: the
# searches that must find exactly those (made of characters no generated word has together).
PLANTED = {"km": "ព្រៃឈើផ្កាឈូក", "th": "ทุเรียนมังคุด"}
PLANTED_COUNT = 37


class Zipf:
    def __init__(self, items, s: float = 1.0):
        self.items = list(items)
        total, self.cum = 0.0, []
        for rank in range(len(self.items)):
            total += 1.0 / (rank + 1) ** s
            self.cum.append(total)

    def pick(self, rng: random.Random, k: int = 1) -> list:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def distinct(self, rng: random.Random, k: int) -> list:
        found: list = []
        for item in self.pick(rng, 4 * k):
            if item not in found:
                found.append(item)
                if len(found) == k:
                    break
        return found


class Texts:
    """Titles, summaries and extracted text in each language, words drawn Zipf-like from
    real words and made-up ones; in scripts without spaces, several words run together."""

    def __init__(self, rng: random.Random, made_up: int = 6_000):
        self.vocabulary = {}
        for language, text in WORDS.items():
            real = text.split()
            syllables = SYLLABLES[SCRIPT.get(language, "latin")].split()
            invented = set()
            while len(invented) < made_up:
                word = "".join(rng.choices(syllables, k=rng.randint(2, 5)))
                if not any(planted in word for planted in PLANTED.values()):
                    invented.add(word)
            self.vocabulary[language] = Zipf(real + sorted(invented), 0.9)

    def words(self, rng: random.Random, language: str, count: int) -> str:
        drawn = self.vocabulary[language].pick(rng, count)
        if language not in WITHOUT_SPACES:
            return " ".join(drawn)
        runs, at = [], 0
        while at < len(drawn):
            step = rng.randint(1, 5)
            runs.append("".join(drawn[at : at + step]))
            at += step
        return " ".join(runs)

    def version(self, rng: random.Random, language: str) -> tuple[str, str, str]:
        title = self.words(rng, language, rng.randint(3, 9))
        summary = self.words(rng, language, rng.randint(15, 40))
        paragraphs = [self.words(rng, language, rng.randint(40, 90)) for _ in range(4)]
        if rng.random() < 0.15:  # English names and terms in other languages' text
            paragraphs.append(self.words(rng, "en", 20))
        return title[:300], summary, ".\n\n".join(paragraphs)


def schema_fingerprint() -> str:
    digest = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for path in sorted(ROOT.glob("commons/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# --- Data generation (worker process, after migrate) ----------------------------------------


def generate(spec: dict) -> dict:
    """Works and their versions with ``bulk_create``; about 5 % of the versions wait for
    review or were rejected (they must never be found)."""
    from commons.library.models import Resource, Work

    rng = random.Random(spec["seed"])
    texts = Texts(rng)
    import pycountry

    rest = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in HEAD_COUNTRIES)
    countries = Zipf(HEAD_COUNTRIES + rest, 1.1)
    topics, types = Zipf(TOPICS, 0.8), Zipf(TYPES, 0.7)
    publishers = Zipf([f"Publisher {n}" for n in range(PUBLISHERS)], 1.0)
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    start = datetime(2020, 1, 1, tzinfo=UTC)
    total = spec["resources"]
    planted = {language: [] for language in PLANTED}
    made, works_made, work_number = 0, 0, 0
    bar = progress(total=total, desc="resources", unit_scale=True)
    while made < total:
        works, versions = [], []
        for _n in range(min(2_000, total - made)):
            work_number += 1
            first = rng.choices(languages, weights)[0]
            wanted = [first]
            if rng.random() < 0.4:
                for language in rng.choices(languages, weights, k=rng.randint(1, 2)):
                    if language not in wanted:
                        wanted.append(language)
            wanted = wanted[: total - made - len(versions)]
            if not wanted:
                break
            work = Work(
                slug=f"work-{work_number}",
                type=types.pick(rng)[0],
                topics=topics.distinct(rng, rng.randint(1, 3)),
                countries=countries.distinct(rng, rng.randint(1, 3)),
                publisher_name=publishers.pick(rng)[0] if rng.random() < 0.9 else "",
                published_on=date(rng.randint(1995, 2025), rng.randint(1, 12), 1),
                licence="CC BY 4.0",
            )
            works.append(work)
            for language in wanted:
                title, summary, body = texts.version(rng, language)
                roll = rng.random()
                status = "approved" if roll < 0.95 else "submitted" if roll < 0.98 else "rejected"
                versions.append(
                    (
                        work,
                        Resource(
                            language=language,
                            title=title,
                            summary=summary,
                            extracted_text=body,
                            extraction="done",
                            status=status,
                            rejection_reason="Not about trafficking."
                            if status == "rejected"
                            else "",
                            approved_at=(
                                start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
                                if status == "approved"
                                else None
                            ),
                        ),
                    )
                )
        Work.objects.bulk_create(works, batch_size=1_000)
        for work, resource in versions:
            resource.work_id = work.pk
            language = resource.language
            if (
                language in PLANTED
                and len(planted[language]) < PLANTED_COUNT
                and rng.random() < 0.01
            ):
                text = resource.extracted_text
                at = rng.randint(0, len(text) - 1)
                # Inside a run: the planted word glued to its neighbours.
                resource.extracted_text = text[:at] + PLANTED[language] + text[at:]
                planted[language].append(resource)
        Resource.objects.bulk_create([resource for _work, resource in versions], batch_size=500)
        made += len(versions)
        works_made += len(works)
        bar.update(len(versions))
    bar.close()
    return {
        "works": works_made,
        "resources": made,
        "approved": Resource.objects.filter(status="approved").count(),
        "planted": {
            language: sorted(r.pk for r in found if r.status == "approved")
            for language, found in planted.items()
        },
        "planted_unapproved": {
            language: sorted(r.pk for r in found if r.status != "approved")
            for language, found in planted.items()
        },
    }


# --- The searches --------------------------------------------------------------------------


def make_queries(spec: dict) -> dict[str, list[dict]]:
    """Each kind's searches, from a sample of the published versions (so most find
    something): a word of a version's own text, its work's facet values."""
    from commons.lib.wordindex import words
    from commons.library.models import Resource

    rng = random.Random(spec["seed"] + 1)
    count = spec["queries"]
    # The same sample on every database: the data and its keys are generated alike.
    last = Resource.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen = rng.sample(range(1, last + 1), min(last, 60 * count))
    sample = list(
        Resource.objects.filter(status="approved", pk__in=chosen)
        .order_by("pk")
        .values_list("language", "title", "summary", "work__type", "work__topics",
                     "work__countries", "work__published_on")
    )  # fmt: skip
    rng.shuffle(sample)
    real = {language: text.split() for language, text in WORDS.items()}

    def word_of(language: str, text: str) -> str | None:
        options = [w for w in real[language] if w in text]
        return rng.choice(options) if options else None

    def decoded(value):
        return json.loads(value) if isinstance(value, str) else value

    kinds: dict[str, list[dict]] = {
        "word": [],
        "word + 2 facets": [],
        "2 facets": [],
        "Thai word": [],
        "Khmer word": [],
        "word + 2 facets, all languages": [],
    }
    for language, title, summary, type_, topics, countries, published in sample:
        topics, countries = decoded(topics), decoded(countries)
        text = f"{title} {summary}"
        word = word_of(language, text)
        if word is None or len(words(word)) != 1:
            continue
        year = int(str(published)[:4])
        if language == "en":
            if len(kinds["word"]) < count:
                kinds["word"].append({"q": word, "language": "en"})
            elif len(kinds["word + 2 facets"]) < count:
                kinds["word + 2 facets"].append(
                    {"q": word, "language": "en", "types": [type_], "countries": countries[:1]}
                )
            elif len(kinds["2 facets"]) < count:
                kinds["2 facets"].append({"language": "en", "topics": topics[:1], "years": [year]})
            elif len(kinds["word + 2 facets, all languages"]) < count:
                kinds["word + 2 facets, all languages"].append(
                    {
                        "q": word,
                        "language": "en",
                        "all_languages": True,
                        "topics": topics[:1],
                        "countries": countries[:1],
                    }
                )
        elif language == "th" and len(kinds["Thai word"]) < count:
            kinds["Thai word"].append({"q": word, "language": "th"})
        elif language == "km" and len(kinds["Khmer word"]) < count:
            kinds["Khmer word"].append({"q": word, "language": "km"})
    return kinds


def plain_search(query: dict) -> tuple[int, list[int]]:
    """The search done the plain way: ``icontains`` on the three texts (one per word),
    the facets as filters, the count and the first page; no facet counts."""
    from django.db.models import Q

    from commons.lib.wordindex import words
    from commons.library.models import Resource

    versions = Resource.objects.filter(status="approved")
    if not query.get("all_languages"):
        versions = versions.filter(language=query["language"])
    for term in words(query.get("q", "")):
        versions = versions.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(extracted_text__icontains=term)
        )
    if query.get("types"):
        versions = versions.filter(work__type__in=query["types"])
    for name, field in (("topics", "work__topics"), ("countries", "work__countries")):
        for value in query.get(name, []):
            versions = versions.filter(**{f"{field}__icontains": f'"{value}"'})
    if query.get("years"):
        versions = versions.filter(work__published_on__year__in=query["years"])
    works = versions.values("work_id").distinct()
    total = works.count()
    page = list(versions.order_by("-approved_at").values_list("pk", flat=True)[:PAGE_SIZE])
    return total, page


def measure(spec: dict) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from commons.library import search
    from commons.library.models import Resource, Work

    translation.activate("en")
    output: dict = {}

    # 1. The index, built once per process, then refreshed work by work.
    memory_before = resident_mib()
    started = time.perf_counter()
    index = search.current()
    output["index_build_s"] = time.perf_counter() - started
    output["index_mib"] = resident_mib() - memory_before
    output["indexed_works"] = index.everyone.bit_count()
    output["indexed_versions"] = len(index.by_recent)
    output["lanes"] = len(index.lanes)
    refresh_ms = []
    for pk in random.Random(spec["seed"]).sample(index.pks, 5):
        started = time.perf_counter()
        index = search.refreshed(index, {pk})
        refresh_ms.append((time.perf_counter() - started) * 1000)
    search._live.index = index
    output["refresh_ms"] = statistics.median(refresh_ms)

    # 2. The planted Khmer and Thai words.
    found = {}
    for language, word in PLANTED.items():
        result = search.search(
            search.LibraryQuery(q=word, language="en", all_languages=True, page_size=100)
        )
        ours = sorted(item.pk for item in result.items)
        plain = sorted(
            Resource.objects.filter(status="approved", extracted_text__contains=word).values_list(
                "pk", flat=True
            )
        )
        found[language] = {
            "word": word,
            "planted": spec["planted"][language],
            "unapproved": spec["planted_unapproved"][language],
            "ours": ours,
            "like": plain,
            "total": result.total,
        }
    output["planted"] = found

    # 3. Our searches, timed.
    kinds = make_queries(spec)
    output["queries"] = {kind: len(queries) for kind, queries in kinds.items()}

    def run(query: dict) -> search.SearchResult:
        if not spec["warm_text"]:
            search.current().text_cache.clear()
        result = search.search(search.LibraryQuery(page_size=PAGE_SIZE, **query))
        for item in result.items:
            item.work.publisher_label  # noqa: B018  (what a results page reads)
        sum(len(value.label) for values in result.facets.values() for value in values)
        return result

    unapproved = set(
        Resource.objects.exclude(status="approved").values_list("pk", flat=True)
    )  # fmt: skip
    leaks = 0
    results: dict[str, dict] = {}
    for kind, queries in kinds.items():
        totals = []
        for query in queries:  # warm-up: imports, labels, the first to_bytes
            result = run(query)
            totals.append(result.total)
            leaks += sum(item.pk in unapproved for item in result.items)
        with CaptureQueriesContext(connection) as captured:
            run(queries[0])
        times = []
        rng = random.Random(spec["seed"])
        order = list(range(len(queries)))
        for _round in range(spec["repeats"]):
            rng.shuffle(order)
            for number in order:
                started = time.perf_counter()
                run(queries[number])
                times.append((time.perf_counter() - started) * 1000)
        results[kind] = {
            "times_ms": times,
            "median_total": statistics.median(totals),
            "sql": len(captured.captured_queries),
        }
    output["leaks"] = leaks

    # 4. The plain way, on a few of the same searches (each reads every text).
    for kind, queries in kinds.items():
        times = []
        for query in queries[: spec["plain_queries"]]:
            started = time.perf_counter()
            plain_search(query)
            times.append((time.perf_counter() - started) * 1000)
        results[kind]["plain_ms"] = times
    output["results"] = results
    output["works"] = Work.objects.count()
    output["resources"] = Resource.objects.count()
    return output


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=("generate", "measure"), required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    output: dict = {}
    if args.worker == "generate":
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        output.update(generate(spec))
        output["seconds"] = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE library_work")
                cursor.execute("VACUUM ANALYZE library_resource")
    else:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sqlite_version()")
            else:
                cursor.execute("SHOW server_version")
            output["server_version"] = cursor.fetchone()[0]
        output.update(measure(spec))
    args.result.write_text(json.dumps(output))
    return 0


def run_worker(kind: str, spec: dict, var_dir: Path, database_url: str) -> dict:
    name = f"{kind}-{'sqlite' if database_url.startswith('sqlite') else 'postgres'}"
    spec_path, result_path = var_dir / f"spec-{name}.json", var_dir / f"result-{name}.json"
    spec_path.write_text(json.dumps(spec))
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        *("--worker", kind, "--spec", str(spec_path), "--result", str(result_path)),
    ]
    env = worker_env(var_dir, database_url)
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"{name} failed (exit {result.returncode})")
    return json.loads(result_path.read_text())


# --- Main process --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="reuse the cached SQLite data")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        metavar="URL",
        help=f"also run on PostgreSQL; the database is created and dropped ({DEFAULT_POSTGRES})",
    )
    parser.add_argument("--resources", type=int, default=100_000, help="(100000)")
    parser.add_argument("--queries", type=int, default=20, help="searches of each kind (20)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each search (5)")
    parser.add_argument(
        "--plain-queries", type=int, default=3, help="searches of each kind done the plain way (3)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    parser.add_argument(
        "--warm-text",
        action="store_true",
        help="remember text matches between runs (default: every run pays its text match)",
    )
    args = parser.parse_args(argv)
    if args.resources < 1_000 or not 1 <= args.queries <= 200 or not 1 <= args.repeats <= 50:
        parser.error("--resources must be >= 1000, --queries 1-200 and --repeats 1-50")
    if args.postgres:
        parts = urllib.parse.urlsplit(args.postgres)
        if parts.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("--postgres must point at this machine (loopback or a socket)")
        if "bench" not in parts.path.lstrip("/"):
            parser.error("the PostgreSQL database is dropped: its name must contain 'bench'")
    return args


def report(args, ctx: dict) -> None:
    data = ctx["data"]
    print("\n=== Library search benchmark: summary ===")
    print(f"command:  {ctx['command']}")
    print(f"versions: {ctx['versions']}")
    print(
        f"data:     {data['resources']:,} resources ({data['approved']:,} published, the "
        f"others waiting for review or rejected) of {data['works']:,} works in "
        f"{len(LANGUAGE_WEIGHTS)} languages, each with a few hundred words of extracted "
        f"text; seed {args.seed}; generated in {data['seconds']:.0f} s"
    )
    for engine, result in ctx["engines"].items():
        print(f"\n--- {engine} {result['server_version']} ---")
        print(
            f"index: built in {result['index_build_s']:.1f} s, {result['index_mib']:,.0f} MiB "
            f"(resident, anonymous); {result['indexed_works']:,} works, "
            f"{result['indexed_versions']:,} published versions in {result['lanes']} "
            f"languages; a work refreshed in {result['refresh_ms']:.0f} ms (median of 5)"
        )
        for language, check in result["planted"].items():
            name = {"km": "Khmer", "th": "Thai"}[language]
            exact = check["ours"] == check["planted"]
            like = "the same" if check["like"] == check["planted"] else "OTHERS"
            print(
                f"{name} word {check['word']}: planted in {len(check['planted'])} published "
                f"versions (and {len(check['unapproved'])} unpublished), found "
                f"{check['total']} — {'exactly those' if exact else 'NOT THE SAME'}"
                f"; LIKE finds {like}"
            )
        if result["leaks"]:
            print(f"UNPUBLISHED VERSIONS IN RESULTS: {result['leaks']}")
        print(
            f"\n{'search (' + str(args.repeats) + ' runs of each)':<34}{'n':>4}{'median':>9}"
            f"{'p95':>9}{'max':>9}{'found':>9}{'sql':>5}{'plain LIKE':>12}{'ratio':>8}"
        )
        for kind, figures in result["results"].items():
            times = figures["times_ms"]
            plain = statistics.median(figures["plain_ms"]) if figures["plain_ms"] else None
            ours = statistics.median(times)
            print(
                f"{kind:<34}{result['queries'][kind]:>4}{ours:>7.1f}ms"
                f"{percentile(times, 0.95):>7.1f}ms{max(times):>7.1f}ms"
                f"{figures['median_total']:>9,.0f}{figures['sql']:>5}"
                + (f"{plain:>10.0f}ms{plain / ours:>7.0f}x" if plain else "")
            )
        two = result["results"]["word + 2 facets"]["times_ms"]
        p95 = percentile(two, 0.95)
        print(
            f"target: a word and two facets, p95 {p95:.1f} ms — "
            f"{'within' if p95 <= TARGET_P95_MS else 'OVER'} {TARGET_P95_MS:.0f} ms"
        )
    print(
        "\nmedian/p95/max: our search() from the call until the page's rows, every facet's "
        "counts and labels are read, text matches not remembered between runs; found: the "
        "median number of works found; sql: statements of one search; plain LIKE: the "
        f"median of {args.plain_queries} of the same searches as one Django query with "
        "icontains on the three texts and the facets as filters, its count and first page "
        "only (no facet counts); ratio: plain over ours."
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        return worker(argv)
    args = parse_args(argv)
    import django

    command = shlex.join([sys.executable, *sys.argv])
    print(f"command: {command}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    key = f"seed{args.seed}-r{args.resources}-{schema_fingerprint()}"
    cache = CACHE_ROOT / key
    sqlite_path = cache / "commons.sqlite3"
    marker = cache / "complete.json"
    ctx: dict = {"command": command, "engines": {}}
    spec = {
        "resources": args.resources,
        "seed": args.seed,
        "queries": args.queries,
        "repeats": args.repeats,
        "plain_queries": args.plain_queries,
        "warm_text": args.warm_text,
    }
    with tempfile.TemporaryDirectory(prefix="commons-bench-library-") as tmp:
        var_dir = Path(tmp)
        if args.reuse and marker.exists():
            print(f"reusing the data in {cache}", flush=True)
            ctx["data"] = json.loads(marker.read_text())
        else:
            print(f"generating the data in {cache}", flush=True)
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir(parents=True)
            ctx["data"] = run_worker("generate", spec, var_dir, f"sqlite:///{sqlite_path}")
            marker.write_text(json.dumps(ctx["data"]))
        spec["planted"] = ctx["data"]["planted"]
        spec["planted_unapproved"] = ctx["data"]["planted_unapproved"]
        print("\nsearching on SQLite", flush=True)
        ctx["engines"]["SQLite"] = run_worker("measure", spec, var_dir, f"sqlite:///{sqlite_path}")
        if args.postgres:
            print("\ngenerating the same data in PostgreSQL", flush=True)
            with fresh_postgres(args.postgres):
                generated = run_worker("generate", spec, var_dir, args.postgres)
                if generated["planted"] != spec["planted"]:
                    print("  the data differs from SQLite's", flush=True)
                print("\nsearching on PostgreSQL", flush=True)
                ctx["engines"]["PostgreSQL"] = run_worker("measure", spec, var_dir, args.postgres)
    ctx["versions"] = ", ".join(
        [
            f"Python {platform.python_version()}",
            f"Django {django.get_version()}",
            f"psycopg {importlib.metadata.version('psycopg')}",
            f"{os.cpu_count()} CPUs",
        ]
    )
    report(args, ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
