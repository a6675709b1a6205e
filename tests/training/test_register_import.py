"""Importing an attendance register: map the columns, see each bad line, nothing half imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.training.factories import OrganisationFactory, SessionFactory
from training.models import Attendee

pytestmark = pytest.mark.django_db


def upload(client, session, text: str):
    register = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("training:register_import", args=[session.pk]), {"upload": "1", "register": register})


def test_map_columns_then_import_with_licences_matched(client, personas):
    session = SessionFactory()
    operator = OrganisationFactory(name="Fictional Cars", licence_number="PHO-77")
    client.force_login(personas["kent-police.trainer"])
    mapping = upload(client, session, "Badge,Full name,Operator licence\n1,Ann Example,PHO-77\n2,Bo Example,\n")
    page = mapping.content.decode()
    assert "2 lines of attendees" in page and 'value="1" selected' in page  # "Full name" guessed
    response = client.post(reverse("training:register_import", args=[session.pk]), {"name": "1", "licence_number": "2"})
    assert response.status_code == 302
    assert [(a.name, a.organisation) for a in Attendee.objects.order_by("name")] == [
        ("Ann Example", operator), ("Bo Example", None),
    ]  # fmt: skip
    assert list(session.organisations.all()) == [operator]


def test_a_bad_line_imports_nothing_and_is_reported_then_fixed(client, personas):
    session = SessionFactory()
    OrganisationFactory(licence_number="PHO-1")
    client.force_login(personas["kent-police.trainer"])
    upload(client, session, "name,licence\nAnn Example,PHO-1\n,PHO-1\nCy Example,PHO-404\n")
    response = client.post(reverse("training:register_import", args=[session.pk]), {"name": "0", "licence_number": "1"})
    report = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in report and "Line 3: the name is empty" in report
    assert not Attendee.objects.exists()
    upload(client, session, "name,licence\nAnn Example,PHO-1\nBo Example,PHO-1\n")
    fixed = client.post(reverse("training:register_import", args=[session.pk]), {"name": "0", "licence_number": "1"})
    assert fixed.status_code == 302 and Attendee.objects.count() == 2


def test_a_file_that_is_not_a_register_is_refused_next_to_the_field(client, personas):
    session = SessionFactory()
    client.force_login(personas["kent-police.trainer"])
    response = upload(client, session, "just a header\n")
    assert "at least one attendee" in response.content.decode()
    register = SimpleUploadedFile("register.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    response = client.post(
        reverse("training:register_import", args=[session.pk]), {"upload": "1", "register": register}
    )
    assert "saved as UTF-8" in response.content.decode()


def test_mapping_without_an_upload_asks_for_the_file_again(client, personas):
    session = SessionFactory()
    client.force_login(personas["kent-police.manager"])
    response = client.post(reverse("training:register_import", args=[session.pk]), {"name": "0"})
    assert "upload it again" in response.content.decode()


def test_only_planners_import(client, personas):
    session = SessionFactory()
    client.force_login(personas["kcc.supervisor"])
    assert upload(client, session, "name\nAnn\n").status_code == 403
    assert not Attendee.objects.exists()
