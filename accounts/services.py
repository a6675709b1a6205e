"""Writes for accounts: agencies, users and their group memberships.

Agency and role memberships are Django groups (see accounts.models); these
services are the only code that changes them, so a user is always in exactly
their own agency's group.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Agency, ApiToken, Role, User
from audit.models import AccessEvent
from audit.services import record_access

AGENCY_GROUP_PREFIX = "agency:"
ROLE_GROUP_PREFIX = "role:"


@transaction.atomic
def agency_create(
    *, code: str, name: str, kind: str, regime: str, joined_on: datetime.date, active: bool = True
) -> Agency:
    group, _ = Group.objects.get_or_create(name=f"{AGENCY_GROUP_PREFIX}{code}")
    return Agency.objects.create(
        code=code, name=name, kind=kind, regime=regime, joined_on=joined_on, active=active, group=group
    )


@transaction.atomic
def role_create(*, code: str, name: str, description: str = "") -> Role:
    group, _ = Group.objects.get_or_create(name=f"{ROLE_GROUP_PREFIX}{code}")
    return Role.objects.create(code=code, name=name, description=description, group=group)


def user_join_agency_group(*, user: User) -> None:
    """Make the user a member of their agency's group and of no other agency's."""
    other_agencies = user.groups.filter(agency__isnull=False).exclude(agency=user.agency_id)
    user.groups.remove(*other_agencies)
    user.groups.add(user.agency.group_id)


@transaction.atomic
def user_create(
    *,
    username: str,
    agency: Agency,
    roles: Iterable[Role] = (),
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    is_cse_team_member: bool = False,
) -> User:
    user = User(
        username=username,
        agency=agency,
        first_name=first_name,
        last_name=last_name,
        email=User.objects.normalize_email(email),
        job_title=job_title,
        is_staff=is_staff,
        is_superuser=is_superuser,
        is_cse_team_member=is_cse_team_member,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_join_agency_group(user=user)
    user_set_roles(user=user, roles=roles)
    return user


@transaction.atomic
def user_change_agency(*, user: User, agency: Agency) -> User:
    changed = user.agency_id != agency.pk
    user.agency = agency
    user.save(update_fields=["agency"])
    user_join_agency_group(user=user)
    if changed:
        # What a session may see was decided with the old agency.
        user_end_sessions(user=user)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[Role]) -> None:
    wanted = {role.group_id for role in roles}
    held = set(user.groups.filter(role__isnull=False).values_list("id", flat=True))
    user.groups.remove(*(held - wanted))
    user.groups.add(*(wanted - held))
    user.__dict__.pop("_held_roles", None)
    if held != wanted and held:
        # Signed-in sessions were granted with the old roles: they end. (A new
        # user, who had none, has no sessions yet.)
        user_end_sessions(user=user)


@transaction.atomic
def user_end_sessions(*, user: User, keep: str | None = None) -> int:
    """End every session of `user` but the one keyed `keep`: the listed ones
    are deleted, and the session generation is raised so that any other
    session (one made before sessions were listed, say) fails its check on its
    next request. Returns how many listed sessions ended."""
    from allauth.usersessions.models import UserSession

    User.objects.filter(pk=user.pk).update(session_generation=models.F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    ended = 0
    for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep or ""):
        session.end()
        ended += 1
    return ended


@transaction.atomic
def send_password_reset(*, user_id: int) -> bool:
    """Outbox handler (accounts.send_password_reset): e-mail the user a link
    to choose a new password. The key is made now, from the user's current
    password, so it is never stored and stops working once used. Idempotent
    enough: a second delivery sends a second working link to the same owner."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    context = {"user": user, "link": settings.SERVICE_URL.rstrip("/") + path, "service_name": settings.SERVICE_NAME}
    send_mail(
        subject=f"{settings.SERVICE_NAME}: reset your password",
        message=render_to_string("accounts/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def deactivate_dormant_accounts(*, dormant_days: int, now: datetime.datetime | None = None) -> list[str]:
    """Deactivate accounts not signed into for `dormant_days` days (never-used
    accounts count from when they were created). Superusers are left alone so
    the service cannot lock out its last administrator. Returns the usernames."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=dormant_days)
    dormant = (
        User.objects.filter(is_active=True, is_superuser=False, date_joined__lt=cutoff)
        .exclude(last_login__gte=cutoff)
        .select_for_update(skip_locked=True)
    )
    with transaction.atomic():
        usernames = list(dormant.values_list("username", flat=True))
        User.objects.filter(username__in=usernames).update(is_active=False)
    return usernames


# --- API tokens ---------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str, days: int | None, created_by: User, request=None
) -> tuple[ApiToken, str]:
    """Make a named token; returns it and its secret, which exists nowhere
    else (only a hash is stored): show it once."""
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is not active: an inactive user gets no token"})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token, such as what will use it"})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": "Choose whether the token may only read or may also write"})
    if days is not None and not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"Choose a lifetime from 1 to {settings.API_TOKEN_MAX_DAYS} days"})
    days = days or settings.API_TOKEN_MAX_DAYS
    token, secret = ApiToken.objects.create(
        user=user, expiry=datetime.timedelta(days=days), name=name[:100], scope=scope
    )
    record_access(
        user=created_by,
        action=AccessEvent.Action.PERMISSION_CHANGE,
        record_kind="accounts.apitoken",
        record_ids=[token.digest[:16]],  # a hash's start, never the token's
        request=request,
        details={"api_token": "created", "name": token.name, "scope": scope, "for": user.username, "days": days},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User, request=None) -> ApiToken:
    """End a token at once. Its owner or an administrator; anyone else is
    refused as if the token did not exist."""
    if token.user_id != revoked_by.pk and not revoked_by.is_superuser:
        raise ApiToken.DoesNotExist
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), revoked_by
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_access(
            user=revoked_by,
            action=AccessEvent.Action.PERMISSION_CHANGE,
            record_kind="accounts.apitoken",
            record_ids=[token.digest[:16]],  # a hash's start, never the token's
            request=request,
            details={"api_token": "revoked", "name": token.name, "for": token.user.username},
        )
    return token
