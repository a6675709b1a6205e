from django.db import models

from sharing import access, registry
from sharing.levels import AccessLevel


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
