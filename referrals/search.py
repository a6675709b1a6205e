"""Reading what a caseworker types into the search box."""

import datetime


def parse_date(text: str) -> datetime.date | None:
    """A date typed as 14/3/2011, 14-03-2011 or 2011-03-14; None if it is not one."""
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None
