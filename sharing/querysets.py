from django.db import models
from django.db.models import Case, CharField, Exists, OuterRef, Value, When

from sharing import access, registry
from sharing.levels import ORDER, AccessLevel


class SharableQuerySet(models.QuerySet):
    """QuerySet for every sharable model."""

    def visible_to(self, user, level: str = AccessLevel.SUMMARY):
        return self.filter(access.visibility_filter(self.model, user, level))

    def with_access_level(self, user):
        """Annotate `access_level` (summary/full/change) per row, in the same query,
        so a list renders each record at its own level."""
        return self.annotate(access_level=access.access_level_expression(self.model, user))


def shares_received(records, user):
    """One active share per record of `records` (a queryset that went through
    visible_to) shared with the user's agency or with the user by name, in
    record order.

    For the count of "shared with me" (cse_team.home): walked in record order
    on share_active_to_agency_idx, each share's record checked for visibility,
    so a capped count reads about as many shares as it counts. Filtering the
    records by an EXISTS on shares instead made PostgreSQL hash every share of
    the agency first (34,860 for Early Help at 1M referrals:
    benchmarks/RESULTS.md). Shares by name are added only for a user who
    holds some: an OR on the recipient makes the walk a sort of all of them."""
    from sharing.models import Share

    kind = registry.for_model(records.model)
    return (
        Share.objects.active()
        .received(user, by_name=access.holds_personal_grants(records.model, user))
        .filter(record_kind=kind.kind)
        .filter(Exists(records.filter(pk=OuterRef("record_id"))))
        .order_by("record_id")
        .distinct("record_id")
    )


class DependentQuerySet(models.QuerySet):
    """QuerySet for records seen through their parent (notes, actions)."""

    def visible_to(self, user, level: str = AccessLevel.SUMMARY):
        dependent = registry.dependent_for_model(self.model)
        parents = dependent.parent.model._default_manager.visible_to(user, level)
        return self.filter(**{f"{dependent.parent_field}__in": parents.values("pk")})


class DerivedQuerySet(models.QuerySet):
    """QuerySet for records seen through the sharable records pointing at them:
    a child is visible at the highest level of any of their visible referrals."""

    def _visible_sources(self, user, level):
        derived = registry.derived_for_model(self.model)
        sources = derived.source_model._default_manager.visible_to(user, level)
        return sources.filter(**{derived.source_field: OuterRef("pk")})

    def visible_to(self, user, level: str = AccessLevel.SUMMARY):
        return self.filter(Exists(self._visible_sources(user, level)))

    def with_access_level(self, user):
        """Annotate `access_level` per row: its sources' visibility probed for
        each row (ProbedExists), whatever the number of rows. A plain EXISTS
        became, from about 50 rows, a hashed subplan over every source the
        user sees, for each level: 1 s instead of a few ms at the
        intelligence bench's scale (benchmarks/RESULTS.md)."""
        whens = [
            When(access.ProbedExists(self._visible_sources(user, level)), then=Value(str(level)))
            for level in reversed(ORDER)
        ]
        return self.annotate(access_level=Case(*whens, default=Value(""), output_field=CharField()))
