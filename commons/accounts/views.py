from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.accounts import queries, rules, services
from commons.accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    JoinRequestForm,
    LanguageForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
)
from commons.accounts.models import Invitation, Membership
from commons.core.errors import deny
from commons.directory.queries import likely_duplicates, organisation_profile


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Personal pages -------------------------------------------------------------------


@require_GET
@login_required
def dashboard(request):
    from allauth.mfa.models import Authenticator

    from commons.events.queries import registrations_of

    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": queries.memberships_of_user(request.user),
            "registrations": registrations_of(request.user)[:20],
            "has_totp": Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        if request.user.language:
            response.set_cookie("django_language", request.user.language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def switch_language(request):
    """Switch the interface language; remembered on the account when signed in."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_language(user=request.user, language=language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.create_api_token(
            user=request.user, name=form.cleaned_data["name"], request=request
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": queries.api_tokens_for_user(request.user), "new_key": new_key},
    )


@require_POST
@login_required
def revoke_api_token(request, token_id: int):
    token = queries.api_tokens_for_user(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    services.revoke_api_token(token=token, by=request.user, request=request)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


# --- Organisations --------------------------------------------------------------------


@require_GET
def organisation_list(request):
    """The directory replaced the plain list; old links keep working."""
    query = request.GET.urlencode()
    return redirect(reverse("directory:search") + (f"?{query}" if query else ""))


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request):
    if not rules.can_create_organisation(request.user):
        deny(request, reason="may not create organisations")
    form = OrganisationForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = likely_duplicates(
            name=form.cleaned_data["name"],
            country=form.cleaned_data["country"],
            acronym=form.cleaned_data["acronym"],
        )
        visible = set(
            queries.visible_organisations(request.user)
            .filter(pk__in=[d.pk for d in duplicates])
            .values_list("pk", flat=True)
        )
        duplicates = [d for d in duplicates if d.pk in visible]
    if (
        request.method == "POST"
        and form.is_valid()
        and (not duplicates or request.POST.get("not_duplicate"))
    ):
        organisation = services.create_organisation(
            creator=request.user, request=request, **form.cleaned_data
        )
        messages.success(
            request,
            _("%(name)s has been created and you are its admin. Platform staff will verify it.")
            % {"name": organisation.name},
        )
        return redirect(organisation)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "duplicates": duplicates}
    )


@require_GET
def organisation_detail(request, slug: str):
    organisation = queries.get_organisation_for_user(request, slug)
    user = request.user
    membership = (
        user.memberships.filter(organisation=organisation).first()
        if user.is_authenticated
        else None
    )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": queries.members_of(user, organisation),
            "can_manage": rules.can_manage_members(user, organisation),
            "can_request": rules.can_request_membership(user, organisation),
            "can_verify": rules.can_verify_organisation(user),
            "join_form": JoinRequestForm(),
            "directory": organisation_profile(user, organisation),
        },
    )


@require_POST
@login_required
def organisation_join(request, slug: str):
    organisation = queries.get_organisation_for_user(request, slug)
    form = JoinRequestForm(request.POST)
    if not rules.can_request_membership(request.user, organisation):
        messages.info(request, _("You have already asked to join or are a member."))
    elif form.is_valid():
        services.request_membership(
            user=request.user,
            organisation=organisation,
            message=form.cleaned_data["message"],
            request=request,
        )
        messages.success(
            request,
            _("Your request has been sent to the admins of %(name)s.")
            % {"name": organisation.name},
        )
    return redirect(organisation)


@require_POST
@login_required
def organisation_leave(request, slug: str):
    organisation = queries.get_organisation_for_user(request, slug)
    membership = get_object_or_404(Membership, organisation=organisation, user=request.user)
    try:
        services.remove_member(membership=membership, by=request.user, request=request)
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(organisation)


@require_POST
@login_required
def organisation_verify(request, slug: str):
    organisation = queries.get_organisation_for_user(request, slug)
    if not rules.can_verify_organisation(request.user):
        deny(request, target=organisation, reason="only staff verify organisations")
    verified = request.POST.get("verified", "1") == "1"
    services.verify_organisation(
        organisation=organisation, by=request.user, verified=verified, request=request
    )
    messages.success(request, _("Verification updated."))
    return redirect(organisation)


@require_http_methods(["GET", "POST"])
@login_required
def members(request, slug: str):
    organisation = queries.organisation_for_admin(request, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                organisation=organisation, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("accounts:members", slug=slug)
        except ValidationError as error:
            form.add_error("email", error)
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "members": queries.members_of(request.user, organisation),
            "pending": queries.pending_requests_for(request.user, organisation),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True).order_by(
                "-created_at"
            ),
            "form": form,
            "role_choices": Membership.Role.choices,
        },
    )


def _membership_for_admin(request, slug: str, membership_id: int) -> Membership:
    organisation = queries.organisation_for_admin(request, slug)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_id,
        organisation=organisation,
    )


@require_POST
@login_required
def member_decide(request, slug: str, membership_id: int):
    membership = _membership_for_admin(request, slug, membership_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_membership(
            membership=membership, by=request.user, approve=approve, request=request
        )
        if approve:
            messages.success(
                request, _("%(person)s is now a member.") % {"person": membership.user}
            )
        else:
            messages.success(
                request,
                _("The request from %(person)s was turned down.") % {"person": membership.user},
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("accounts:members", slug=slug)


@require_POST
@login_required
def member_role(request, slug: str, membership_id: int):
    membership = _membership_for_admin(request, slug, membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_member_role(
                membership=membership,
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
            messages.success(request, _("Role updated."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return redirect("accounts:members", slug=slug)


@require_POST
@login_required
def member_remove(request, slug: str, membership_id: int):
    membership = _membership_for_admin(request, slug, membership_id)
    try:
        services.remove_member(membership=membership, by=request.user, request=request)
        messages.success(request, _("%(person)s has been removed.") % {"person": membership.user})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("accounts:members", slug=slug)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    invitation = (
        Invitation.objects.filter(token_hash=Invitation.hash_token(token))
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.accept_invitation(invitation=invitation, user=request.user, request=request)
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name}
            )
            return redirect(invitation.organisation)
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return render(request, "accounts/invitation.html", {"invitation": invitation})
