"""Signing in and loading the signed-in user on each request."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q

from accounts.models import Role, User


def _roles(field: str):
    return ArrayAgg(f"groups__role__{field}", filter=Q(groups__role__isnull=False), order_by="groups__role__name")


class AccountBackend(ModelBackend):
    """Django's model backend, loading the user with their agency and roles in
    one query: every page needs all three (identity bar, navigation, the
    sharing filter), and list pages have a query budget (issue #4)."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("agency")
            .annotate(role_ids=_roles("pk"), role_codes_held=_roles("code"), role_names=_roles("name"))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        # The same Role rows User.held_roles would fetch, built from this query.
        user._held_roles = [
            Role(pk=pk, code=code, name=name)
            for pk, code, name in zip(user.role_ids, user.role_codes_held, user.role_names, strict=True)
        ]
        return user
