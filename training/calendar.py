"""A trainer's sessions as an iCalendar feed (the icalendar library)."""

from urllib.parse import urljoin

import icalendar
from django.utils import timezone


def feed(trainer, sessions, site_url: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kent and Medway CSE team//Training calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Training sessions: {trainer.display_name}")
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", f"training-session-{session.pk}@cse-team")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.course_version.course.title} ({session.get_audience_display()})")
        event.add("location", f"{session.venue}, {session.district.name}")
        event.add("status", "CONFIRMED")
        event.add("url", urljoin(site_url, session.get_absolute_url()))
        calendar.add_component(event)
    return calendar.to_ical()
