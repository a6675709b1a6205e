from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import token_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api-tokens/", token_views.ApiTokenListView.as_view(), name="api_token_list"),
    path("api-tokens/new/", token_views.ApiTokenCreateView.as_view(), name="api_token_new"),
    path("api-tokens/<str:digest>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("mfa/set-up/", views.MfaPromptView.as_view(), name="mfa_prompt"),
    path("you/", views.AccountView.as_view(), name="account"),
    path("you/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/stay-signed-in/", views.stay_signed_in, name="stay_signed_in"),
]
