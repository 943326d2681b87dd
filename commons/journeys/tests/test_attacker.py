"""A scripted attacker against the public release.

It knows every record but one (the strongest adversary differential privacy allows for),
knows everything about that one person but their sex, and asks the published tables
overlapping questions, the same questions again and again, and complements (a total
minus its other parts). Against exact counts with plain small-cell suppression it learns
the person's sex every time; against a release it does no better than the release's ε
allows for a yes/no guess: e^ε / (1 + e^ε), plus δ.
"""

import math
import random

from commons.journeys.releases import noisy_tables, plan_release
from commons.journeys.tables import TABLES, Row, exact_tables

TRIALS = 400
K = 11


def _population() -> list[Row]:
    """Everyone but the target: a large route from Laos to Malaysia where only five
    women travelled (a cell below k, so suppressed), and another route beside it."""
    men = Row(2023, "male", "adult", "LA", "LA", "MY", "fishing", (), ("forced_labour",))
    return [
        men._replace(people=3_000),
        men._replace(sex="female", people=5),
        Row(2022, "female", "adult", "MM", "MM", "TH", "garments", ("LA",), ("sexual",), 2_000),
    ]


def _target(sex: str) -> Row:
    return Row(2023, sex, "adult", "LA", "LA", "MY", "fishing", (), ("forced_labour",))


def ask(published: dict, table: str, **filters) -> int:
    """What a visitor reads: the sum of the published cells that match the filters
    (a suppressed cell counts as nothing)."""
    dimensions = TABLES[table].dimensions
    return sum(
        count
        for key, count in published[table].items()
        if all(key[dimensions.index(name)] == value for name, value in filters.items())
    )


def guess_is_female(published: dict, background: dict) -> bool:
    """The attack: several estimates of "the target is a woman" (1) or not (0), each
    the difference between what is published and what the attacker knows of everyone
    else, averaged."""
    route = {"recruitment": "LA", "exploitation": "MY"}

    def repeated(table: str, **filters) -> float:
        # Ask five times and average, in case the answers are noisy each time.
        answers = [ask(published, table, **route, **filters) for _ in range(5)]
        assert len(set(answers)) == 1, "a release answers the same question the same way"
        return sum(answers) / len(answers)

    known_women = background["route_sex"][("LA", "MY", "female")]
    known_men = background["route_sex"][("LA", "MY", "male")]
    others = sum(repeated("route_sex", sex=sex) for sex in ("other", "unknown"))
    estimates = [
        # A complement: everyone on the route minus the men and the rest.
        repeated("route") - repeated("route_sex", sex="male") - others - known_women,
        # The men's cell alone: one more man than the attacker knows of, or not.
        known_men + 1 - repeated("route_sex", sex="male"),
        # Two overlapping questions: the route in 2023, and its men in 2023.
        repeated("route_year", year=2023) - repeated("flow", year=2023, sex="male") - known_women,
    ]
    women = repeated("route_sex", sex="female")
    if women:  # the women's cell, when it is published at all
        estimates.append(women - known_women)
    return sum(estimates) / len(estimates) > 0.5


def _attack(release) -> float:
    """The share of trials in which the attacker guesses the target's sex right."""
    background = exact_tables(_population())
    worlds = {sex: exact_tables([*_population(), _target(sex)]) for sex in ("female", "male")}
    rng = random.Random(2024)
    right = 0
    for _ in range(TRIALS):
        sex = rng.choice(["female", "male"])
        right += guess_is_female(release(worlds[sex]), background) == (sex == "female")
    return right / TRIALS


def _suppressed(exact: dict) -> dict:
    """Exact counts, the cells below k left out: small-cell suppression alone."""
    return {code: {key: n for key, n in cells.items() if n >= K} for code, cells in exact.items()}


def test_exact_counts_with_small_cell_suppression_give_the_target_away():
    # The women's cell (5 or 6) is suppressed either way, yet the complements tell.
    assert _attack(_suppressed) == 1.0


def test_a_release_lets_the_attacker_do_no_better_than_epsilon_allows():
    plan = plan_release(epsilon=1.0, k=K)
    success = _attack(lambda exact: noisy_tables(exact, plan))
    bound = math.exp(plan.epsilon) / (1 + math.exp(plan.epsilon)) + plan.delta
    # Three standard errors of a proportion measured over TRIALS guesses at the bound.
    margin = 3 * math.sqrt(bound * (1 - bound) / TRIALS)
    assert success <= bound + margin, (success, bound)
    assert success < 0.6  # and in fact hardly better than tossing a coin


def test_the_attacker_is_real_it_is_the_noise_that_stops_it():
    # With a budget no steward should choose, the noise is too small to hide one person.
    plan = plan_release(epsilon=100.0, k=K)
    assert _attack(lambda exact: noisy_tables(exact, plan)) > 0.9
