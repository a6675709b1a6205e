import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt

from tests.factories import UserFactory


class TotpAuthenticatorFactory(factory.django.DjangoModelFactory):
    """An authenticator app; its base32 secret is `authenticator.secret` (not stored: the row holds it encrypted)."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    secret = factory.LazyFunction(generate_totp_secret)
    data = factory.LazyAttribute(lambda authenticator: {"secret": encrypt(authenticator.secret)})

    @classmethod
    def _create(cls, model_class, *args, secret, **kwargs):
        authenticator = super()._create(model_class, *args, **kwargs)
        authenticator.secret = secret
        return authenticator
