"""The referrals fixtures (protocol, referral, referral_at...) for the home page
and notification tests, which work on referrals."""

from tests.referrals.conftest import district, instrument, protocol, referral, referral_at, responses  # noqa: F401
