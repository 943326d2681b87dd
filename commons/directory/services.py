"""Writes for organisation profiles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from commons.accounts.models import Organisation
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.directory import vocabularies as v
from commons.directory.models import Hotline, NetworkLink, PersonProfile, Presence, Profile, Term
from commons.lib.text import render_markdown
from commons.lib.wordindex import search_text

PROFILE_FIELDS = ("description", "founded", "size", "logo")


def ensure_profile(organisation: Organisation) -> Profile:
    profile, _created = Profile.objects.get_or_create(organisation=organisation)
    return profile


def refresh_derived(profile: Profile, *, services: Iterable[str] | None = None) -> None:
    """Recompute what is derived from the profile (no save): the rendered description,
    the search text and whether the organisation is a frontline service provider."""
    organisation = profile.organisation
    if services is None:
        services = Term.objects.filter(
            organisation=organisation, vocabulary=Term.Vocabulary.SERVICES
        ).values_list("code", flat=True)
    profile.is_frontline = bool(set(services) & v.FRONTLINE_SERVICES)
    profile.description_html = render_markdown(profile.description)
    profile.search_text = search_text(
        organisation.name, organisation.acronym, organisation.summary, profile.description
    )


def _replace_terms(organisation: Organisation, terms: Mapping[str, Iterable[str]]) -> None:
    for vocabulary, codes in terms.items():
        Term.objects.filter(organisation=organisation, vocabulary=vocabulary).delete()
        Term.objects.bulk_create(
            [
                Term(organisation=organisation, vocabulary=vocabulary, code=code)
                for code in dict.fromkeys(codes)
            ]
        )


@transaction.atomic
def save_profile(
    *,
    organisation: Organisation,
    by=None,
    organisation_fields: Mapping[str, Any] | None = None,
    profile_fields: Mapping[str, Any] | None = None,
    terms: Mapping[str, Iterable[str]] | None = None,
    presences: Iterable[Mapping[str, Any]] | None = None,
    hotlines: Iterable[Mapping[str, Any]] | None = None,
    networks: Iterable[Organisation] | None = None,
    request=None,
) -> Profile:
    """Update an organisation's directory entry; ``None`` leaves a part unchanged.

    Side effects: updates the organisation and its profile, replaces the given terms,
    places, hotlines and network links, recomputes derived fields (search index via
    database triggers or indexes), and writes one audit line listing what changed.
    """
    changed: list[str] = []
    for name, value in (organisation_fields or {}).items():
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if changed:
        organisation.full_clean()
        organisation.save()
    profile = ensure_profile(organisation)
    for name, value in (profile_fields or {}).items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a profile field")
        if getattr(profile, name) != value:
            setattr(profile, name, value)
            changed.append(name)
    if terms is not None:
        before = {
            vocab: sorted(
                Term.objects.filter(organisation=organisation, vocabulary=vocab).values_list(
                    "code", flat=True
                )
            )
            for vocab in terms
        }
        terms = {vocab: list(codes) for vocab, codes in terms.items()}
        _replace_terms(organisation, terms)
        changed += [vocab for vocab, codes in terms.items() if sorted(set(codes)) != before[vocab]]
    if presences is not None:
        Presence.objects.filter(organisation=organisation).delete()
        Presence.objects.bulk_create([Presence(organisation=organisation, **p) for p in presences])
        changed.append("presences")
    if hotlines is not None:
        Hotline.objects.filter(organisation=organisation).delete()
        Hotline.objects.bulk_create([Hotline(organisation=organisation, **h) for h in hotlines])
        changed.append("hotlines")
    if networks is not None:
        NetworkLink.objects.filter(member=organisation).delete()
        NetworkLink.objects.bulk_create(
            [
                NetworkLink(network=n, member=organisation)
                for n in networks
                if n.pk != organisation.pk
            ]
        )
        changed.append("networks")
    refresh_derived(profile)
    profile.save()
    if changed:
        record_audit(
            action=AuditEvent.Action.ORGANISATION_UPDATED,
            actor=by,
            target=organisation,
            request=request,
            data={"changed": changed},
        )
    return profile


# --- People ---------------------------------------------------------------------------


def _person_values(profile: PersonProfile) -> dict[str, Any]:
    user = profile.user
    return {
        "name": user.name,
        "title": profile.title,
        "expertise": profile.expertise,
        "languages": profile.languages,
        "countries": profile.countries,
        "bio": profile.bio,
        "email": user.email,
        "phone": profile.phone,
    }


def _searchable(profile: PersonProfile, levels: set[str]) -> str:
    """The words of every field shown at ``levels``, plus filter tokens for places and
    languages; contact details are never searchable."""
    values = _person_values(profile)
    words = []
    for name in ("name", "title", "bio", "expertise"):
        if profile.level(name) in levels and values[name]:
            words.append(" ".join(values[name]) if isinstance(values[name], list) else values[name])
    if profile.level("countries") in levels:
        words += [f"country:{c}" for c in values["countries"]]
    if profile.level("languages") in levels:
        words += [f"language:{c}" for c in values["languages"]]
    return " ".join(words).lower()


@transaction.atomic
def save_person_profile(
    *, user, fields: Mapping[str, Any], visibility: Mapping[str, str]
) -> PersonProfile:
    """Save what a person shares and with whom.

    Side effects: updates the person's name and profile, and recomputes what each tier
    may search (``public_text``, ``members_text``) and whether they are listed at all.
    """
    profile, _created = PersonProfile.objects.get_or_create(user=user)
    if "name" in fields and fields["name"] != user.name:
        user.name = fields["name"]
        user.save(update_fields=["name"])
    for name in ("title", "bio", "expertise", "languages", "countries", "phone"):
        if name in fields:
            setattr(profile, name, fields[name])
    levels = {choice.value for choice in PersonProfile.Level}
    profile.visibility = {
        name: level
        for name, level in visibility.items()
        if name in PersonProfile.SHARED_FIELDS and level in levels
    }
    public, members = (
        {PersonProfile.Level.PUBLIC},
        {PersonProfile.Level.PUBLIC, PersonProfile.Level.MEMBERS},
    )
    profile.public_text = _searchable(profile, public)
    profile.members_text = _searchable(profile, members)
    profile.listed_publicly = profile.level("name") == PersonProfile.Level.PUBLIC
    profile.listed_to_members = profile.level("name") in members
    profile.save()
    return profile


# --- Merging duplicates ---------------------------------------------------------------


@transaction.atomic
def merge_organisations(
    *, keep: Organisation, duplicate: Organisation, by, request=None
) -> Organisation:
    """Fold ``duplicate`` into ``keep`` and delete it.

    1. Memberships move over; a person in both keeps the stronger role and an active
       status if either was active.
    2. Terms, places and network links are united; hotlines and open invitations move.
    3. Empty facts of ``keep`` (acronym, website, summary, description, founding year,
       size, logo) are filled from the duplicate; ``keep`` stays verified if either was.
    4. One audit line records what was merged; then the duplicate is deleted.
    """
    from commons.accounts.models import Invitation, Membership

    if keep.pk == duplicate.pk:
        raise ValueError("An organisation cannot be merged into itself.")
    for membership in Membership.objects.filter(organisation=duplicate).select_related("user"):
        existing = Membership.objects.filter(organisation=keep, user=membership.user).first()
        if existing is None:
            membership.organisation = keep
            membership.save(update_fields=["organisation", "updated_at"])
            continue
        if membership.role == Membership.Role.ADMIN:
            existing.role = Membership.Role.ADMIN
        if membership.status == Membership.Status.ACTIVE:
            existing.status = Membership.Status.ACTIVE
        existing.save(update_fields=["role", "status", "updated_at"])
    for term in Term.objects.filter(organisation=duplicate):
        Term.objects.get_or_create(organisation=keep, vocabulary=term.vocabulary, code=term.code)
    for place in Presence.objects.filter(organisation=duplicate):
        Presence.objects.get_or_create(
            organisation=keep,
            country=place.country,
            subdivision=place.subdivision,
            locality=place.locality,
            defaults={"latitude": place.latitude, "longitude": place.longitude},
        )
    Hotline.objects.filter(organisation=duplicate).update(organisation=keep)
    Invitation.objects.filter(organisation=duplicate, accepted_at__isnull=True).update(
        organisation=keep
    )
    for link in NetworkLink.objects.filter(member=duplicate).exclude(network=keep):
        NetworkLink.objects.get_or_create(network=link.network, member=keep)
    for link in NetworkLink.objects.filter(network=duplicate).exclude(member=keep):
        NetworkLink.objects.get_or_create(network=keep, member=link.member)

    filled = []
    for name in ("acronym", "website", "summary"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            filled.append(name)
    if keep.verified_at is None and duplicate.verified_at is not None:
        keep.verified_at, keep.verified_by = duplicate.verified_at, duplicate.verified_by
        filled.append("verified")
    keep.save()
    profile, other = ensure_profile(keep), Profile.objects.filter(organisation=duplicate).first()
    if other is not None:
        for name in PROFILE_FIELDS:
            if not getattr(profile, name) and getattr(other, name):
                setattr(profile, name, getattr(other, name))
                filled.append(name)
    record_audit(
        action=AuditEvent.Action.ORGANISATIONS_MERGED,
        actor=by,
        target=keep,
        request=request,
        data={"merged": duplicate.slug, "merged_name": duplicate.name, "filled": filled},
    )
    duplicate.delete()
    refresh_derived(profile)
    profile.save()
    return keep
