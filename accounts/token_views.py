"""A user's own API tokens: list, make (shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView, ListView

from accounts import services
from accounts.forms import ApiTokenForm
from accounts.models import ApiToken


class ApiTokenListView(ListView):
    template_name = "accounts/api_token_list.html"
    context_object_name = "tokens"

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user).select_related("revoked_by")


class ApiTokenCreateView(FormView):
    form_class = ApiTokenForm
    template_name = "accounts/api_token_form.html"

    def form_valid(self, form):
        try:
            token, secret = services.api_token_create(
                user=self.request.user,
                created_by=self.request.user,
                request=self.request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            return self.form_invalid(form)
        # Rendered, not redirected: the secret exists only in this answer
        # (no-store, like every answer) and is never shown again.
        return render(self.request, "accounts/api_token_created.html", {"token": token, "secret": secret})


class ApiTokenRevokeView(View):
    def post(self, request, digest):
        try:
            token = ApiToken.objects.get(digest=digest, user=request.user)
            services.api_token_revoke(token=token, revoked_by=request.user, request=request)
        except ApiToken.DoesNotExist:
            raise Http404 from None
        messages.success(request, f"Token '{token.name}' revoked: it no longer works.")
        return redirect("accounts:api_token_list")
