"""What a user may see: the one place that decides it.

A record is visible to a user at a level when a scope rule of the protocol in
force covers it, or when an active share granted the user's agency (or the
user) that level or a higher one. Scope rules and shares to the agency reach
only holders of a casework role (CASEWORK_ROLES); a share ends the moment its
end date passes (the grant row carries it), whether or not beat has run.
Both are compiled into one WHERE clause: scope rules into plain predicates,
shares into an EXISTS on the model's direct group-permission table with the
permission and group ids as constants (see DESIGN.md, "Measured on this kind
of machine").
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from sharing import registry
from sharing.levels import ORDER, RANK, AccessLevel, at_least
from sharing.registry import NOTHING, SharableKind


def rules_in_force(user) -> list:
    """Scope rules of the protocol in force, fetched once per request (cached on
    the user object, which lives as long as the request)."""
    if not hasattr(user, "_sharing_scope_rules"):
        from sharing.models import ScopeRule

        user._sharing_scope_rules = list(ScopeRule.objects.filter(protocol__status="agreed").select_related("protocol"))
    return user._sharing_scope_rules


def _active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.agency_id)


# The roles of accounts.reference.ROLES whose holders work cases. Scope rules
# and shares to the user's agency reach only them: the data protection officer,
# system administrators and trainers are agency staff too (Kent Police, outside
# the CSE team), but they oversee access (the access log, who can see a
# record, who viewed it) or run training, and read no case content. A user who
# holds a casework role as well reads casework. A role added later reads
# nothing until it is listed here (tests/sharing/test_access.py checks that
# every role is classified).
CASEWORK_ROLES = frozenset(
    {
        "caseworker",
        "practitioner",
        "supervisor",
        "intelligence-officer",
        "investigator",
        "analyst",
        "mase-chair",
        "manager",
    }
)
NON_CASEWORK_ROLES = frozenset({"dpo", "sysadmin", "trainer"})


def reads_casework(user) -> bool:
    """Whether scope rules and agency shares reach the user: from the
    `reads_casework` annotation when the user was loaded with it
    (casework_role_held), else from the role codes (read once per request,
    cached on the user object)."""
    annotated = getattr(user, "reads_casework", None)
    if isinstance(annotated, bool):
        return annotated
    return not CASEWORK_ROLES.isdisjoint(user.role_codes)


def casework_role_held() -> Exists:
    """For `User.objects.annotate(reads_casework=casework_role_held())`: users
    loaded in bulk (people who may be chosen for a case) without a query each."""
    from accounts.models import Role

    return Exists(Role.objects.filter(group__user=OuterRef("pk"), code__in=CASEWORK_ROLES))


OWNED_BY_RECIPIENT = "owned_by_recipient"  # sharing.registry's built-in condition


def scope_predicate(kind: SharableKind, user, level: str, rules, *, exact: bool = False) -> Q:
    """OR of the rules that reach this user at `level` or above (at `level`
    itself with `exact`); Q() means every record."""
    predicates = []
    for rule in rules:
        if rule.record_kind != kind.kind or RANK[rule.level] < RANK[level] or (exact and rule.level != level):
            continue
        if rule.recipient_id is None:
            base = kind.owner_q(user.agency_id)
        elif rule.recipient_id == user.agency_id:
            base = Q()
        else:
            continue
        if rule.recipient_id is None and rule.condition == OWNED_BY_RECIPIENT:
            predicate = base  # the owner's own records: the base says it already
        else:
            predicate = base & kind.condition(rule.condition)(user, user.agency)
        if not predicate:
            return Q()  # unconditional: nothing else can widen it
        predicates.append(predicate)
    combined = NOTHING
    for predicate in predicates:
        combined = predicate if combined is NOTHING else combined | predicate
    return combined


class EqualsAny(Func):
    """`pk = ANY(ARRAY(subquery))`: unlike `pk IN (subquery)`, which PostgreSQL
    runs as a hashed filter, an index condition on the primary key."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        lhs, rhs = self.get_source_expressions()
        lhs_sql, lhs_params = compiler.compile(lhs)
        rhs_sql, rhs_params = compiler.compile(rhs)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


class ProbedExists(Exists):
    """`EXISTS(... OFFSET 0)`: asked of each outer row on its own, by index
    probes. PostgreSQL may run a plain correlated EXISTS as a hashed subplan,
    reading every row the subquery could return before the first outer row
    (for a derived kind's level: every report the viewer sees, 25,000 for KCC
    at the intelligence bench's scale), or pull it up into a join. Neither is
    done to a sub-select with an OFFSET (PostgreSQL's subselect.c,
    simplify_EXISTS_query), which changes nothing else: OFFSET 0 skips no row.
    For expressions over rows already chosen (a page's levels), not for a
    WHERE that picks rows from a whole table, where the join is cheaper
    (benchmarks/RESULTS.md, "Platform: the sharing engine's levels")."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


class GrantExists(Expression):
    """Whether the row has an unexpired grant on the kind's direct permission
    table for one holder (`group_id` or `user_id`) and some permissions: the
    SQL of `Exists(grants.filter(unexpired(), content_object=OuterRef("pk"),
    group_id=..., permission_id__in=...))`, written once per process for each
    table, holder and number of permissions. Built and compiled through the
    ORM, each such subquery cost more Python than its index probe costs
    PostgreSQL, and every visibility query and level CASE has one to four of
    them (benchmarks/RESULTS.md, "Platform"). `probed`: as ProbedExists.
    The end is compared with the time the query is compiled (as CompiledNow)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, grant_model, holder: str, holder_id: int, permission_ids, *, probed=False, record=None):
        super().__init__(output_field=BooleanField())
        self.grant_model, self.holder, self.holder_id = grant_model, holder, holder_id
        self.permission_ids, self.probed = tuple(permission_ids), probed
        self.record = F("pk") if record is None else record

    def get_source_expressions(self):
        return [self.record]

    def set_source_expressions(self, expressions):
        (self.record,) = expressions

    def as_sql(self, compiler, connection):
        record_sql, record_params = compiler.compile(self.record)
        template = _grant_exists_sql(self.grant_model, self.holder, len(self.permission_ids), self.probed)
        return (
            template.replace("{record}", record_sql),
            (*record_params, self.holder_id, *self.permission_ids, timezone.now()),
        )


_GRANT_EXISTS_SQL: dict[tuple, str] = {}


def _grant_exists_sql(grant_model, holder: str, permissions: int, probed: bool) -> str:
    key = (grant_model._meta.label_lower, holder, permissions, probed)
    if key not in _GRANT_EXISTS_SQL:
        quote = connection.ops.quote_name
        table = quote(grant_model._meta.db_table)
        alias = quote("sharing_grant")  # a name Django never gives an alias
        # Table and column names from the model's metadata; every value is a parameter.
        _GRANT_EXISTS_SQL[key] = (
            f"EXISTS(SELECT 1 FROM {table} {alias} WHERE {alias}.{quote('content_object_id')} = {{record}} "  # noqa: S608
            f"AND {alias}.{quote(holder)} = %s "
            f"AND {alias}.{quote('permission_id')} IN ({', '.join(['%s'] * permissions)}) "
            f"AND ({alias}.{quote('expires_at')} IS NULL OR {alias}.{quote('expires_at')} > %s) "
            f"LIMIT 1{' OFFSET 0' if probed else ''})"
        )
    return _GRANT_EXISTS_SQL[key]


# Below this many grants, the granted ids are also given to the planner as an
# index condition (benchmarks/RESULTS.md, finding 1); above it, the array
# would cost more than the EXISTS it helps.
FEW_GRANTS = 1000


def _grant_profile(kind: SharableKind, user) -> tuple[bool, bool]:
    """(has personal grants, holds at most FEW_GRANTS grants) for this kind, in
    one query, once per request (cached on the user object).

    Shares to named people are rare; leaving their EXISTS out of the query for
    everyone else keeps the plan the fast one (group grants only). A user who
    holds few grants gets the granted ids as an index hint (FEW_GRANTS)."""
    cache = user.__dict__.setdefault("_sharing_grant_profile", {})
    if kind.kind not in cache:
        every = list(kind.permission_ids(ORDER))
        with connection.cursor() as cursor:
            cursor.execute(_grant_profile_sql(kind), (user.pk, user.agency.group_id, every, user.pk, every))
            has_personal, held_count = cursor.fetchone()
        cache[kind.kind] = (has_personal, held_count <= FEW_GRANTS)
    return cache[kind.kind]


def _grant_profile_sql(kind: SharableKind) -> str:
    """The grant profile's query for a kind, written once per process: built
    through the ORM on every request, it cost more to compile than to run."""
    if kind.kind not in _GRANT_PROFILE_SQL:
        _GRANT_PROFILE_SQL[kind.kind] = _write_grant_profile_sql(kind)
    return _GRANT_PROFILE_SQL[kind.kind]


_GRANT_PROFILE_SQL: dict[str, str] = {}


def _write_grant_profile_sql(kind: SharableKind) -> str:
    personal = connection.ops.quote_name(kind.user_permission_model._meta.db_table)
    group = connection.ops.quote_name(kind.group_permission_model._meta.db_table)
    # Table names from the models' own metadata; every value is a parameter.
    return (
        f"SELECT EXISTS(SELECT 1 FROM {personal} WHERE user_id = %s), "  # noqa: S608
        f"(SELECT count(*) FROM (SELECT 1 FROM {group} WHERE group_id = %s AND permission_id = ANY(%s) "
        f"UNION ALL SELECT 1 FROM {personal} WHERE user_id = %s AND permission_id = ANY(%s) "
        f"LIMIT {FEW_GRANTS + 1}) AS held)"
    )


def holds_personal_grants(model, user) -> bool:
    """Whether the user holds grants of this model's kind by name (shares to
    them, not to their agency): from the grant profile, read once per request."""
    return _active_user(user) and _grant_profile(registry.for_model(model), user)[0]


def grant_predicate(kind: SharableKind, user, level: str, *, index_hint: bool = False, exact: bool = False) -> Q:
    """Active grants of `level` or above (of `level` itself with `exact`): to
    the user's agency (casework roles only) or to the user by name; a row
    past its end grants nothing. Without `index_hint` (a level CASE over rows
    already chosen) each grant is probed row by row (ProbedExists): hashed,
    the CASE read all of an agency's grants once for each level before its
    first row (KCC's 25,000 report grants: 11-16 ms for a 25-row page, 0.3-1.3
    ms probed; benchmarks/RESULTS.md, finding 3 and "Platform")."""
    permission_ids = kind.permission_ids((level,) if exact else at_least(level))
    personal, few = _grant_profile(kind, user)
    agency = reads_casework(user)
    predicate = NOTHING
    if agency:
        group_grant = GrantExists(
            kind.group_permission_model, "group_id", user.agency.group_id, permission_ids, probed=not index_hint
        )
        predicate = Q(group_grant)
    if personal:
        personal_grant = GrantExists(
            kind.user_permission_model, "user_id", user.pk, permission_ids, probed=not index_hint
        )
        predicate = Q(personal_grant) if predicate is NOTHING else predicate | Q(personal_grant)
    if predicate is NOTHING or not index_hint or not few:
        return predicate
    # A user who sees few records: the granted ids as an index condition let the
    # planner read just those rows (a BitmapOr with the owner index) instead of
    # walking the newest-first index through the whole table. The EXISTS still
    # decides (ends included), in the same snapshot, so the result is unchanged.
    group_ids = kind.group_permission_model.objects.filter(
        group_id=user.agency.group_id, permission_id__in=permission_ids
    ).values("content_object_id")
    personal_ids = kind.user_permission_model.objects.filter(user_id=user.pk, permission_id__in=permission_ids).values(
        "content_object_id"
    )
    if not agency:
        granted = personal_ids
    elif personal:
        granted = group_ids.union(personal_ids, all=True)
    else:
        granted = group_ids
    return Q(predicate, EqualsAny(F("pk"), Subquery(granted)))


def visibility_filter(
    model, user, level: str = AccessLevel.SUMMARY, rules=None, *, include_shares=True, index_hint=True
) -> Q:
    """The WHERE clause for `model.objects.visible_to(user, level)`; without
    shares, what the protocol's scope rules alone allow. `index_hint` is for
    filtering; a CASE over rows already chosen does not need it.

    Built once per request for each kind and level (cached on the user object,
    like the rules and the grant profile it is built from): a record page asks
    for it five times. Nothing in it is read at build time that may change
    within a request; the end of grants is compared with the time each query
    is compiled (CompiledNow)."""
    return _predicate(model, user, level, rules, include_shares=include_shares, index_hint=index_hint, exact=False)


def _predicate(model, user, level, rules, *, include_shares, index_hint, exact) -> Q:
    """visibility_filter's predicate, or with `exact` what gives `level` itself
    (the rules and grants of that level only), cached on the user object."""
    if not _active_user(user):
        return NOTHING
    kind = registry.for_model(model)
    if rules is not None and rules is not rules_in_force(user):
        return _visibility_filter(kind, user, level, rules, include_shares, index_hint, exact)
    cache = user.__dict__.setdefault("_sharing_predicates", {})
    key = (kind.kind, level, include_shares, index_hint, exact)
    if key not in cache:
        cache[key] = _visibility_filter(kind, user, level, rules, include_shares, index_hint, exact)
    return cache[key]


def _visibility_filter(kind, user, level, rules, include_shares, index_hint, exact=False) -> Q:
    if reads_casework(user):
        scope = scope_predicate(kind, user, level, rules_in_force(user) if rules is None else rules, exact=exact)
    else:
        scope = NOTHING  # oversight and training roles: named shares only
    if not scope or not include_shares:
        return _restricted(kind, user, scope)
    grants = grant_predicate(kind, user, level, index_hint=index_hint, exact=exact)
    if grants is NOTHING:
        return _restricted(kind, user, scope)
    return _restricted(kind, user, grants if scope is NOTHING else scope | grants)


def _restricted(kind: SharableKind, user, predicate: Q) -> Q:
    """AND the kind's restriction (registry `partners_only_if`) into every rule
    and grant for a user outside the owning agency: no protocol lifts it."""
    restriction = kind.restriction_for(user.agency_id)
    if restriction is None or predicate is NOTHING:
        return predicate
    return restriction if not predicate else predicate & restriction


def access_level_expression(model, user, *, include_shares=True):
    """SQL CASE giving each row's level for the user ('' when none).

    Asked from the highest level down, a level's WHEN is reached only by rows
    that no higher level covers, so it needs only the rules and grants of
    that level itself (`exact`): with visibility_filter's "that level or
    above", each WHEN repeated every higher level's predicates, to be built,
    compiled and evaluated again (benchmarks/RESULTS.md, "Platform")."""
    if not _active_user(user):
        return Value("", output_field=CharField())
    rules = rules_in_force(user)
    whens = []
    for level in reversed(ORDER):
        predicate = _predicate(model, user, level, rules, include_shares=include_shares, index_hint=False, exact=True)
        if predicate is NOTHING:
            continue  # nothing gives this level itself
        if not predicate:
            whens.append(When(Q(pk__isnull=False), then=Value(str(level))))
            break
        whens.append(When(predicate, then=Value(str(level))))
    return Case(*whens, default=Value(""), output_field=CharField())


def access_level(user, record, *, include_shares=True) -> str | None:
    """The highest level at which the user sees the record, or None. One query.
    Without shares: the level the protocol's scope rules alone give (what a
    user may pass on: sharing is never transitive)."""
    if not _active_user(user):
        return None
    model = type(record)
    if registry.is_derived(model):
        level = (
            model._default_manager.filter(pk=record.pk).with_access_level(user).values_list("access_level", flat=True)
        )
        return level.first() or None
    level = (
        model._default_manager.filter(pk=record.pk)
        .annotate(access_level=access_level_expression(model, user, include_shares=include_shares))
        .values_list("access_level", flat=True)
        .first()
    )
    return level or None


@dataclass(frozen=True)
class Explanation:
    level: str | None
    scope_rules: list  # ScopeRule rows (with .protocol) that cover the record for this user
    shares: list  # active Share rows to the user's agency or to the user


def explain(user, record, *, level: str | None = None) -> Explanation:
    """Why the user can see the record: the scope rules and the shares. Pass
    the level when the caller already has it (record pages do)."""
    from sharing.models import Share

    kind = registry.for_model(type(record))
    level = level or access_level(user, record)
    if level is None:
        return Explanation(level=None, scope_rules=[], shares=[])
    # Which rules cover the record: one query, a boolean per candidate rule.
    candidates = {}
    casework = reads_casework(user)
    for rule in rules_in_force(user) if casework else []:
        if rule.record_kind != kind.kind:
            continue
        predicate = scope_predicate(kind, user, rule.level, [rule])
        if predicate is not NOTHING:
            # Q() (the rule covers every record) is not a valid When condition.
            candidates[f"rule_{rule.pk}"] = (rule, predicate or Q(pk__isnull=False))
    covering = []
    if candidates:
        flags = (
            kind.model._default_manager.filter(pk=record.pk)
            .values(
                **{
                    name: Case(When(predicate, then=Value(True)), default=Value(False), output_field=BooleanField())
                    for name, (_, predicate) in candidates.items()
                }
            )
            .first()
            or {}
        )
        covering = [rule for name, (rule, _) in candidates.items() if flags.get(name)]
    shares = list(
        Share.objects.active()
        .for_record(record)
        .filter((Q(recipient_agency_id=user.agency_id) if casework else NOTHING) | Q(recipient_user_id=user.pk))
        .select_related("shared_by", "sharing_agency", "lawful_basis", "recipient_agency", "recipient_user")
    )
    return Explanation(level=level, scope_rules=covering, shares=shares)
