"""A system check on every record kind sharing knows (`manage.py check`, and
every start-up): a model declared @sharable must also have what the engine
reads at request time, or it fails at start-up with what to add instead of
answering a reader wrongly later.

- a SharableQuerySet manager (`objects = SharableQuerySet.as_manager()`): the
  engine's visible_to / with_access_level;
- the view_summary_<model> permission in Meta.permissions (view and change are Django's);
- direct django-guardian permission models (UserObjectPermissionBase and
  GroupObjectPermissionBase with content_object = FK to the model): grants are
  joined on them, never through the generic table.

@dependent models need a DependentQuerySet manager, @derived ones a DerivedQuerySet one.
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from sharing import registry
from sharing.levels import AccessLevel, permission_codename
from sharing.querysets import DependentQuerySet, DerivedQuerySet, SharableQuerySet


def _manager_error(model, queryset_class, declaration: str, code: str):
    manager = model._default_manager
    found = getattr(manager, "_queryset_class", type(manager.get_queryset()))
    if issubclass(found, queryset_class):
        return None
    return checks.Error(
        f"{model._meta.label} is declared @{declaration} but its default manager's queryset is "
        f"{found.__name__}, not a {queryset_class.__name__}.",
        hint=f"Give it `objects = {queryset_class.__name__}.as_manager()` (or a subclass) as its first manager.",
        obj=model,
        id=code,
    )


def sharable_kind_errors(kind) -> list[checks.CheckMessage]:
    model = kind.model
    errors = [_manager_error(model, SharableQuerySet, "sharable", "sharing.E001")]
    codename = permission_codename(AccessLevel.SUMMARY, model._meta.model_name)
    if codename not in {name for name, _ in model._meta.permissions}:
        errors.append(
            checks.Error(
                f"{model._meta.label} is declared @sharable but has no {codename} permission: "
                "summary-level grants would have nothing to grant.",
                hint=f'Add ("{codename}", "Can view the summary of a {model._meta.verbose_name}") '
                "to its Meta.permissions (and make the migration).",
                obj=model,
                id="sharing.E002",
            )
        )
    for base, name, attribute in (
        ("UserShareGrant", "UserObjectPermission", "user_permission_model"),
        ("GroupShareGrant", "GroupObjectPermission", "group_permission_model"),
    ):
        try:
            getattr(kind, attribute)
        except ImproperlyConfigured:
            errors.append(
                checks.Error(
                    f"{model._meta.label} is declared @sharable but has no direct sharing.models.{base} model.",
                    hint=f"Add `class {model.__name__}{name}({base}): "
                    f"content_object = models.ForeignKey({model.__name__}, on_delete=models.CASCADE)` "
                    "next to it (guardian's generic table is too slow to join at scale; the base adds the "
                    "grant's end, which the visibility query reads).",
                    obj=model,
                    id="sharing.E003",
                )
            )
    return [error for error in errors if error is not None]


def declaration_errors(sharable_kinds, dependent_kinds=(), derived_kinds=()) -> list[checks.CheckMessage]:
    errors = [error for kind in sharable_kinds for error in sharable_kind_errors(kind)]
    errors += [_manager_error(kind.model, DependentQuerySet, "dependent", "sharing.E004") for kind in dependent_kinds]
    errors += [_manager_error(kind.model, DerivedQuerySet, "derived", "sharing.E005") for kind in derived_kinds]
    return [error for error in errors if error is not None]


@checks.register(checks.Tags.models)
def check_sharable_declarations(app_configs=None, **kwargs):
    def wanted(kind):
        return app_configs is None or any(kind.model._meta.app_config is config for config in app_configs)

    return declaration_errors(
        [kind for kind in registry.kinds() if wanted(kind)],
        [kind for kind in registry.dependents() if wanted(kind)],
        [kind for kind in registry.derived_kinds() if wanted(kind)],
    )
