import random

import pytest

from commons.lib.wordindex import WordIndex, search_text, words


def _documents(mask: int) -> set[int]:
    return {where for where in range(mask.bit_length()) if mask >> where & 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Anti-Trafficking (Shelter), e.g. Mekong!",
            ["anti-trafficking", "shelter", "e", "g", "mekong"],
        ),
        ("มูลนิธิ ที่พักพิง", ["มูลนิธิ", "ที่พักพิง"]),  # vowel marks stay in their word
        ('"shelter" OR NEAR(x*) -- ; DROP', ["shelter", "or", "near", "x", "drop"]),
        ("children’s rights — 2024", ["children’s", "rights", "2024"]),
        ("' - ’", []),
        ("", []),
    ],
)
def test_words_split_at_spaces_punctuation_and_symbols_only(text, expected):
    assert words(text) == expected


def test_search_text_keeps_each_word_once_in_order():
    assert search_text("Hope Shelter", None, "", "The hope of a shelter.") == (
        "hope shelter the of a"
    )


def test_a_term_is_found_inside_words_in_any_script():
    index = WordIndex.build(
        [
            "Mekong Migrant Shelter",
            "มูลนิธิเพื่อการพัฒนาเด็ก",  # Thai, written without spaces
            "អង្គការការពារកុមារ",  # Khmer
            "Anti-trafficking network",
        ]
    )
    assert _documents(index.match("shel")) == {0}
    assert _documents(index.match("เด็ก")) == {1}
    assert _documents(index.match("កុមារ")) == {2}
    assert _documents(index.match("traffick")) == {3}
    assert _documents(index.match("zebra")) == set()
    assert _documents(index.match_all(["migrant", "mekong"], 0b1111)) == {0}
    assert _documents(index.match_all(["migrant", "network"], 0b1111)) == set()


def test_matches_equal_a_plain_substring_scan():
    rng = random.Random(3)
    vocabulary = ["shelter", "migrant", "hope", "ho", "เด็ก", "kid-safe", "aa", "a"]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    for n in range(0, 300, 60):
        texts[n] += " rare"
    index = WordIndex.build(texts[:200])
    assert any(isinstance(p, int) for p in index.postings.values())  # dense words
    assert any(not isinstance(p, int) for p in index.postings.values())  # sparse ones
    index = index.with_documents({200 + n: text for n, text in enumerate(texts[200:])})
    for term in ["shelter", "ho", "a", "kid", "-safe", "เด็ก", "elt", "rar", "zebra"]:
        expected = {n for n, text in enumerate(texts) if any(term in w for w in words(text))}
        assert _documents(index.match(term)) == expected, term


def test_adding_documents_leaves_the_old_index_unchanged():
    index = WordIndex.build(["hope"])
    added = index.with_documents({1: "hope shelter"})
    assert _documents(added.match("hope")) == {0, 1}
    assert _documents(index.match("hope")) == {0}
    assert index.match("shelter") == 0


def test_prepared_texts_index_as_raw_ones():
    raw = ["Hope: Shelter (Mekong)", "มูลนิธิเพื่อการพัฒนาเด็ก", ""]
    prepared = [search_text(text) for text in raw]
    index = WordIndex.build(raw[:1])
    ready = WordIndex.build(prepared[:1], prepared=True)
    for other in (index, ready):
        assert other.match("shel") == 1
    index = index.with_documents({1: raw[1], 2: raw[2]})
    ready = ready.with_documents({1: prepared[1], 2: prepared[2]}, prepared=True)
    for term in ["hope", "เด็ก", "mekong", "zebra"]:
        assert index.match(term) == ready.match(term), term
    assert WordIndex.build([]).with_documents({0: "hope"}).match("hop") == 1
