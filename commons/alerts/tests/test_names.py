"""Finding an actor however its name is written."""

import pytest

from commons.alerts.names import MINIMUM_SCORE, licence_key, normalise, score


def matches(query: str, *names: str) -> bool:
    return score(normalise(query), [normalise(n) for n in names]) >= MINIMUM_SCORE


def test_it_drops_company_forms_and_punctuation():
    assert normalise("PT. Sinar-Jaya Abadi Sdn. Bhd.") == "sinar jaya abadi"
    assert normalise("Golden Bridge Placement Co., Ltd.") == "golden bridge placement"
    # a name made only of a company form keeps it rather than vanish
    assert normalise("Co. Ltd.") == "co ltd"


def test_it_finds_a_malaysian_company_without_its_suffix():
    assert matches("Sinar Jaya", "Sinar Jaya Manpower Sdn Bhd")


def test_it_finds_an_accented_name_typed_without_accents_and_the_reverse():
    assert normalise("Nguyễn Văn Ân") == "nguyen van an"
    assert matches("Nguyen Van An", "Nguyễn Văn Ân")
    assert matches("Agência São José", "Agencia Sao Jose")


def test_it_finds_a_thai_name_by_its_latin_spelling():
    # anyascii spells สมชาย "smchay": the consonant skeleton meets "Somchai"
    assert normalise("สมชาย จัดหางาน") == "smchay chadhangan"
    assert matches("Somchai", "สมชาย จัดหางาน")


def test_it_finds_a_cyrillic_name_by_its_latin_spelling():
    assert matches("Agentstvo Trud", "Агентство Труд")


def test_it_forgives_a_typo():
    assert matches("Golden Bridg Placment", "Golden Bridge Placement Co., Ltd.")


@pytest.mark.parametrize("query", ["Silver Star", "Harbour", "Bright Future"])
def test_it_does_not_match_other_names(query):
    assert not matches(query, "Golden Bridge Placement Co., Ltd.")


def test_it_reads_licence_numbers_without_spaces_dashes_or_case():
    assert licence_key(" th-1234 / 2566 ") == licence_key("TH12342566") == "th12342566"
