from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: an exact COUNT(*) over hundreds of
    thousands of visible records costs hundreds of milliseconds (DESIGN.md),
    and "more than 10,000" is all a list page needs to say."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # Without ORDER BY, PostgreSQL stops at the cap instead of producing the
        # visible rows in order first (benchmarks/RESULTS.md, finding 2).
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap
