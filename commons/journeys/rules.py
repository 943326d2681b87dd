"""Who may do what with journey records. Plain predicates, no side effects.

Records are read and managed only by members of the contributing organisation, which
must be verified (so that nobody can poison the data with an organisation of their own
making), and by data stewards (docs/privacy.md).
"""

from commons.accounts.rules import is_active_member


def can_contribute_journeys(user, organisation) -> bool:
    """Members of a verified organisation contribute for it; a data steward may too
    (importing a partner's file on its behalf)."""
    return (
        user.is_authenticated
        and organisation.is_verified
        and (is_active_member(user, organisation) or user.is_data_steward)
    )


def can_manage_batch(user, batch) -> bool:
    """See, correct and withdraw a batch: its own organisation's members only."""
    return can_contribute_journeys(user, batch.organisation)


def can_build_releases(user) -> bool:
    """Build, preview and publish public releases: data stewards and staff, who may read
    every record (docs/privacy.md, "Releases")."""
    return user.is_authenticated and (user.is_data_steward or user.is_staff)
