"""Every write of the sharing app: protocols, signatures, shares, revocation.

Each service is one transaction, checks on the server what the user may do,
and records an access event. A refusal raises ValidationError with the field
it concerns, so pages show it next to the field and the API returns a 400;
nothing is saved.
"""

import datetime

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency, User
from audit.models import AccessEvent
from audit.services import record_access
from cse_team.validators import text_errors
from outbox.services import enqueue
from sharing import access, registry
from sharing.levels import ORDER, RANK
from sharing.models import LawfulBasis, Protocol, ProtocolTransition, ScopeRule, Share, ShareRule, Signatory
from sharing.signals import grants_changed


def protocol_in_force() -> Protocol | None:
    return Protocol.objects.in_force().first()


def allowed_share_rules(protocol: Protocol, *, record_kind: str, recipient: Agency):
    return ShareRule.objects.filter(protocol=protocol, record_kind=record_kind).filter(
        Q(recipient=recipient) | Q(recipient__isnull=True, protocol__participants=recipient)
    )


# The longest purpose, conditions or revocation reason: a sentence or a short
# paragraph. The purpose is copied into the append-only access log, so an
# unbounded one would be a permanent row of any size (issue #14).
SHARE_TEXT_MAX = 2000


@transaction.atomic
def share_record(
    *,
    shared_by: User,
    record,
    level: str,
    purpose: str,
    lawful_basis: LawfulBasis,
    recipient_agency: Agency | None = None,
    recipient_user: User | None = None,
    conditions: str = "",
    expires_at: datetime.datetime | None = None,
    request=None,
) -> Share:
    """Share one record with an agency or a named person, as the protocol allows."""
    kind = registry.for_model(type(record))
    if access.access_level(shared_by, record) is None:
        raise Http404("No such record")  # existence is not disclosed
    # Only what the protocol gives the sharer may be passed on: a record seen
    # because another agency shared it is not shared onwards (no transitive sharing).
    held = access.access_level(shared_by, record, include_shares=False)
    errors = {}
    if held is None:
        raise ValidationError(
            {"__all__": "This record was shared with you; only an agency the protocol gives it to can share it"}
        )
    if (recipient_agency is None) == (recipient_user is None):
        errors["recipient_agency"] = "Choose one agency or one person to share with"
    if level not in RANK:
        errors["level"] = "Choose summary or full"
    elif RANK[level] > RANK[held]:
        errors["level"] = f"You can share this record at {held} at most, the level you hold"
    if not purpose or not purpose.strip():
        errors["purpose"] = "Enter the purpose of sharing"
    text_errors(errors, "purpose", purpose, SHARE_TEXT_MAX, "The purpose")
    text_errors(errors, "conditions", conditions, SHARE_TEXT_MAX, "The conditions")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The end date must be in the future"
    if lawful_basis.regime != shared_by.agency.regime:
        errors["lawful_basis"] = (
            f"{lawful_basis.title} is not a lawful basis for {shared_by.agency.name}, "
            f"which shares under {shared_by.agency.get_regime_display()}"
        )
    protocol = protocol_in_force()
    if protocol is None:
        errors["__all__"] = "No Information Sharing Protocol is in force, so nothing can be shared"
    recipient = recipient_agency or (recipient_user.agency if recipient_user else None)
    if recipient and not errors and not _may_reach(kind, record, recipient):
        errors["__all__"] = kind.partners_only_if_reason or (
            f"This {kind.verbose_name} may not be shared outside the agency that owns it"
        )
    if recipient and not errors and kind.check_share is not None:
        errors.update(kind.check_share(record=record, level=level, recipient=recipient, conditions=conditions.strip()))
    if protocol and recipient and not errors:
        if recipient_user is not None and not recipient_user.is_active:
            errors["recipient_user"] = "That person's account is not active"
        rules = list(
            allowed_share_rules(protocol, record_kind=kind.kind, recipient=recipient).prefetch_related("lawful_bases")
        )
        if not rules:
            errors["recipient_agency"] = (
                f"The protocol in force (version {protocol.version}) does not allow sharing "
                f"{kind.verbose_name} records with {recipient.name}"
            )
        elif not any(RANK[rule.highest_level] >= RANK[level] for rule in rules):
            top = max((rule.highest_level for rule in rules), key=RANK.__getitem__)
            errors["level"] = f"The protocol allows sharing with {recipient.name} at {top} at most"
        elif not any(
            RANK[rule.highest_level] >= RANK[level] and lawful_basis in rule.lawful_bases.all() for rule in rules
        ):
            errors["lawful_basis"] = f"The protocol does not allow this lawful basis for sharing with {recipient.name}"
    if errors:
        raise ValidationError(errors)

    share = Share.objects.create(
        record_kind=kind.kind,
        record_id=record.pk,
        protocol=protocol,
        shared_by=shared_by,
        sharing_agency=shared_by.agency,
        recipient_agency=recipient_agency,
        recipient_user=recipient_user,
        level=level,
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        conditions=conditions.strip(),
        expires_at=expires_at,
    )
    sync_grants(kind=kind, record_id=record.pk, recipient_agency=recipient_agency, recipient_user=recipient_user)
    record_access(
        user=shared_by,
        action=AccessEvent.Action.SHARE,
        record_kind=kind.kind,
        record_ids=[record.pk],
        request=request,
        reason=purpose,
        details={"share": share.pk, "recipient": share.recipient_name, "level": level, "basis": lawful_basis.code},
    )
    return share


def _may_reach(kind, record, recipient: Agency) -> bool:
    """Whether the kind's restriction (registry `partners_only_if`) lets the
    record reach users of `recipient`; no protocol rule can widen it."""
    restriction = kind.restriction_for(recipient.pk)
    return restriction is None or kind.model._default_manager.filter(restriction, pk=record.pk).exists()


@transaction.atomic
def revoke_share(*, share: Share, revoked_by: User, reason: str, request=None) -> Share:
    """End a share and remove the access it gave. Only the sharing agency's staff may."""
    if share.sharing_agency_id != revoked_by.agency_id:
        raise PermissionDenied("Only the agency that shared a record can revoke the share")
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Enter why the share is being revoked"})
    errors = {}
    text_errors(errors, "reason", reason, SHARE_TEXT_MAX, "The reason")
    if errors:
        raise ValidationError(errors)
    if share.ended_at is not None:
        return share
    _end_shares(Share.objects.filter(pk=share.pk), reason=Share.EndReason.REVOKED, ended_by=revoked_by, note=reason)
    share.refresh_from_db()
    record_access(
        user=revoked_by,
        action=AccessEvent.Action.REVOKE,
        record_kind=share.record_kind,
        record_ids=[share.record_id],
        request=request,
        reason=reason,
        details={"share": share.pk, "recipient": share.recipient_name},
    )
    return share


@transaction.atomic
def end_event_shares(*, shares, ended_by: User, reason: str, on_behalf_of: str, request=None) -> int:
    """End the active `shares` that an event made (DESIGN.md, "Events create
    shares too") when the event is undone, whichever agency's user made them:
    the system acting for the body they were made for, as the end date would
    (a MASE item taken off the agenda ends every share made for the panel for
    it). Not for one agency's own decision to stop sharing: that is
    `revoke_share`, which only the sharing agency may do. The caller has
    checked that `ended_by` may undo the event (the panel's chair); the
    trail is a revocation's: each share ends as revoked with `ended_by` and
    the reason on it, and a `revoke` access event names the share, who made
    it and for whom it was ended (`on_behalf_of`). Returns how many ended."""
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = "Enter why the shares are being ended"
    text_errors(errors, "reason", reason, SHARE_TEXT_MAX, "The reason")
    if errors:
        raise ValidationError(errors)
    ending = list(
        shares.active()
        .select_for_update(of=("self",))
        .select_related("sharing_agency", "recipient_agency", "recipient_user__agency")
    )
    ended = Share.objects.filter(pk__in=[share.pk for share in ending])
    _end_shares(ended, reason=Share.EndReason.REVOKED, ended_by=ended_by, note=reason)
    for share in ending:
        record_access(
            user=ended_by,
            action=AccessEvent.Action.REVOKE,
            record_kind=share.record_kind,
            record_ids=[share.record_id],
            request=request,
            reason=reason,
            details={
                "share": share.pk,
                "recipient": share.recipient_name,
                "shared_by_agency": share.sharing_agency.code,
                "on_behalf_of": on_behalf_of,
            },
        )
    return len(ending)


def expire_shares(*, now: datetime.datetime | None = None) -> int:
    """End shares whose end date has passed (Celery beat); idempotent."""
    with transaction.atomic():
        expired = Share.objects.expired(now).select_for_update(skip_locked=True)
        return _end_shares(expired, reason=Share.EndReason.EXPIRED)


def _end_shares(shares, *, reason: str, ended_by: User | None = None, note: str = "") -> int:
    affected = list(shares.values_list("pk", "record_kind", "record_id", "recipient_agency_id", "recipient_user_id"))
    if not affected:
        return 0
    Share.objects.filter(pk__in=[row[0] for row in affected]).update(
        ended_at=timezone.now(), end_reason=reason, ended_by=ended_by, end_note=note
    )
    by_kind: dict[str, list] = {}
    for _pk, kind, record_id, agency_id, user_id in affected:
        by_kind.setdefault(kind, []).append((record_id, agency_id, user_id))
    for kind, rows in by_kind.items():
        _resync(
            registry.get(kind),
            agency_pairs={(record_id, agency_id) for record_id, agency_id, _ in rows if agency_id},
            user_pairs={(record_id, user_id) for record_id, _, user_id in rows if user_id},
        )
    return len(affected)


def sync_grants(*, kind, record_id: int, recipient_agency: Agency | None, recipient_user: User | None) -> None:
    """Make one record's object permissions for one recipient match its active shares."""
    _resync(
        kind,
        agency_pairs={(record_id, recipient_agency.pk)} if recipient_agency else set(),
        user_pairs={(record_id, recipient_user.pk)} if recipient_user else set(),
    )


def _resync(kind, *, agency_pairs: set, user_pairs: set) -> None:
    """For each (record, recipient) pair, replace the object permission rows with
    one per level still shared by an active share: two set-based statements per
    table, whatever the number of pairs (a protocol change ends thousands)."""
    levels = dict(zip(ORDER, kind.permission_ids(ORDER), strict=True))
    level_case = "CASE s.level " + " ".join(f"WHEN '{level}' THEN {pid}" for level, pid in levels.items()) + " END"
    if agency_pairs:
        # Agency grants are held by the agency's group.
        _resync_table(
            kind.group_permission_model._meta.db_table,
            holder_column="group_id",
            share_column="recipient_agency_id",
            holder_join="JOIN accounts_agency a ON a.id = p.recipient_id",
            holder="a.group_id",
            pairs=agency_pairs,
            kind=kind,
            level_case=level_case,
            permission_ids=list(levels.values()),
        )
    if user_pairs:
        _resync_table(
            kind.user_permission_model._meta.db_table,
            holder_column="user_id",
            share_column="recipient_user_id",
            holder_join="",
            holder="p.recipient_id",
            pairs=user_pairs,
            kind=kind,
            level_case=level_case,
            permission_ids=list(levels.values()),
        )
    if agency_pairs or user_pairs:
        grants_changed.send(
            sender=kind.model, kind=kind.kind, agency_ids=frozenset(agency for _, agency in agency_pairs),
            user_ids=frozenset(user for _, user in user_pairs),
        )  # fmt: skip


def _resync_table(table, *, holder_column, share_column, holder_join, holder, pairs, kind, level_case, permission_ids):
    records, recipients = map(list, zip(*pairs, strict=True))
    pairs_sql = "unnest(%s::bigint[], %s::bigint[]) AS p(record_id, recipient_id)"
    # Table and column names come from model metadata and this module; values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {table} t USING {pairs_sql} {holder_join}
            WHERE t.content_object_id = p.record_id AND t.{holder_column} = {holder}
              AND t.permission_id = ANY(%s)
            """,  # noqa: S608
            [records, recipients, permission_ids],
        )
        # One row per record, recipient and level, carrying the latest end of
        # the shares behind it (none when one of them has no end): the
        # visibility query ignores the row from then on, beat or no beat.
        cursor.execute(
            f"""
            INSERT INTO {table} (content_object_id, {holder_column}, permission_id, expires_at)
            SELECT s.record_id, {holder}, {level_case},
                   CASE WHEN bool_or(s.expires_at IS NULL) THEN NULL ELSE max(s.expires_at) END
            FROM sharing_share s
            JOIN {pairs_sql} ON s.record_id = p.record_id AND s.{share_column} = p.recipient_id
            {holder_join}
            WHERE s.record_kind = %s AND s.ended_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > %s)
            GROUP BY 1, 2, 3
            ON CONFLICT DO NOTHING
            """,  # noqa: S608
            [records, recipients, kind.kind, timezone.now()],
        )


# --- Protocols ----------------------------------------------------------------


@transaction.atomic
def sign_protocol(*, protocol: Protocol, signed_by: User) -> Signatory:
    if protocol.status != Protocol.Status.DRAFT:
        raise ValidationError("Only a draft protocol can be signed")
    if not protocol.participants.filter(pk=signed_by.agency_id).exists():
        raise ValidationError(f"{signed_by.agency.name} is not a party to this protocol")
    signatory, _ = Signatory.objects.get_or_create(
        protocol=protocol, agency=signed_by.agency, defaults={"signed_by": signed_by}
    )
    return signatory


@transaction.atomic
def agree_protocol(*, protocol: Protocol, agreed_by: User, request=None) -> Protocol:
    """Put a fully signed draft in force, superseding the protocol before it, and
    queue the revocation of shares the new protocol no longer allows."""
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    if protocol.status != Protocol.Status.DRAFT:
        raise ValidationError("Only a draft protocol can be agreed")
    unsigned = protocol.participants.exclude(pk__in=protocol.signatories.values("agency"))
    if unsigned.exists():
        names = ", ".join(unsigned.values_list("name", flat=True))
        raise ValidationError(
            f"Every participating agency must sign before the protocol is agreed; waiting for {names}"
        )
    _check_rules(protocol)
    Protocol.objects.filter(status=Protocol.Status.AGREED).update(status=Protocol.Status.SUPERSEDED)
    protocol.status = Protocol.Status.AGREED
    protocol.agreed_at = timezone.now()
    protocol.effective_from = protocol.effective_from or timezone.localdate()
    protocol.save(update_fields=["status", "agreed_at", "effective_from"])
    transition = ProtocolTransition.objects.create(protocol=protocol, total=Share.objects.active().count())
    record_access(
        user=agreed_by,
        action=AccessEvent.Action.PERMISSION_CHANGE,
        record_kind="sharing.protocol",
        record_ids=[protocol.pk],
        request=request,
        details={"version": protocol.version, "agreed": True},
    )
    enqueue("sharing.revoke_disallowed_shares", transition_id=transition.pk)
    return protocol


def _check_rules(protocol: Protocol) -> None:
    for rule in ScopeRule.objects.filter(protocol=protocol):
        try:
            registry.get(rule.record_kind).condition(rule.condition)
        except (LookupError, ImproperlyConfigured) as error:
            raise ValidationError(f"Scope rule '{rule}' is not valid: {error}") from None


def revoke_disallowed_shares(*, transition_id: int, chunk_size: int = 5000) -> None:
    """End active shares that the newly agreed protocol does not allow, in
    chunks ordered by id; progress is saved after each chunk, so a stopped run
    resumes where it left off and a finished one does nothing."""
    transition = ProtocolTransition.objects.select_related("protocol").get(pk=transition_id)
    if transition.finished_at is not None:
        return
    allowed = allowed_share_tuples(transition.protocol)
    while True:
        with transaction.atomic():
            transition = ProtocolTransition.objects.select_for_update().get(pk=transition_id)
            chunk = list(
                Share.objects.active()
                .filter(pk__gt=transition.last_share_id)
                .order_by("pk")
                .values_list("pk", "record_kind", "recipient_agency_id", "recipient_user__agency_id", "level",
                             "lawful_basis_id")[:chunk_size]
            )  # fmt: skip
            if not chunk:
                transition.finished_at = timezone.now()
                transition.save(update_fields=["finished_at"])
                return
            disallowed = [
                pk
                for pk, kind, agency_id, user_agency_id, level, basis_id in chunk
                if not is_share_allowed(allowed, kind, agency_id or user_agency_id, level, basis_id)
            ]
            _end_shares(Share.objects.filter(pk__in=disallowed), reason=Share.EndReason.PROTOCOL)
            transition.last_share_id = chunk[-1][0]
            transition.processed += len(chunk)
            transition.revoked += len(disallowed)
            transition.save(update_fields=["last_share_id", "processed", "revoked"])


def allowed_share_tuples(protocol: Protocol) -> dict:
    """{(kind, recipient agency id or None): [(highest level rank, {basis ids})]}"""
    allowed: dict = {}
    participants = set(protocol.participants.values_list("pk", flat=True))
    for rule in ShareRule.objects.filter(protocol=protocol).prefetch_related("lawful_bases"):
        bases = {basis.pk for basis in rule.lawful_bases.all()}
        recipients = [rule.recipient_id] if rule.recipient_id else list(participants)
        for recipient in recipients:
            allowed.setdefault((rule.record_kind, recipient), []).append((RANK[rule.highest_level], bases))
    return allowed


def is_share_allowed(allowed, kind, recipient_id, level, basis_id) -> bool:
    return any(rank >= RANK[level] and basis_id in bases for rank, bases in allowed.get((kind, recipient_id), []))
