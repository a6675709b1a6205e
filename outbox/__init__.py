"""The transactional outbox: effects that must not be lost (an alert, an
e-mail, a follow-up task) are written as a row in the same transaction as the
record they are about, and delivered after commit until they succeed.

    # feature_app/tasks.py: what the effect does, registered by name
    from outbox.registry import handler

    @handler("feature.alert_someone")
    def alert_someone(*, record_id: int) -> None: ...

    # feature_app/services.py: inside the service's transaction
    from outbox.services import enqueue

    enqueue("feature.alert_someone", record_id=record.pk)

See docs/architecture.md, "Background work"."""
