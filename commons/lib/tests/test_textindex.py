import random

from commons.lib.textindex import TextIndex, distinct_words, scripts
from commons.lib.wordindex import KEPT, words


def _documents(mask: int) -> set[int]:
    return {where for where in range(mask.bit_length()) if mask >> where & 1}


def test_it_files_a_word_under_the_scripts_of_its_characters():
    assert scripts("shelter") == ("latin",)
    assert scripts("người") == ("latin",)  # Vietnamese letters are Latin ones
    assert scripts("แรงงาน") == ("thai",)
    assert scripts("ពលករ") == ("khmer",)
    assert scripts("covid-19ระบาด") == ("latin", "thai")


def test_it_finds_a_term_inside_runs_of_scripts_without_spaces():
    index = TextIndex.build(
        [
            (0, words("คู่มือคุ้มครองแรงงานข้ามชาติ shelter")),
            (2, words("ការការពារពលករចំណាកស្រុក")),
            (5, words("แรงงาน covid-19ระบาด")),
        ]
    )
    assert _documents(index.match("แรงงาน")) == {0, 5}
    assert _documents(index.match("ពលករ")) == {2}
    assert _documents(index.match("ระบาด")) == {5}
    assert _documents(index.match("19ระ")) == {5}
    assert _documents(index.match("shel")) == {0}
    assert index.match("ស្ត្រី") == 0
    assert index.match("Ωmega") == 0  # no Greek at all: answered without reading
    assert TextIndex().match("x") == 0


def test_it_answers_as_like_on_the_words_also_after_new_documents():
    rng = random.Random(3)
    pieces = ["แรงงาน", "เด็ก", "ពលករ", "កុមារ", "labour", "children", "lao", "động", "-19"]
    # Documents in one script with or without ASCII, and in several.
    pools = [pieces, pieces[:2], pieces[:2] + pieces[-1:], pieces[2:4], pieces[4:], pieces[6:8]]

    def text():
        parts = []
        pool = rng.choice(pools)
        for _n in range(rng.randint(1, 6)):
            run = "".join(rng.choices(pool, k=rng.randint(1, 3)))
            parts.append(run)
        return " ".join(parts)

    texts = {where: text() for where in range(0, 120, 2)}
    first = {where: t for where, t in texts.items() if where < 80}
    later = {where: t for where, t in texts.items() if where >= 80}
    built = TextIndex.build((where, set(words(t))) for where, t in first.items())
    extended = built.with_documents({where: set(words(t)) for where, t in later.items()})
    terms = {*pieces, "แรง", "งานเด็ก", "ពល", "ករក", "bour", "renlab", "o", "zz", "-1"}
    for term in terms:
        expected = {where for where, t in first.items() if term in " ".join(words(t))}
        assert _documents(built.match(term)) == expected, term
        expected |= {where for where, t in later.items() if term in " ".join(words(t))}
        assert _documents(extended.match(term)) == expected, term


def test_it_cuts_words_as_words_does():
    rng = random.Random(5)
    every = "".join(chr(code) for code in range(0x30000) if not 0xD800 <= code < 0xE000)
    samples = [every, every[:0x10000], "Hello, world — ที่พักพิง🙂x’s -- a-b ", ""]
    samples += ["".join(chr(rng.randrange(0x3000)) for _n in range(30)) for _s in range(3000)]
    samples += ["".join(chr(rng.randrange(0x20000)) for _n in range(30)) for _s in range(300)]
    for text in samples:
        found = [word for word in distinct_words(text) if word.strip(KEPT)]
        assert found == list(dict.fromkeys(words(text))), text
    assert distinct_words("a b a c", limit=2) == ["a", "b"]
