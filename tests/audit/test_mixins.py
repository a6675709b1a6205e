"""A view logs its accesses by inheriting a mixin (or wrapping a function view).
Districts stand in for personal-data records: the mixins only need a model."""

import pytest
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.views.generic import DetailView, ListView

from accounts.models import District
from audit.mixins import AccessLoggedDetailMixin, AccessLoggedListMixin, access_logged
from audit.models import AccessEvent

pytestmark = pytest.mark.django_db


class RenderNamesMixin:
    """Renders the shown names without a template, iterating what a template would."""

    def render_to_response(self, context, **response_kwargs):
        records = context["object_list"] if "object_list" in context else [context["object"]]
        return HttpResponse(",".join(record.name for record in records))


class DistrictDetailView(AccessLoggedDetailMixin, RenderNamesMixin, DetailView):
    model = District


class DistrictDetailViewThatLooksTwice(DistrictDetailView):
    def get_context_data(self, **kwargs):
        self.get_object()
        return super().get_context_data(**kwargs)


class DistrictListView(AccessLoggedListMixin, RenderNamesMixin, ListView):
    model = District
    ordering = ["name"]
    paginate_by = 3

    def get_queryset(self):
        queryset = super().get_queryset()
        if query := self.get_search_query():
            queryset = queryset.filter(name__icontains=query)
        return queryset


@access_logged(AccessEvent.Action.PRINT, "accounts.district")
def district_print(request, pk):
    district = get_object_or_404(District, pk=pk)
    return HttpResponse(district.name)


@access_logged(AccessEvent.Action.PRINT, "accounts.district")
def district_print_refused(request, pk):
    return HttpResponseNotFound()


def get(user, path="/", **params):
    request = RequestFactory().get(path, params)
    request.user = user
    request.request_id = "req-77"
    return request


@pytest.fixture
def caseworker(personas):
    return personas["kcc.caseworker"]


def test_a_detail_view_logs_one_view_of_the_record(caseworker):
    thanet = District.objects.get(code="thanet")

    response = DistrictDetailView.as_view()(get(caseworker), pk=thanet.pk)

    assert response.content == b"Thanet"
    event = AccessEvent.objects.get()
    assert (event.action, event.record_kind, event.record_ids) == (
        AccessEvent.Action.VIEW,
        "accounts.district",
        [str(thanet.pk)],
    )
    assert (event.user, event.agency.code, event.request_id) == (caseworker, "kcc", "req-77")


def test_looking_the_record_up_twice_is_still_one_view(caseworker):
    thanet = District.objects.get(code="thanet")
    DistrictDetailViewThatLooksTwice.as_view()(get(caseworker), pk=thanet.pk)
    assert AccessEvent.objects.count() == 1


def test_a_record_that_is_not_found_is_not_logged(caseworker):
    with pytest.raises(Http404):
        DistrictDetailView.as_view()(get(caseworker), pk=0)
    assert not AccessEvent.objects.exists()


def test_a_list_logs_the_ids_on_the_page_shown(caseworker):
    districts = list(District.objects.order_by("name"))

    response = DistrictListView.as_view()(get(caseworker, page=2))

    on_page_two = districts[3:6]
    assert response.content.decode() == ",".join(district.name for district in on_page_two)
    event = AccessEvent.objects.get()
    assert (event.action, event.record_kind, event.details) == (AccessEvent.Action.LIST, "accounts.district", {})
    assert event.record_ids == [str(district.pk) for district in on_page_two]


def test_logging_a_list_does_not_query_the_page_again(caseworker, django_assert_num_queries):
    # The count, the page of districts and the event: the page is not fetched twice.
    with django_assert_num_queries(3):
        DistrictListView.as_view()(get(caseworker))


def test_a_list_with_a_query_is_logged_as_a_search_with_the_query(caseworker):
    DistrictListView.as_view()(get(caseworker, q=" well "))

    event = AccessEvent.objects.get()
    tunbridge_wells = District.objects.get(name="Tunbridge Wells")
    assert (event.action, event.details, event.record_ids) == (
        AccessEvent.Action.SEARCH,
        {"q": "well"},
        [str(tunbridge_wells.pk)],
    )


def test_a_blank_query_is_a_plain_list(caseworker):
    DistrictListView.as_view()(get(caseworker, q="   "))
    assert AccessEvent.objects.get().action == AccessEvent.Action.LIST


def test_a_decorated_function_view_logs_the_record_in_its_url(caseworker):
    dover = District.objects.get(code="dover")

    district_print(get(caseworker), pk=dover.pk)

    event = AccessEvent.objects.get()
    assert (event.action, event.record_kind, event.record_ids, event.user) == (
        AccessEvent.Action.PRINT,
        "accounts.district",
        [str(dover.pk)],
        caseworker,
    )


def test_a_decorated_view_that_fails_logs_nothing(caseworker):
    with pytest.raises(Http404):
        district_print(get(caseworker), pk=0)
    assert district_print_refused(get(caseworker), pk=1).status_code == 404
    assert not AccessEvent.objects.exists()
