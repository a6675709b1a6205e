from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("mfa/set-up/", views.MfaPromptView.as_view(), name="mfa_prompt"),
    path("you/", views.AccountView.as_view(), name="account"),
    path("you/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/stay-signed-in/", views.stay_signed_in, name="stay_signed_in"),
]
