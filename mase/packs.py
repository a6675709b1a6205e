"""Building a meeting pack (the outbox handler mase.build_pack): the agenda as
the pack's recipient sees it under the protocol in force, each item at their
level (pseudonymous: initials and reference), watermarked with the recipient
and the date; HTML, then PDF by WeasyPrint. Idempotent: a pack already ready
is left as it is."""

from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from mase.models import AgendaItem, MeetingPack
from sharing.presentation import shown


def build_pack(*, pack_id: int) -> int:
    pack = MeetingPack.objects.select_related("meeting__panel", "recipient", "agency").filter(pk=pack_id).first()
    if pack is None or pack.status == MeetingPack.Status.READY:
        return 0
    recipient = pack.recipient
    items = list(
        AgendaItem.objects.visible_to(recipient)
        .with_access_level(recipient)
        .on(pack.meeting)
        .select_related("referral")
    )
    html = render_to_string(
        "mase/pack.html",
        {
            "pack": pack,
            "meeting": pack.meeting,
            "items": [shown(item, item.access_level) for item in items],
            "prepared_on": timezone.localdate(),
        },
    )
    MeetingPack.objects.filter(pk=pack.pk).update(html=html, item_ids=[item.pk for item in items], progress=50)
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    MeetingPack.objects.filter(pk=pack.pk).update(pdf=pdf, progress=100, status=MeetingPack.Status.READY)
    record_access(
        user=pack.issued_by,
        action=AccessEvent.Action.EXPORT,
        record_kind="mase.agendaitem",
        record_ids=[item.pk for item in items],
        details={"pack": pack.pk, "recipient": recipient.username, "agency": pack.agency.code,
                 "protocol_version": pack.protocol.version},
    )  # fmt: skip
    return len(items)
