"""Keeping name search's word list (ChildNameWord) true."""

from django.db import connection, transaction

# ts_stat counts, for every word of every child's names, how many children
# have it; words no child has any more are removed.
REFRESH_SQL = """
WITH stat AS (SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM referrals_child')),
upserted AS (
    INSERT INTO referrals_childnameword (word, children)
    SELECT word, ndoc FROM stat
    ON CONFLICT (word) DO UPDATE SET children = EXCLUDED.children
    RETURNING word
)
DELETE FROM referrals_childnameword WHERE word NOT IN (SELECT word FROM stat)
"""


@transaction.atomic
def refresh_child_name_words() -> None:
    """Recount the children who have each name word (hourly, and after a data
    migration); about a third of a second for 800,000 children."""
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL)
