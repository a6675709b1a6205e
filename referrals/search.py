"""Reading what a caseworker types into the search box."""

import datetime
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, ExpressionWrapper, Func, Q

# Below this many children, a name search fetches the matching referrals' ids first
# and reads them by id: a plan that cannot flip to walking the
# whole newest-first index (benchmarks/RESULTS.md, referrals A1).
FEW_CHILDREN = 5000


class IdIsAnyOf(Func):
    """`id = ANY(%s)` with the ids as one array parameter: for thousands of ids,
    Django's `IN (%s, %s, ...)` costs more to build than PostgreSQL takes to run."""

    output_field = BooleanField()

    def __init__(self, expression, ids):
        super().__init__(expression)
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra_context):
        lhs_sql, lhs_params = compiler.compile(self.get_source_expressions()[0])
        return f"{lhs_sql} = ANY(%s)", (*lhs_params, self.ids)


@dataclass(frozen=True)
class NameSearch:
    query: SearchQuery  # full text over Child.search_vector
    most_children: int  # how many children it can match at most, from ChildNameWord
    # The words exactly as typed, when ranking by them means something: each is
    # a known name word and at least one was widened to similar ones ("zara"
    # to "cara"). None otherwise: every match is then exact, or none can be.
    exact: SearchQuery | None = None


def name_search(text: str) -> NameSearch | None:
    """Each word typed, widened to the known name words similar to it (trigram
    similarity over ChildNameWord, one query), must match a child's names or
    aliases (full text). None when nothing was typed."""
    from referrals.models import ChildNameWord

    terms = list(dict.fromkeys(re.findall(r"\w+", text.lower())))
    if not terms:
        return None
    similar = {f"t{index}": Q(word__trigram_word_similar=term) for index, term in enumerate(terms)}
    known = (
        ChildNameWord.objects.filter(reduce(or_, similar.values()))
        .annotate(
            **{name: ExpressionWrapper(condition, output_field=BooleanField()) for name, condition in similar.items()}
        )
        .values("word", "children", *similar)
    )
    words = {term: {term} for term in terms}
    counts = dict.fromkeys(terms, 0)
    for row in known:
        for index, term in enumerate(terms):
            if row[f"t{index}"]:
                words[term].add(row["word"])
                counts[term] += row["children"]
    per_term = [
        reduce(or_, (SearchQuery(word, search_type="plain", config="simple") for word in sorted(words[term])))
        for term in terms
    ]
    known_words = {word for found in words.values() for word in found} - set(terms)
    every_term_known = all(
        any(row["word"] == term for row in known) for term in terms
    )  # the queryset above is cached: no second query
    exact = None
    if known_words and every_term_known:
        exact = reduce(and_, (SearchQuery(term, search_type="plain", config="simple") for term in terms))
    return NameSearch(query=reduce(and_, per_term), most_children=min(counts.values()), exact=exact)


def parse_date(text: str) -> datetime.date | None:
    """A date typed as 14/3/2011, 14-03-2011 or 2011-03-14; None if it is not one."""
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _words(child) -> list[str]:
    names = [child.first_name, child.last_name, *(child.aliases or [])]
    return [word for name in names if name for word in re.findall(r"\w+", name.lower())]


def closeness(text: str, child) -> float:
    """How close the child's names are to the words typed: for each word, the
    best match among the child's names and aliases (1.0 when exact), summed."""
    terms = re.findall(r"\w+", text.lower())
    words = _words(child)
    if not terms or not words:
        return 0.0
    return sum(max(SequenceMatcher(None, term, word).ratio() for word in words) for term in terms)


def by_closeness(referrals: list, text: str) -> list:
    """A page of a name search, closest names first and, among equally close,
    in the order given (newest first). Anything else (a reference, a date, no
    search) keeps its order."""
    text = (text or "").strip()
    if not text or text.upper().startswith("CSE-") or parse_date(text) or not re.search(r"\w", text):
        return list(referrals)
    ranked = list(enumerate(referrals))
    ranked.sort(key=lambda pair: (-round(closeness(text, pair[1].child), 6), pair[0]))
    return [referral for _, referral in ranked]
