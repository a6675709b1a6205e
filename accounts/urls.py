from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import token_views
from accounts.forms import SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api-tokens/", token_views.ApiTokenListView.as_view(), name="api_token_list"),
    path("api-tokens/new/", token_views.ApiTokenCreateView.as_view(), name="api_token_new"),
    path("api-tokens/<str:digest>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
]
