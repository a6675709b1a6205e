from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from accounts import services
from accounts.decorators import method_decorator, step_up_required
from accounts.models import Agency, ApiToken, District, Role, User
from audit.models import AccessEvent
from audit.services import record_access


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "regime", "active", "joined_on"]
    list_filter = ["kind", "regime", "active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code names the agency's group and appears in usernames.
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        created = services.agency_create(
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            regime=obj.regime,
            joined_on=obj.joined_on,
            active=obj.active,
        )
        obj.pk, obj.group_id = created.pk, created.group_id


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "childrens_services", "valid_from", "valid_to"]
    list_filter = ["childrens_services"]
    search_fields = ["name", "code", "former_names"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "description"]
    search_fields = ["name", "code"]


class RolesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Role.objects.all(), required=False, widget=admin.widgets.FilteredSelectMultiple("roles", False)
        )


class StaffUserChangeForm(UserChangeForm):
    roles = RolesField()

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.roles)


class StaffUserCreationForm(UserCreationForm):
    roles = RolesField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "agency", "first_name", "last_name", "email"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    list_display = ["username", "first_name", "last_name", "agency", "is_active", "last_login"]
    list_filter = ["agency", "is_active", "is_staff", "groups__role"]
    list_select_related = ["agency"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "job_title"]}),
        ("Agency and roles", {"fields": ["agency", "roles", "is_cse_team_member"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "agency", "first_name", "last_name", "email", "roles"]}),
        ("Password", {"fields": ["password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    # Changing someone's roles, agency or access asks for the password again (step-up).
    @method_decorator(step_up_required(allow_get=True))
    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(step_up_required(allow_get=True))
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Agency and role memberships are groups kept in step by the services.
        obj.save()
        services.user_join_agency_group(user=obj)
        if change and {"agency", "is_staff", "is_superuser", "is_active"} & set(form.changed_data):
            # Sessions were granted as the user was: they end (roles: user_set_roles).
            services.user_end_sessions(user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        services.user_set_roles(user=user, roles=form.cleaned_data.get("roles") or [])
        # Who gave whom which access is part of the audit trail (DPA 2018 s62).
        record_access(
            user=request.user,
            action=AccessEvent.Action.PERMISSION_CHANGE,
            record_kind=User._meta.label_lower,
            record_ids=[user.pk],
            request=request,
            details={
                "username": user.username,
                "agency": user.agency.code,
                "roles": sorted(user.role_codes),
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "is_cse_team_member": user.is_cse_team_member,
                "changed_fields": sorted(form.changed_data),
            },
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see who holds which token and revoke them; no key, hash
    or fragment of one is displayed, and tokens are made by their holders."""

    list_display = ["name", "user", "scope", "created", "expiry", "last_used_at", "last_used_from", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username"]
    fields = [
        "user",
        "name",
        "scope",
        "created",
        "expiry",
        "last_used_at",
        "last_used_from",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, revoked_by=request.user, request=request)
        self.message_user(request, "The selected tokens are revoked.")


# The admin's own sign-in form would skip the second factor: it sends people
# to the service's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)
