"""Demo notifications: the referral demo's services already told supervisors,
assessors, action owners and lead professionals (referrals/notices.py); this
adds what the beat would (shares made, actions overdue), so each persona has
notifications on the first `make run`. Idempotent: each news has a key."""

from notifications import services
from notifications.tasks import notice_overdue_actions


def load_demo_notifications() -> int:
    told = 0
    while True:
        swept = services.notice_new_shares()
        told += swept
        if not swept:
            break
    return told + notice_overdue_actions()
