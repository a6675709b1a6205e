"""Building a meeting document (the outbox handler mase.build_pack): a pack
(the agenda) or an agency's copy of the minutes. Both are the meeting as the
document's recipient sees it under the protocol in force: the same query
(`agency_view`) picks what goes in, each record at their level
(pseudonymous: initials and reference), watermarked with the recipient and
the date; HTML, then PDF by WeasyPrint. Idempotent: a document already
ready is left as it is."""

from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from mase import topics
from mase.models import AgendaItem, MaseAction, MeetingPack
from sharing.presentation import shown

TEMPLATES = {MeetingPack.Kind.PACK: "mase/pack.html", MeetingPack.Kind.MINUTES: "mase/minutes.html"}


def agency_view(meeting, recipient, *, with_actions: bool) -> dict:
    """What `recipient` may see of the meeting, each record shown at their
    level: its items and (for the minutes) its actions. The one filter for
    every document sent out of the system about a meeting."""
    items = list(
        AgendaItem.objects.visible_to(recipient).with_access_level(recipient).on(meeting).select_related("referral")
    )
    shown_items = topics.name_subjects([shown(item, item.access_level) for item in items], recipient)
    view = {"items": shown_items, "actions": []}
    if with_actions:
        actions = (
            MaseAction.objects.visible_to(recipient)
            .with_access_level(recipient)
            .filter(meeting=meeting)
            .select_related("owner", "owner_agency")
            .order_by("due_date", "id")
        )
        view["actions"] = [shown(action, action.access_level) for action in actions]
    return view


def build_pack(*, pack_id: int) -> int:
    pack = MeetingPack.objects.select_related("meeting__panel", "recipient", "agency").filter(pk=pack_id).first()
    if pack is None or pack.status == MeetingPack.Status.READY:
        return 0
    recipient, minutes = pack.recipient, pack.kind == MeetingPack.Kind.MINUTES
    view = agency_view(pack.meeting, recipient, with_actions=minutes)
    html = render_to_string(
        TEMPLATES[pack.kind],
        {
            "pack": pack,
            "meeting": pack.meeting,
            "attendance": pack.meeting.attendance.select_related("agency") if minutes else (),
            "prepared_on": timezone.localdate(),
            **view,
        },
    )
    item_ids = [item.pk for item in view["items"]]
    MeetingPack.objects.filter(pk=pack.pk).update(html=html, item_ids=item_ids, progress=50)
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    MeetingPack.objects.filter(pk=pack.pk).update(pdf=pdf, progress=100, status=MeetingPack.Status.READY)
    record_access(
        user=pack.issued_by,
        action=AccessEvent.Action.EXPORT,
        record_kind="mase.agendaitem",
        record_ids=item_ids,
        details={"pack": pack.pk, "kind": pack.kind, "recipient": recipient.username, "agency": pack.agency.code,
                 "protocol_version": pack.protocol.version,
                 **({"actions": [action.pk for action in view["actions"]]} if minutes else {})},
    )  # fmt: skip
    return len(item_ids)
