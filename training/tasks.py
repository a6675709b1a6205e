from outbox.registry import handler
from training import coverage

# Outbox handler (enqueued by the session services when a session becomes
# delivered, or its register adds organisations or attendees): recompute that
# session's month-district-audience cell of the coverage rollup. Idempotent.
handler("training.refresh_coverage")(coverage.refresh_for_session)
