"""Numbers typed into URLs are answered, never a server error: "²" passes
`str.isdigit()` but not `int()`, and an id past bigint's range is a database
error (cse_team.validators.whole_number)."""

import pytest
from django.urls import reverse

from cse_team.validators import whole_number

pytestmark = pytest.mark.django_db


def test_whole_number_takes_ascii_digits_within_bigint_only():
    assert whole_number("42") == 42
    assert whole_number(str(2**63 - 1)) == 2**63 - 1
    for odd in ("", "²", "٣", "-1", "1.5", " 1", str(2**63), None):
        assert whole_number(odd) is None, odd
    assert whole_number("11", maximum=10) is None
    assert whole_number(str(2**70), maximum=None) == 2**70


def test_odd_numbers_in_urls_get_answers_not_server_errors(client, personas, protocol, unit):
    client.force_login(unit)
    assert client.get(reverse("intelligence:triage"), {"page": "²"}).status_code == 404  # not a page number
    assert client.get(reverse("intelligence:triage"), {"page": "9" * 30}).status_code == 404  # past the last page
    for name in ("network", "network_json"):
        assert client.get(reverse(f"intelligence:{name}", args=["person", 2**63])).status_code == 404, name
    assert client.post(reverse("intelligence:network_export", args=["person", 2**63])).status_code == 404
    assert client.get(reverse("notifications:notification_status"), {"since": "²"}).status_code == 400
    assert client.get(reverse("notifications:notification_status"), {"since": "0"}).status_code == 200
