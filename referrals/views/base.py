"""What every page about one referral starts from: sharing's record page,
for a referral (loaded at the level the page needs, 404 otherwise, with the
reader's level in the same query), and its service form view."""

from django.urls import reverse

from referrals.models import Referral
from sharing.record_pages import RecordPageMixin, ServiceFormView


class ReferralPageMixin(RecordPageMixin):
    """For pages under /referrals/<pk>/: `self.referral` and `self.referral_access_level`."""

    record_name = "referral"
    record_related = ("child__district", "district", "owning_agency", "lead_professional")

    record_model = Referral

    @property
    def referral(self):
        return self.record

    @property
    def referral_access_level(self) -> str:
        return self.record_access_level


def referral_url(referral) -> str:
    return reverse("referrals:referral_detail", args=[referral.pk])


class ReferralFormView(ReferralPageMixin, ServiceFormView):
    """A form on a referral saved by one service call; back to the referral."""

    def get_success_url(self):
        return referral_url(self.referral)
