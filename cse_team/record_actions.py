"""Links other apps put on a record's page, collected from the installed
apps as the home page's queues are (cse_team/home.py): each app lists, on its
AppConfig, the actions it offers on another app's records, so the record's
app names none of them and never imports the app that offers them.

    class MaseConfig(AppConfig):
        record_actions = (
            RecordAction("Request a MASE listing", "mase:listingrequest_new", "referrals.referral",
                         roles=("caseworker",)),
        )

A record page shows them with one include, passing its kind and the record
as the reader sees it (sharing.presentation.shown, which carries the level):

    {% include "cse_team/partials/record_actions.html" with kind="referrals.referral" record=referral %}

An action is a link, not a permission: the page it leads to checks again."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string

from sharing.levels import RANK, AccessLevel


@dataclass(frozen=True)
class RecordAction:
    label: str
    url_name: str  # reversed with the record's id
    record_kind: str  # "app.model": the record pages it is shown on
    level: str = AccessLevel.FULL  # the least level the reader holds on the record
    roles: tuple[str, ...] = ()  # held by the reader (any of them); empty: any
    allowed: str | None = None  # "module.function": (user) -> bool, beside roles
    order: int = 50

    def shown_to(self, user, level: str | None) -> bool:
        if not level or RANK[level] < RANK[self.level]:
            return False
        if self.roles and not (set(self.roles) & user.role_codes):
            return False
        return not (self.allowed and not import_string(self.allowed)(user))


def record_actions(kind: str) -> list[RecordAction]:
    """Every installed app's actions on records of `kind`, in order."""
    found = [
        action
        for config in apps.get_app_configs()
        for action in getattr(config, "record_actions", ())
        if action.record_kind == kind
    ]
    return sorted(found, key=lambda action: (action.order, action.label))


def actions_for(user, kind: str, record) -> list[tuple[str, str]]:
    """(label, url) of the actions the reader is offered on the record; the
    record as shown to them (its `access_level`)."""
    level = getattr(record, "access_level", None)
    return [
        (action.label, reverse(action.url_name, args=[record.pk]))
        for action in record_actions(kind)
        if action.shown_to(user, level)
    ]
