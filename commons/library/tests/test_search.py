"""The library's search: languages, scripts without spaces, ranking, facets, moderation,
and an index that answers exactly as a plain reading of the database would."""

import datetime
import random

import pytest
from django.http import QueryDict

from commons.lib.wordindex import words
from commons.library import search
from commons.library.models import Resource, Work
from commons.library.queries import version_for
from commons.library.search import FACETS, LibraryQuery
from commons.library.services import (
    approve_resource,
    create_work,
    reject_resource,
    submit_resource,
    update_resource,
)
from commons.library.tests.conftest import publish

KHMER_WORD = "ពលករ"  # worker
KHMER_RUN = "ការការពារពលករចំណាកស្រុកនៅព្រំដែន"  # protecting migrant workers at the border
THAI_WORD = "แรงงาน"  # labour
THAI_RUN = "คู่มือคุ้มครองแรงงานข้ามชาติในเรือประมง"  # a guide to protecting migrant fishers


def _work(title, *, type=Work.Type.REPORT, topics=(), countries=(), year=None, publisher=None):
    fields = {"type": type, "topics": list(topics), "countries": list(countries)}
    if year:
        fields["published_on"] = datetime.date(year, 6, 1)
    if publisher is not None:
        fields["publisher"] = publisher
    return create_work(fields=fields, title=title)


def _titles(result) -> list[str]:
    return [item.title for item in result.items]


def _counts(result, facet: str) -> dict[str, int]:
    return {value.code: value.count for value in result.facets[facet]}


# --- Languages -----------------------------------------------------------------------------


@pytest.fixture
def shelf(alice, moderator, toolkit):
    """The toolkit (English and Khmer), a Thai guide, an English-only report."""
    guide = _work("Thai guide", type=Work.Type.GUIDE, topics=["migration"], countries=["TH"])
    publish(guide, language="th", title=THAI_RUN, by=alice, moderator=moderator)
    report = _work("English report", topics=["forced_labour"], countries=["KH"])
    publish(report, language="en", title="Forced labour report", by=alice, moderator=moderator)
    return {"toolkit": toolkit, "guide": guide, "report": report}


def test_it_shows_only_works_in_the_reader_s_language_by_default(shelf):
    khmer = search.search(LibraryQuery(language="km"))
    assert [(item.work, item.language) for item in khmer.items] == [(shelf["toolkit"], "km")]
    assert khmer.searched_languages == ["km"]
    thai = search.search(LibraryQuery(language="th"))
    assert [(item.work, item.language) for item in thai.items] == [(shelf["guide"], "th")]
    assert search.search(LibraryQuery(language="vi")).total == 0


def test_it_shows_every_work_once_in_the_version_for_the_reader_with_all_languages(shelf):
    result = search.search(LibraryQuery(language="km", all_languages=True))
    shown = {item.work: item.language for item in result.items}
    assert shown == {shelf["toolkit"]: "km", shelf["guide"]: "th", shelf["report"]: "en"}
    assert result.total == 3 and result.searched_languages == []
    # No Vietnamese version: English when there is one, else the first published.
    shown = {
        item.work: item.language
        for item in search.search(LibraryQuery(language="vi", all_languages=True)).items
    }
    assert shown == {shelf["toolkit"]: "en", shelf["guide"]: "th", shelf["report"]: "en"}


def test_it_shows_the_works_with_a_version_in_a_ticked_language_in_it(shelf):
    result = search.search(LibraryQuery(language="en", languages=["km", "th"]))
    shown = {item.work: item.language for item in result.items}
    assert shown == {shelf["toolkit"]: "km", shelf["guide"]: "th"}
    # The language facet counts works with a version in each language, whatever is ticked.
    assert _counts(result, "language") == {"en": 2, "km": 1, "th": 1}
    assert [value.code for value in result.facets["language"] if value.selected] == ["km", "th"]


# --- Scripts without spaces --------------------------------------------------------------------


def test_it_finds_a_khmer_word_inside_a_title_and_inside_extracted_text(alice, moderator):
    titled = _work("Khmer title")
    publish(titled, language="km", title=KHMER_RUN, by=alice, moderator=moderator)
    texted = _work("Khmer text")
    publish(
        texted,
        language="km",
        title="សៀវភៅណែនាំ",
        extracted_text=f"ទំព័រទី១ {KHMER_RUN}។ ទំព័រទី២",
        by=alice,
        moderator=moderator,
    )
    other = _work("Other Khmer")
    publish(other, language="km", title="សុខភាព", by=alice, moderator=moderator)

    result = search.search(LibraryQuery(q=KHMER_WORD, language="km"))
    assert [item.work for item in result.items] == [titled, texted]  # the title first
    english_reader = search.search(LibraryQuery(q=KHMER_WORD, language="en", all_languages=True))
    assert {item.work for item in english_reader.items} == {titled, texted}


def test_it_finds_a_thai_word_inside_a_title_and_inside_extracted_text(alice, moderator):
    titled = _work("Thai title")
    publish(titled, language="th", title=THAI_RUN, by=alice, moderator=moderator)
    texted = _work("Thai text")
    publish(
        texted,
        language="th",
        title="รายงานประจำปี",
        summary="สรุป",
        extracted_text=f"บทที่หนึ่ง{THAI_RUN}และอื่นๆ",
        by=alice,
        moderator=moderator,
    )
    result = search.search(LibraryQuery(q=THAI_WORD, language="th"))
    assert [item.work for item in result.items] == [titled, texted]
    assert search.search(LibraryQuery(q="แรงงานเด็ก", language="th")).total == 0


# --- Ranking --------------------------------------------------------------------------------


def test_it_ranks_titles_above_summaries_above_extracted_text(alice, moderator):
    # Published body first, title last: recency alone would give the opposite order.
    in_body = _work("Body")
    publish(
        in_body,
        language="en",
        title="Annual report",
        extracted_text="shelters for survivors of trafficking",
        by=alice,
        moderator=moderator,
    )
    in_summary = _work("Summary")
    publish(
        in_summary,
        language="en",
        title="Field notes",
        summary="What survivors told us about shelters",
        by=alice,
        moderator=moderator,
    )
    in_title = _work("Title")
    publish(in_title, language="en", title="Shelters for survivors", by=alice, moderator=moderator)

    result = search.search(LibraryQuery(q="survivors shelters", language="en"))
    assert [item.work for item in result.items] == [in_title, in_summary, in_body]
    recent = search.search(LibraryQuery(q="survivors shelters", language="en", sort="recent"))
    assert [item.work for item in recent.items] == [in_title, in_summary, in_body]
    by_title = search.search(LibraryQuery(q="survivors", language="en", sort="title"))
    assert _titles(by_title) == ["Annual report", "Field notes", "Shelters for survivors"]


def test_it_lists_the_most_recently_added_first_without_a_query(alice, moderator):
    works = []
    for n in range(3):
        work = _work(f"Report {n}")
        publish(work, language="en", title=f"Report {n}", by=alice, moderator=moderator)
        works.append(work)
    assert [item.work for item in search.search(LibraryQuery(language="en")).items] == [
        works[2],
        works[1],
        works[0],
    ]
    assert [item.work for item in search.recent(language="en", limit=2)] == [works[2], works[1]]
    assert search.recent(language="lo") == []


# --- Facets ---------------------------------------------------------------------------------


@pytest.fixture
def catalogue(alice, moderator, lantern, harbour):
    report, guide, toolkit = Work.Type.REPORT, Work.Type.GUIDE, Work.Type.TOOLKIT
    # fmt: off
    rows = [
        # title, type, topics, countries, year, publisher, languages
        ("A", report, ["forced_labour"], ["TH"], 2020, lantern, ["en"]),
        ("B", report, ["forced_labour", "migration"], ["TH", "KH"], 2021, lantern, ["en", "th"]),
        ("C", guide, ["migration"], ["KH"], 2021, harbour, ["en", "km"]),
        ("D", guide, ["forced_labour"], ["TH"], 2022, None, ["en"]),
        ("E", toolkit, ["sexual"], ["VN"], 2022, harbour, ["en"]),
        ("F", report, ["forced_labour"], ["KH"], 2021, harbour, ["th"]),
    ]
    # fmt: on
    works = {}
    for title, type_, topics, countries, year, publisher, languages in rows:
        work = _work(
            title, type=type_, topics=topics, countries=countries, year=year, publisher=publisher
        )
        for language in languages:
            publish(
                work, language=language, title=f"{title} {language}", by=alice, moderator=moderator
            )
        works[title] = work
    return works


def test_it_counts_each_facet_with_the_other_facets_filters(catalogue):
    result = search.search(LibraryQuery(language="en", topics=["forced_labour"], countries=["TH"]))
    assert sorted(_titles(result)) == ["A en", "B en", "D en"]
    # topic: with the country filter only (TH): A, B, D in English.
    assert _counts(result, "topic") == {"forced_labour": 3, "migration": 1}
    # country: with the topic filter only: A, B, D (English versions; F is Thai only).
    assert _counts(result, "country") == {"TH": 3, "KH": 1}
    assert _counts(result, "type") == {"report": 2, "guide": 1}
    assert _counts(result, "year") == {"2020": 1, "2021": 1, "2022": 1}
    assert _counts(result, "publisher") == {"lantern": 2}
    assert [value.label for value in result.facets["publisher"]] == ["Lantern Outreach"]
    # language: every filter applied, in any language: A, B, D have English, B Thai.
    assert _counts(result, "language") == {"en": 3, "th": 1}
    assert list(result.facets) == list(FACETS)


def test_it_combines_facets_with_and_and_values_of_one_facet_with_or(catalogue, harbour):
    both = search.search(
        LibraryQuery(language="en", types=["guide", "toolkit"], publishers=["harbour"])
    )
    assert sorted(_titles(both)) == ["C en", "E en"]
    # Harbour's report F has no English version: no report to add.
    assert _counts(both, "type") == {"guide": 1, "toolkit": 1}
    assert _counts(both, "publisher") == {"harbour": 2}  # D has no publisher
    years = search.search(LibraryQuery(language="th", all_languages=False, years=[2021]))
    assert sorted(_titles(years)) == ["B th", "F th"]


def test_it_shows_a_ticked_value_that_nothing_has_with_a_count_of_zero(catalogue):
    result = search.search(LibraryQuery(language="en", countries=["NP"]))
    assert result.total == 0 and result.items == []
    first = result.facets["country"][0]
    assert (first.code, first.count, first.selected) == ("NP", 0, True)


# --- Moderation -------------------------------------------------------------------------------


def test_it_never_shows_or_counts_an_unapproved_version(pending, bob, lantern, toolkit):
    submit_resource(
        work=toolkit,
        fields={"language": "th", "title": "ชุดเครื่องมือ " + THAI_RUN},
        submitter=bob,
        organisation=lantern,
    )
    assert search.search(LibraryQuery(q="shelter", language="en")).total == 0
    assert search.search(LibraryQuery(q=THAI_WORD, language="th")).total == 0
    everything = search.search(LibraryQuery(language="en", all_languages=True))
    assert [item.work for item in everything.items] == [toolkit]
    assert _counts(everything, "language") == {"en": 1, "km": 1}
    assert _counts(everything, "type") == {"toolkit": 1}
    assert search.recent(language="th") == []


def test_it_follows_approvals_rejections_and_edits(pending, moderator, bob, lantern):
    assert search.search(LibraryQuery(q="standards", language="en")).total == 0
    approve_resource(resource=pending, moderator=moderator)
    assert _titles(search.search(LibraryQuery(q="standards", language="en"))) == [
        "Shelter standards report"
    ]
    update_resource(
        resource=pending,
        fields={"title": "Minimum standards for shelters"},
        work_fields={"topics": ["sexual"]},
        actor=moderator,
    )
    result = search.search(LibraryQuery(q="minimum", language="en"))
    assert _titles(result) == ["Minimum standards for shelters"]
    assert _counts(result, "topic") == {"sexual": 1}
    assert search.search(LibraryQuery(q="report", language="en")).total == 0

    second = submit_resource(
        work=pending.work,
        fields={"language": "km", "title": KHMER_RUN},
        submitter=bob,
        organisation=lantern,
    )
    reject_resource(resource=second, moderator=moderator, reason="Please add a summary.")
    assert search.search(LibraryQuery(q=KHMER_WORD, language="km")).total == 0
    pending.work.delete()
    assert search.search(LibraryQuery(language="en", all_languages=True)).total == 0


def test_it_learns_of_another_process_s_write_from_the_change_log(
    transactional_db, alice, moderator
):
    from django.core.cache import cache

    work = _work("Report")
    version = publish(work, language="en", title="Annual report", by=alice, moderator=moderator)
    built = search.current()
    logged = cache.get(search._live.sequence_key) or 0
    version.title = "Zebra crossings"
    version.save()  # commits: one entry in the log
    assert cache.get(search._live.sequence_key) == logged + 1
    search._live.pending.clear()  # as in a process that did not make the write

    assert _titles(search.search(LibraryQuery(q="zebra", language="en"))) == ["Zebra crossings"]
    assert search.current().built_at == built.built_at  # refreshed, not rebuilt


def test_it_follows_a_publisher_s_new_slug(catalogue, lantern):
    lantern.slug = "lantern-outreach"
    lantern.save()
    result = search.search(LibraryQuery(language="en", publishers=["lantern-outreach"]))
    assert sorted(_titles(result)) == ["A en", "B en"]


# --- Related ---------------------------------------------------------------------------------


def test_it_relates_works_by_shared_topics_countries_and_type(catalogue):
    related = search.related(catalogue["B"], language="en", limit=5)
    # B: report, forced_labour + migration, TH + KH. F shares a topic, KH and the type
    # (score 5) but only in Thai; A (a topic, TH, the type) also scores 5, in English.
    assert [item.work.slug for item in related][:2] == [
        catalogue["A"].slug,
        catalogue["F"].slug,
    ]
    assert catalogue["B"] not in [item.work for item in related]
    assert catalogue["E"] not in [item.work for item in related]  # nothing in common
    assert [item.language for item in related if item.work == catalogue["F"]] == ["th"]
    assert len(search.related(catalogue["B"], language="en", limit=2)) == 2


# --- The query's parameters ---------------------------------------------------------------------


def test_it_reads_a_query_from_request_parameters():
    params = QueryDict(
        "q=shelter&all=1&language=km&language=khm&language=xx&type=guide&type=nope"
        "&topic=migration&country=th&year=2021&year=abc&publisher=lantern&sort=title&page=2"
    )
    query = LibraryQuery.from_query(params, language="th-TH")
    assert query == LibraryQuery(
        q="shelter",
        language="th",
        all_languages=True,
        languages=["km"],
        types=["guide"],
        topics=["migration"],
        countries=["TH"],
        years=[2021],
        publishers=["lantern"],
        sort="title",
        page=2,
    )
    assert LibraryQuery.from_query({"page": "0", "sort": "x"}, language="en").page == 1


# --- The index answers as the database does ------------------------------------------------------

LANGUAGES = ["en", "km", "th", "vi"]
VOCABULARY = {
    "en": ["shelter", "migrant", "workers", "fishing", "labour", "children", "rescue"],
    "km": ["ពលករ", "ចំណាកស្រុក", "កុមារ", "ជម្រក", "ស្ត្រី"],
    "th": ["แรงงาน", "ข้ามชาติ", "เด็ก", "ประมง", "ที่พักพิง"],
    "vi": ["lao động", "di cư", "trẻ em", "nơi trú ẩn"],
}


def _reference(query: LibraryQuery) -> tuple[list[int], dict]:
    """The search, read from the database with Python: (resource pks of every page in
    order, facet counts)."""
    terms = query.terms
    searched = set(query.languages) or (set() if query.all_languages else {query.language})
    chosen = {name: {str(v) for v in values} for name, values in query.filters().items()}
    counts = {name: {} for name in FACETS}
    hits = []
    works = {}
    for version in Resource.objects.filter(status=Resource.Status.APPROVED).select_related(
        "work", "work__publisher"
    ):
        works.setdefault(version.work, []).append(version)

    def tier(version):
        title, summary, body = (
            " ".join(words(text))
            for text in (version.title, version.summary, version.extracted_text)
        )
        if all(term in title for term in terms):
            return 0
        if all(term in title or term in summary for term in terms):
            return 1
        return 2 if all(any(term in t for t in (title, summary, body)) for term in terms) else None

    for work, versions in works.items():
        matching = {v: tier(v) for v in versions}
        matching = {v: t for v, t in matching.items() if t is not None}
        values = {
            "type": {work.type},
            "topic": set(work.topics),
            "country": set(work.countries),
            "year": {str(work.published_on.year)} if work.published_on else set(),
            "publisher": {search.publisher_code(work)} - {""},
            "language": {v.language for v in matching},
        }
        shown_from = [v for v in matching if not searched or v.language in searched]
        passes = {name: not chosen[name] or bool(values[name] & chosen[name]) for name in FACETS}
        passes["language"] = bool(shown_from)
        for name in FACETS:
            if all(ok for other, ok in passes.items() if other != name):
                for code in values[name]:
                    counts[name][code] = counts[name].get(code, 0) + 1
        if all(passes.values()):
            best = min(matching[v] for v in shown_from) if terms and not query.sort else 0
            group = [v for v in shown_from if not terms or query.sort or matching[v] == best]
            shown = version_for(sorted(group, key=lambda v: v.pk), query.language)
            hits.append((best, shown))
    if query.sort == "title":
        hits.sort(key=lambda hit: (hit[1].title.casefold(), hit[1].pk))
    else:
        hits.sort(key=lambda hit: (hit[0], -hit[1].approved_at.timestamp(), -hit[1].pk))
    return [shown.pk for _tier, shown in hits], counts


@pytest.fixture
def random_library(alice, moderator, bob, lantern, harbour):
    rng = random.Random(11)
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for n in range(40):
        work = _work(
            f"Work {n}",
            type=rng.choice([Work.Type.REPORT, Work.Type.GUIDE, Work.Type.TOOLKIT]),
            topics=rng.sample(["forced_labour", "migration", "sexual", "child_labour"], 2),
            countries=rng.sample(["TH", "KH", "VN", "MM"], rng.randint(1, 2)),
            year=rng.choice([None, 2020, 2021, 2022]),
            publisher=rng.choice([None, lantern, harbour]),
        )
        if work.publisher is None and rng.random() < 0.5:
            work.publisher_name = rng.choice(["Mekong Press", "IOM"])
            work.save()
        for language in rng.sample(LANGUAGES, rng.randint(1, 3)):
            vocabulary = VOCABULARY[language] + VOCABULARY["en"][:2]

            joiner = "" if language in ("km", "th") else " "

            def text(k, vocabulary=vocabulary, joiner=joiner):
                return joiner.join(rng.choices(vocabulary, k=k))

            resource = submit_resource(
                work=work,
                fields={
                    "language": language,
                    "title": text(2),
                    "summary": text(3),
                    "extracted_text": text(8),
                },
                submitter=bob,
                organisation=lantern,
            )
            if rng.random() < 0.8:
                approve_resource(resource=resource, moderator=moderator)
                Resource.objects.filter(pk=resource.pk).update(
                    approved_at=base + datetime.timedelta(hours=rng.randint(0, 500))
                )
    search.library_changed()  # the approval times were changed without signals
    return rng


def _queries(rng):
    for _n in range(60):
        terms = []
        for _t in range(rng.choice([0, 0, 1, 1, 2])):
            word = rng.choice(VOCABULARY[rng.choice(LANGUAGES)])
            terms.append(word[: rng.randint(2, len(word))] if rng.random() < 0.3 else word)
        yield LibraryQuery(
            q=" ".join(terms),
            language=rng.choice(LANGUAGES),
            all_languages=rng.random() < 0.4,
            languages=rng.sample(LANGUAGES, rng.choice([0, 0, 1, 2])),
            types=rng.sample(["report", "guide", "toolkit"], rng.choice([0, 0, 1])),
            topics=rng.sample(["forced_labour", "migration", "sexual"], rng.choice([0, 1])),
            countries=rng.sample(["TH", "KH", "VN"], rng.choice([0, 0, 1, 2])),
            years=rng.sample([2020, 2021], rng.choice([0, 0, 1])),
            publishers=rng.sample(["lantern", "harbour", "IOM"], rng.choice([0, 0, 1])),
            sort=rng.choice(["", "", "recent", "title"]),
            page_size=7,
        )


def test_it_answers_every_query_as_the_database_does(random_library):
    for query in _queries(random_library):
        expected, counts = _reference(query)
        found = []
        result = search.search(query)
        for page in range(1, result.pages + 1):
            query.page = page
            result = search.search(query)
            assert len(result.items) <= 7
            found += [item.pk for item in result.items]
        assert found == expected, query
        assert result.total == len(expected)
        for name in FACETS:
            got = {value.code: value.count for value in result.facets[name] if value.count}
            assert got == counts[name], (query, name)


def test_it_answers_the_same_refreshed_as_rebuilt(random_library, moderator):
    rng = random_library
    search.search(LibraryQuery(language="en"))
    built = search.current()
    resources = list(Resource.objects.order_by("pk"))
    for resource in rng.sample(resources, 8):
        if resource.status == Resource.Status.APPROVED:
            update_resource(
                resource=resource,
                fields={"title": f"zebra {resource.title}"},
                work_fields={"countries": ["LA"]},
            )
        else:
            approve_resource(resource=resource, moderator=moderator)
    resources[0].work.delete()
    queries = list(_queries(random.Random(5)))[:20]
    refreshed = [_answer(query) for query in queries]
    assert search.current().built_at == built.built_at and search.current().retired > 0
    search.reset()
    assert [_answer(query) for query in queries] == refreshed
    assert search.current().built_at != built.built_at
    for query, answer in zip(queries, refreshed, strict=True):
        assert answer[0] == _reference(query)[0][: query.page_size]


def _answer(query):
    result = search.search(query)
    return [item.pk for item in result.items], {
        name: [(value.code, value.count) for value in values]
        for name, values in result.facets.items()
    }
