"""Logging a view in one line: inherit a mixin (class-based views) or wrap a
function view in `access_logged`.

The event is written before the response is rendered, so if it cannot be
written the user sees an error page, not the record.
"""

import functools

from audit.models import AccessEvent
from audit.services import record_access


class AccessLoggedDetailMixin:
    """For DetailView-style views: one VIEW event for the object `get_object`
    returns. Nothing is logged when it raises (a 404 shows nothing)."""

    access_action = AccessEvent.Action.VIEW

    def get_access_reason(self) -> str:
        """Override where the user gives a reason, e.g. for a record outside their caseload."""
        return ""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        # Edit views call get_object again on POST, and some views call it
        # twice per request: one access, one event.
        logged = self.__dict__.setdefault("_access_logged", set())
        key = (obj._meta.label_lower, obj.pk)
        if key not in logged:
            record_access(
                user=self.request.user,
                action=self.access_action,
                record_kind=obj._meta.label_lower,
                record_ids=[obj.pk],
                request=self.request,
                reason=self.get_access_reason(),
            )
            logged.add(key)
        return obj


class AccessLoggedListMixin:
    """For ListView-style views: one LIST event with the ids of the objects on
    the page, or a SEARCH event (with the query) when `?q=` is not empty."""

    search_parameter = "q"

    def get_search_query(self) -> str:
        return self.request.GET.get(self.search_parameter, "").strip()

    def get_access_action(self) -> str:
        return AccessEvent.Action.SEARCH if self.get_search_query() else AccessEvent.Action.LIST

    def get_access_details(self) -> dict:
        query = self.get_search_query()
        return {"q": query} if query else {}

    def _listed_model(self):
        # get_queryset may return a plain list; ListView then needs `model`.
        return getattr(self.object_list, "model", None) or self.model

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # object_list is the current page when paginated; evaluating it here
        # fills its cache, so the template does not query again.
        shown = list(context["object_list"])
        record_access(
            user=self.request.user,
            action=self.get_access_action(),
            record_kind=self._listed_model()._meta.label_lower,
            record_ids=[obj.pk for obj in shown],
            request=self.request,
            details=self.get_access_details(),
        )
        return context


def access_logged(action: str, record_kind: str, *, id_kwarg: str = "pk"):
    """Decorate a function view whose URL names one record: once the view has
    answered without an error, log `action` on the record in `kwargs[id_kwarg]`.

        @access_logged(AccessEvent.Action.PRINT, "referrals.referral")
        def referral_print(request, pk): ...
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code < 400:
                record_access(
                    user=request.user,
                    action=action,
                    record_kind=record_kind,
                    record_ids=[kwargs[id_kwarg]],
                    request=request,
                )
            return response

        return wrapper

    return decorator
