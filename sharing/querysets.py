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
        whens = [When(Exists(self._visible_sources(user, level)), then=Value(str(level))) for level in reversed(ORDER)]
        return self.annotate(access_level=Case(*whens, default=Value(""), output_field=CharField()))
