"""Who may do what in training: role permissions, not the sharing engine.

Training records hold no case data, so every signed-in user reads sessions,
courses, plans and coverage. Two fields are personal or candid and are read
only by roles whose group holds the permission (trainers and managers, granted
by a migration; an administrator may grant another role in the admin):
attendee names (`view_attendee_names`) and feedback comments
(`view_feedback_comments`). Planning and recording sessions and plans is
`plan_session` / `manage_plan`, held the same way.

The check reads permissions held through the user's *roles* only: Django's
`has_perm` answers yes to every superuser, and the system administrator reads
no content (docs/isp.md, "Who reads casework")."""

ROLE_PERMISSIONS = {
    "trainer": ("plan_session", "view_attendee_names", "view_feedback_comments", "manage_plan"),
    "manager": ("plan_session", "view_attendee_names", "view_feedback_comments", "manage_plan"),
}

# (model, codename, name) of the permissions above, created here so the
# migration can grant them before post_migrate would.
PERMISSIONS = (
    ("session", "plan_session", "Can plan, record and import registers for training sessions"),
    ("attendee", "view_attendee_names", "Can see the names of training attendees"),
    ("feedback", "view_feedback_comments", "Can read attendees' feedback comments"),
    ("communitysafetyplan", "manage_plan", "Can record District Community Safety Plans"),
)


def grant_role_permissions(apps, schema_editor=None):
    """Create the training permissions and grant them to the roles' groups; idempotent."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("accounts", "Role")
    permissions = {}
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="training", model=model)
        permissions[codename], _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    for role in Role.objects.filter(code__in=ROLE_PERMISSIONS).select_related("group"):
        role.group.permissions.add(*(permissions[codename] for codename in ROLE_PERMISSIONS[role.code]))


def role_permissions(user) -> frozenset[str]:
    """The training permission codenames the user's roles hold (one query, cached on the user)."""
    if not (user and user.is_authenticated):
        return frozenset()
    if not hasattr(user, "_training_role_permissions"):
        from django.contrib.auth.models import Permission

        user._training_role_permissions = frozenset(
            Permission.objects.filter(
                content_type__app_label="training", group__role__code__in=user.role_codes
            ).values_list("codename", flat=True)
        )
    return user._training_role_permissions


def can_plan(user) -> bool:
    return "plan_session" in role_permissions(user)


def can_see_attendees(user) -> bool:
    return "view_attendee_names" in role_permissions(user)


def can_read_comments(user) -> bool:
    return "view_feedback_comments" in role_permissions(user)


def can_manage_plans(user) -> bool:
    return "manage_plan" in role_permissions(user)
