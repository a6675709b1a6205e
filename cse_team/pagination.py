from functools import cached_property

from django.core.paginator import Paginator


class CappedCountPaginator(Paginator):
    """Counts at most `count_cap` rows: an exact COUNT(*) over hundreds of
    thousands of rows costs hundreds of milliseconds on every page
    (DESIGN.md), and "more than 10,000" is all a list needs to say. Older rows
    are reached by narrowing the filters, not by paging further."""

    count_cap = 10_000

    @cached_property
    def _counted(self) -> int:
        # Without ORDER BY, PostgreSQL stops at the cap instead of producing the
        # rows in order first (benchmarks/RESULTS.md, finding 2).
        return self.object_list.order_by()[: self.count_cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_cap)

    @property
    def count_is_capped(self) -> bool:
        return self._counted > self.count_cap
