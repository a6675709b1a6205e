"""Which models are sharable, declared by each feature app in one place.

    @sharable(owning_agency_field="owning_agency", summary_fields=[...],
              conditions={"child_in_recipient_authority": lambda user, recipient: Q(...)})
    class Referral(models.Model): ...

A condition is a named function (user, recipient agency) -> Q over the model;
protocol scope rules name them, so the admin chooses conditions by name and
code decides what they mean. Every sharable model offers the built-in ones.
Dependent models (chronology entries, actions) register their parent instead
and are visible through it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pghistory
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from sharing.levels import ORDER, permission_codename

Condition = Callable[..., Q]

# Q that matches nothing; Django short-circuits it to an empty result.
NOTHING = Q(pk__in=[])


def _all_records(user, recipient) -> Q:
    return Q()


def _cse_team_member(user, recipient) -> Q:
    """Members of the co-located CSE team see every record of the kind."""
    return Q() if user.is_cse_team_member else NOTHING


@dataclass(frozen=True)
class DefaultScopeRule:
    """A scope rule of the default protocol: recipient agency code (None: the
    owning agency), condition name and level."""

    recipient: str | None
    condition: str
    level: str


@dataclass
class SharableKind:
    model: type[models.Model]
    owning_agency_field: str
    summary_fields: tuple[str, ...]
    conditions: dict[str, Condition] = field(default_factory=dict)
    default_scope_rules: tuple[DefaultScopeRule, ...] = ()
    default_share_level: str | None = None
    # None: in the founding protocol (version 1). Otherwise the title of the
    # protocol change that brings this kind in (docs/isp.md, "Record kinds added later").
    joins_protocol: str | None = None
    # A restriction no protocol can lift: records outside it are seen by no one
    # outside the owning agency, whatever the scope rules and shares say, and
    # cannot be shared outside it (legacy handling codes 4 and 5 on
    # intelligence). A function () -> Q over the model; None: no restriction.
    partners_only_if: Callable[[], Q] | None = None
    partners_only_if_reason: str = ""
    # Further checks on a share of one record: (record=, level=, recipient=,
    # conditions=) -> {field: message}; an empty dict allows it.
    check_share: Callable[..., dict] | None = None
    _permission_ids: dict[str, int] | None = None

    @property
    def kind(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @cached_property
    def user_permission_model(self):
        return self._permission_model("UserShareGrant")

    @cached_property
    def group_permission_model(self):
        return self._permission_model("GroupShareGrant")

    def _permission_model(self, base_name):
        # sharing.models' bases (guardian's, plus the grant's end, which the
        # visibility query reads): a model on guardian's bases alone would let
        # an expired share keep granting until beat runs.
        from sharing import models as sharing_models

        base = getattr(sharing_models, base_name)
        for relation in self.model._meta.related_objects:
            if issubclass(relation.related_model, base):
                return relation.related_model
        raise ImproperlyConfigured(
            f"{self.kind} is sharable but has no direct sharing.models.{base_name} model "
            "(one with content_object = FK to it)"
        )

    def permission_ids(self, levels) -> list[int]:
        """Permission ids for levels, looked up once per process: the visibility
        query uses them as constants, which is what keeps it fast."""
        if self._permission_ids is None:
            content_type = ContentType.objects.get_for_model(self.model)
            codenames = {permission_codename(level, self.model._meta.model_name): level for level in ORDER}
            found = Permission.objects.filter(content_type=content_type, codename__in=codenames)
            self._permission_ids = {codenames[p.codename]: p.pk for p in found}
            missing = set(ORDER) - set(self._permission_ids)
            if missing:
                self._permission_ids = None
                raise ImproperlyConfigured(f"{self.kind} lacks object permissions for levels {sorted(missing)}")
        return [self._permission_ids[level] for level in levels]

    def condition(self, name: str) -> Condition:
        try:
            return self.conditions[name]
        except KeyError:
            raise ImproperlyConfigured(f"{self.kind} offers no condition {name!r}") from None

    def owner_q(self, agency_id) -> Q:
        return Q(**{f"{self.owning_agency_field}_id": agency_id})

    def restriction_for(self, agency_id) -> Q | None:
        """What a user of `agency_id` may see of the kind at most, whatever
        the rules and shares: their own agency's records, and others' only when
        `partners_only_if` holds. None when the kind declares no restriction."""
        if self.partners_only_if is None:
            return None
        return self.owner_q(agency_id) | self.partners_only_if()


@dataclass(frozen=True)
class DependentKind:
    model: type[models.Model]
    parent_field: str

    @property
    def parent(self) -> SharableKind:
        return for_model(self.model._meta.get_field(self.parent_field).related_model)


@dataclass(frozen=True)
class DerivedKind:
    """A record with no visibility of its own: seen at the highest level of the
    sharable records that point at it (a child, through their referrals)."""

    model: type[models.Model]
    via: str  # the reverse relation to the sharable records
    summary_fields: tuple[str, ...]

    @property
    def source_model(self):
        return self.model._meta.get_field(self.via).related_model

    @property
    def source_field(self) -> str:
        return self.model._meta.get_field(self.via).field.name


_kinds: dict[str, SharableKind] = {}
_dependents: dict[str, DependentKind] = {}
_derived: dict[str, DerivedKind] = {}


def _track_history(model):
    """pghistory triggers for inserts, updates and deletes. Generated columns
    are left out: the database computes them and refuses a copied value."""
    generated = [field.name for field in model._meta.concrete_fields if isinstance(field, models.GeneratedField)]
    trackers = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return pghistory.track(*trackers, exclude=generated or None)(model)


def sharable(
    *,
    owning_agency_field: str,
    summary_fields,
    conditions: dict[str, Condition] | None = None,
    default_scope_rules=(),
    default_share_level: str | None = None,
    joins_protocol: str | None = None,
    partners_only_if: Callable[[], Q] | None = None,
    partners_only_if_reason: str = "",
    check_share: Callable[..., dict] | None = None,
):
    """Class decorator declaring a sharable model: who owns it, what a summary
    shows, the conditions scope rules may name, and its rules in the default
    protocol. A kind added after the founding protocol names the protocol
    change that brings it in (`joins_protocol="Intelligence records"`): the
    demo agrees that change as a new version, signed by every participant.
    `partners_only_if` (a function returning a Q) is a restriction the
    protocol cannot lift: a record outside it is seen by no one outside the
    owning agency and cannot be shared outside it (`partners_only_if_reason`
    is the refusal's message). `check_share(record=, level=, recipient=,
    conditions=)` returns {field: message} for a share of one record the kind
    refuses (a report with handling code C shared without conditions).
    It also records the model's change history (pghistory triggers)."""

    def register(model):
        model = _track_history(model)
        offered = {
            "all_records": _all_records,
            "owned_by_recipient": lambda user, recipient, _field=owning_agency_field: Q(**{_field: recipient}),
            "cse_team_member": _cse_team_member,
            **(conditions or {}),
        }
        _kinds[model._meta.label_lower] = SharableKind(
            model=model,
            owning_agency_field=owning_agency_field,
            summary_fields=tuple(summary_fields),
            conditions=offered,
            default_scope_rules=tuple(DefaultScopeRule(*rule) for rule in default_scope_rules),
            default_share_level=default_share_level,
            joins_protocol=joins_protocol,
            partners_only_if=partners_only_if,
            partners_only_if_reason=partners_only_if_reason,
            check_share=check_share,
        )
        return model

    return register


def dependent(*, parent_field: str):
    """Class decorator for a record that is seen through its parent."""

    def register(model):
        _dependents[model._meta.label_lower] = DependentKind(model=model, parent_field=parent_field)
        return model

    return register


def derived(*, via: str, summary_fields):
    """Class decorator for a record seen through the sharable records that
    point at it (`via`, a reverse relation). Its changes are tracked too."""

    def register(model):
        model = _track_history(model)
        _derived[model._meta.label_lower] = DerivedKind(model=model, via=via, summary_fields=tuple(summary_fields))
        return model

    return register


def derived_for_model(model) -> DerivedKind:
    return _derived[model._meta.label_lower]


def is_derived(model) -> bool:
    return model._meta.label_lower in _derived


def has_levels(model) -> bool:
    """A sharable or derived record: read at summary or above, field by field."""
    return model._meta.label_lower in _kinds or is_derived(model)


def summary_fields(model) -> tuple[str, ...]:
    """What a summary-level reader sees of a sharable or derived record."""
    if is_derived(model):
        return derived_for_model(model).summary_fields
    return for_model(model).summary_fields


def kinds() -> list[SharableKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.kind)


def dependents() -> list[DependentKind]:
    return sorted(_dependents.values(), key=lambda kind: kind.model._meta.label_lower)


def derived_kinds() -> list[DerivedKind]:
    return sorted(_derived.values(), key=lambda kind: kind.model._meta.label_lower)


def get(kind: str) -> SharableKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"{kind!r} is not a sharable record kind") from None


def for_model(model) -> SharableKind:
    return get(model._meta.label_lower)


def dependent_for_model(model) -> DependentKind:
    return _dependents[model._meta.label_lower]


def clear_caches(**kwargs) -> None:
    """Permission ids change when a test database is flushed and re-created."""
    for kind in _kinds.values():
        kind._permission_ids = None
