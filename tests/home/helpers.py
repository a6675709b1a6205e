import re

from accounts.models import Agency
from sharing.models import LawfulBasis
from sharing.services import share_record


def share_with_health(personas, record, *, level="summary", by="kcc.caseworker", user=False):
    recipient = (
        {"recipient_user": personas["health.practitioner"]}
        if user
        else {"recipient_agency": Agency.objects.get(code="health")}
    )
    return share_record(
        shared_by=personas[by],
        record=record,
        level=level,
        purpose="The sexual health nurse is seeing the child",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
        **recipient,
    )


QUEUE_ROW = re.compile(
    r'href="(?P<url>[^"]+)" data-testid="queue-title">(?P<title>[^<]+)</a>'
    r'.*?data-testid="queue-count">(?P<count>[^<]+)<',
    re.S,
)


def queues_on(page: str) -> dict[str, tuple[str, str]]:
    """{queue title: (count label, url)} as the home page shows them."""
    return {m["title"]: (m["count"], m["url"].replace("&amp;", "&")) for m in QUEUE_ROW.finditer(page)}
