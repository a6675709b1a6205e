"""Rules every app applies to what people type: no invisible characters that
change how text reads (issue #14: right-to-left overrides made a name display
differently from what was stored), and dates in the range the forms take."""

import datetime

from django.core.exceptions import ValidationError

# Bidirectional formatting characters: they reorder the text around them when
# displayed, so "evil.exe" can read as "exe.live". Nobody types them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\n\r\t")


def invisible_characters(value: str) -> list[str]:
    return sorted(
        {char for char in value if char in BIDI_CONTROLS or (ord(char) < 32 and char not in ALLOWED_CONTROLS)}
        | {char for char in value if 0x7F <= ord(char) <= 0x9F}
    )


def refuse_invisible_characters(value: str) -> None:
    """A form or serializer validator (and a service check)."""
    if value and invisible_characters(value):
        raise ValidationError(
            "Remove the invisible control characters (such as right-to-left overrides) from this text",
            code="control_characters",
        )


def text_errors(errors: dict, field: str, value: str | None, limit: int, what: str = "The text") -> None:
    """A service's check of typed text (the same as its form's and
    serializer's): at most `limit` characters and no invisible control
    characters. Adds the error, if any, to `errors` under `field`, for the
    service to raise as one ValidationError with every field's error."""
    if value and len(value) > limit:
        errors[field] = f"{what} must be {limit:,} characters or fewer (it has {len(value):,})"
    elif value and invisible_characters(value):
        errors[field] = "Remove the invisible control characters (such as right-to-left overrides) from this text"


# The forms' GOV.UK date inputs refuse years before this (referrals/forms/
# case_records.py); the API and the services refuse them too (issue #14: the API
# stored 0001-01-01, which the record's page then could not save again).
EARLIEST_YEAR = 1900


def too_early(value: datetime.date | datetime.datetime | None) -> bool:
    return value is not None and value.year < EARLIEST_YEAR


def before_earliest_message(label: str) -> str:
    return f"{label} must be after {EARLIEST_YEAR}"


# How much a person may type into one box (issue #14: a text field with no
# maximum let one request store a megabyte, and a name longer than its column
# was a server error). A form field and the API field that writes the same
# value share the maximum; tests/api_contract/test_text_limits.py holds every
# form and every API write to one.
NOTE_MAX_LENGTH = 5_000  # a note, a reason, an outcome, a description, a rationale
NARRATIVE_MAX_LENGTH = 10_000  # an account of what happened, a report's text, a summary
DOCUMENT_MAX_LENGTH = 50_000  # a problem profile's assessment, a panel's terms of reference


def column_length(model, name: str) -> int:
    """The maximum a model's text column (or an array column's items) holds,
    for the form field that fills it."""
    field = model._meta.get_field(name)
    return getattr(field, "base_field", field).max_length


BIGGEST_ID = 2**63 - 1  # PostgreSQL's bigint


def whole_number(text, *, maximum: int | None = BIGGEST_ID) -> int | None:
    """A whole number typed in a URL or a form (an id, a page): ASCII digits
    within `maximum`, else None. `str.isdigit()` alone lets "²" through,
    which `int()` then refuses with a ValueError (a server error), and a
    number past bigint's range is a database error."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if maximum is None or value <= maximum else None
