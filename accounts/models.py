"""Agencies, districts, roles and users.

Every user belongs to exactly one agency and holds one or more roles. Both are
Django groups underneath: an agency's group is what object permissions are
granted to when a record is shared with the agency, and a role's group carries
the model permissions of that role. `accounts.services` keeps the memberships
in step; nothing else writes them.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from knox.models import AbstractAuthToken, AuthTokenManager


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Agency(models.Model):
    """A partner organisation under the Information Sharing Protocol."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        CHILDRENS_SERVICES = "childrens_services", "Children's services"
        HEALTH = "health", "Health"
        EARLY_HELP = "early_help", "Early Help"
        EDUCATION = "education", "Education"
        DISTRICT_COUNCIL = "district_council", "District council"
        VOLUNTARY = "voluntary", "Voluntary sector"

    class Regime(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "DPA 2018 Part 3 (law enforcement processing)"
        UK_GDPR = "uk_gdpr", "UK GDPR and DPA 2018 Part 2"

    code = models.SlugField(max_length=40, unique=True, help_text="Short name used in usernames, e.g. kent-police.")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    regime = models.CharField(
        "data protection regime",
        max_length=30,
        choices=Regime.choices,
        help_text="Decides which lawful bases this agency may rely on when it shares.",
    )
    active = models.BooleanField(default=True)
    joined_on = models.DateField(help_text="When the agency joined the Information Sharing Protocol.")
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class DistrictQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Districts in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class District(models.Model):
    """A local-authority district; effective-dated reference data, never an enum."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    former_names = ArrayField(models.CharField(max_length=100), blank=True, default=list)
    childrens_services = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="districts",
        help_text="The children's services authority for children living in this district.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="district_valid_to_after_valid_from",
            )
        ]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A role in the team's establishment; its group carries the role's model permissions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role", editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(DjangoUserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        # createsuperuser and create_user pass agency as an id or an instance.
        agency = extra_fields.get("agency")
        if agency is not None and not isinstance(agency, Agency):
            extra_fields["agency"] = Agency.objects.get(pk=agency)
        return super()._create_user_object(username, email, password, **extra_fields)

    def _create_user(self, username, email, password, **extra_fields):
        from accounts.services import user_join_agency_group

        user = super()._create_user(username, email, password, **extra_fields)
        user_join_agency_group(user=user)
        return user


class User(AbstractUser):
    """A member of staff of one agency. Roles are held through role groups."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    job_title = models.CharField(max_length=200, blank=True)
    is_cse_team_member = models.BooleanField(
        "member of the co-located CSE team",
        default=False,
        help_text="Scope rules may give the co-located CSE team (police and children's services) wider access.",
    )

    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of the user (a role or agency change, sign out everywhere).",
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "agency"]

    def get_session_auth_hash(self) -> str:
        # Django checks this against the value stored at sign-in on every
        # request: a new generation ends every session made before it.
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self):
        return Role.objects.filter(group__user=self)

    @property
    def held_roles(self) -> list[Role]:
        # Cached on the instance: the identity bar, navigation and permission
        # checks all ask within one request; one query answers them.
        if not hasattr(self, "_held_roles"):
            self._held_roles = list(self.roles.order_by("name"))
        return self._held_roles

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.held_roles)

    def has_role(self, code: str) -> bool:
        return code in self.role_codes


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expiry__isnull=True) | Q(expiry__gt=now))


class ApiToken(AbstractAuthToken):
    """A named API token (django-rest-knox): only a hash of it is stored, so
    it is shown once, when made, and never again; it ends at its expiry or
    when its owner or an administrator revokes it; a read-only token may not
    write. The row stays after revocation, with who revoked it, for the record."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    name = models.CharField(max_length=100, help_text="What the token is for, so you know which to revoke.")
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.READ)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AuthTokenManager.from_queryset(ApiTokenQuerySet)()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
