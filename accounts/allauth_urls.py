"""The parts of django-allauth this service uses, at the names allauth
reverses (so un-namespaced, included at the root under accounts/). Sign-up,
e-mail management, sign-in by code and social accounts are left out: accounts
and their addresses are managed by administrators."""

from allauth.account import views as account_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    # Ours, at allauth's name too: allauth redirects there.
    path("login/", views.SignInView.as_view(), name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", account_views.password_change, name="account_change_password"),
    path("password/reset/", account_views.password_reset, name="account_reset_password"),
    path("password/reset/done/", account_views.password_reset_done, name="account_reset_password_done"),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    # allauth's overview of factors: "Your sign-in" shows them, with sessions and password.
    path("2fa/", RedirectView.as_view(pattern_name="accounts:account"), name="mfa_index"),
    path("2fa/", include("allauth.mfa.urls")),
]
