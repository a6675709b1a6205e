"""Administration of protocols: conditions and record kinds are chosen by
name from what the sharable models registered, never typed free-hand."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.decorators import step_up_required_action
from sharing import registry, services
from sharing.models import LawfulBasis, Protocol, ScopeRule, Share, ShareRule, Signatory
from sharing.protocol_matrix import condition_label


def record_kind_choices():
    return [(kind.kind, kind.verbose_name) for kind in registry.kinds()]


def condition_choices():
    names = sorted({name for kind in registry.kinds() for name in kind.conditions})
    return [(name, condition_label(name).capitalize()) for name in names]


class ScopeRuleForm(forms.ModelForm):
    record_kind = forms.ChoiceField(choices=record_kind_choices)
    condition = forms.ChoiceField(choices=condition_choices)

    class Meta:
        model = ScopeRule
        fields = ["record_kind", "recipient", "condition", "level"]

    def clean(self):
        cleaned = super().clean()
        kind, condition = cleaned.get("record_kind"), cleaned.get("condition")
        if kind and condition and condition not in registry.get(kind).conditions:
            self.add_error("condition", f"{registry.get(kind).verbose_name} records do not offer this condition")
        return cleaned


class ShareRuleForm(forms.ModelForm):
    record_kind = forms.ChoiceField(choices=record_kind_choices)

    class Meta:
        model = ShareRule
        fields = ["record_kind", "recipient", "highest_level", "lawful_bases"]


class ScopeRuleInline(admin.TabularInline):
    model = ScopeRule
    form = ScopeRuleForm
    extra = 0
    readonly_fields = ["record_kind_shown", "condition_shown"]

    def get_fields(self, request, obj=None):
        # An agreed version is read-only: its rules by name, not by code.
        if obj is not None and obj.status != Protocol.Status.DRAFT:
            return ["record_kind_shown", "recipient", "condition_shown", "level"]
        return ["record_kind", "recipient", "condition", "level"]

    @admin.display(description="Record kind")
    def record_kind_shown(self, rule):
        return dict(record_kind_choices()).get(rule.record_kind, rule.record_kind)

    @admin.display(description="Condition")
    def condition_shown(self, rule):
        return condition_label(rule.condition).capitalize()


class ShareRuleInline(admin.TabularInline):
    model = ShareRule
    form = ShareRuleForm
    extra = 0


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    readonly_fields = ["signed_at"]


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "status", "effective_from", "agreed_at"]
    inlines = [ScopeRuleInline, ShareRuleInline, SignatoryInline]
    filter_horizontal = ["participants"]
    readonly_fields = ["status", "agreed_at"]
    actions = ["sign_for_my_agency", "agree"]

    @admin.action(description="Sign the selected drafts for my agency")
    def sign_for_my_agency(self, request, queryset):
        self._each(
            request, queryset, lambda protocol: services.sign_protocol(protocol=protocol, signed_by=request.user)
        )

    @admin.action(description="Agree the selected draft (every participant must have signed)")
    @step_up_required_action
    def agree(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda protocol: services.agree_protocol(protocol=protocol, agreed_by=request.user, request=request),
        )

    def _each(self, request, queryset, service):
        for protocol in queryset:
            try:
                service(protocol)
            except ValidationError as error:
                self.message_user(request, f"Version {protocol.version}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"Version {protocol.version}: done", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Agreed and superseded versions are the record of what was in force.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Protocol.Status.DRAFT)


@admin.register(LawfulBasis)
class LawfulBasisAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "regime", "active"]
    list_filter = ["regime", "active"]


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    """The Record of Sharing, read-only: shares are made and ended in the service."""

    list_display = ["record_kind", "record_id", "sharing_agency", "recipient_agency", "recipient_user", "level",
                    "created_at", "ended_at"]  # fmt: skip
    list_filter = ["record_kind", "level", "sharing_agency", "recipient_agency", "end_reason"]
    list_select_related = ["sharing_agency", "recipient_agency", "recipient_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
