"""The one text search behind the pages and the API (issue 12): every word of the query must
occur, in any order, in one of a record's searched fields, ignoring case — in Kazakh and Russian
too.

- **PostgreSQL**: each word is matched with `ILIKE '%word%'`, which the trigram GIN indexes
  (`pg_trgm`, `gin_trgm_ops`, migrations `tracker.0008` and `indicators.0004`) answer without
  reading the table. When no record contains the words (one `EXISTS`, through the same
  indexes), a word may instead be *like* a word of a title, name or key (`word <% field`,
  pg_trgm's word similarity), which catches Kazakh's endings and small misspellings — there is
  no Kazakh stemmer. Results are ranked by `ts_rank` of the record's `simple`
  full-text vector (the same expression is GIN-indexed) against the words as prefixes, then by
  their natural order.
- **SQLite** (the embedded default): its LOWER and LIKE fold only ASCII letters, so a Python
  function, `crpd_casefold` (`str.casefold`), is registered on every connection and a word
  matches when it occurs in the casefolded field ("Пандус" finds "пандус").

`search(queryset, fields, text)` returns the queryset filtered (and, on PostgreSQL, ranked) in
one statement; `passage(obj, fields, text)` is the part of a matching record to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.dispatch import receiver

MAX_WORDS = 8  # a query is a few words; more would only multiply the index scans
MIN_SIMILAR_LENGTH = 5  # shorter words are matched as substrings only
LONG_TEXT_PREFIXES = ("description", "text", "section", "figures")


def words_of(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:MAX_WORDS]


@receiver(connection_created, dispatch_uid="tracker.search.sqlite_casefold")
def _register_casefold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "crpd_casefold",
            1,
            lambda value: value.casefold() if isinstance(value, str) else value,
            deterministic=True,
        )


class _ILike(Func):
    """`field ILIKE pattern` (PostgreSQL), the form a trigram GIN index on the column answers."""

    arg_joiner = " ILIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _WordSimilar(Func):
    """`word <% field`: the word is like some word of the field (pg_trgm, index-backed)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _FoldedContains(Func):
    """`instr(crpd_casefold(field), word) > 0` (SQLite): Unicode case folding in Python."""

    template = "(instr(crpd_casefold(%(expressions)s) > 0)"
    arg_joiner = "), "
    output_field = BooleanField()


class _SimpleVector(Func):
    """to_tsvector('simple', f1 || ' ' || f2 …): the same expression as the GIN index."""

    output_field = FloatField()

    def __init__(self, fields, query: str) -> None:
        self.fields = tuple(fields)
        parts = [Coalesce(F(name), Value("")) for name in self.fields]
        super().__init__(*parts, Value(query))

    def as_sql(self, compiler, connection, **extra):
        sqls, params = [], []
        for expression in self.source_expressions:
            sql, p = compiler.compile(expression)
            sqls.append(sql)
            params.extend(p)
        vector = " || ' ' || ".join(sqls[:-1])
        sql = (
            f"ts_rank(to_tsvector('simple'::regconfig, {vector}), to_tsquery('simple', {sqls[-1]}))"
        )
        return sql, params


def _escape_like(word: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", word)


def _prefix_query(words: list[str]) -> str:
    """`w1:* & w2:*` with every character that is not a letter or digit dropped (tsquery syntax)."""
    terms = [re.sub(r"[^\w]", "", w) for w in words]
    return " & ".join(f"{t}:*" for t in terms if t) or "''"


def _postgres_contains(fields, words) -> Q:
    return reduce(
        and_,
        (
            reduce(or_, (Q(_ILike(F(f), Value(f"%{_escape_like(w)}%"))) for f in fields))
            for w in words
        ),
    )


def _postgres_similar(fields, words) -> Q | None:
    """Every word like a word of a short field (titles, names, keys): the fallback when no record
    contains the words themselves. Long texts are left out: a common word is like thousands of
    them, and word similarity over each is a sequential scan of seconds."""
    short = [f for f in fields if not f.startswith(LONG_TEXT_PREFIXES)]
    if not short or any(len(w) < MIN_SIMILAR_LENGTH for w in words):
        return None
    return reduce(
        and_,
        (reduce(or_, (Q(_WordSimilar(Value(w), F(f))) for f in short)) for w in words),
    )


def _sqlite_match(fields, words) -> Q:
    return reduce(
        and_,
        (
            reduce(or_, (Q(_FoldedContains(F(f), Value(w.casefold()))) for f in fields))
            for w in words
        ),
    )


def search(queryset: QuerySet, fields, text: str, *, rank: bool = True) -> QuerySet:
    """`queryset` narrowed to the records in which every word of `text` occurs (see the module's
    docstring); on PostgreSQL ordered best first unless `rank` is false (a caller that keeps
    its own order, e.g. a filter under a paged list in key order)."""
    words = words_of(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        matched = queryset.filter(_postgres_contains(fields, words))
        similar = _postgres_similar(fields, words)
        if similar is not None and not matched.exists():
            matched = queryset.filter(similar)
        if not rank:
            return _fenced(queryset, matched)
        ordering = queryset.query.order_by or queryset.model._meta.ordering or ["pk"]
        return matched.annotate(_rank=_SimpleVector(fields, _prefix_query(words))).order_by(
            "-_rank", *ordering
        )
    return queryset.filter(_sqlite_match(fields, words))


def _fenced(queryset: QuerySet, matched: QuerySet) -> QuerySet:
    """`queryset` restricted to the ids of `matched`, computed apart (`OFFSET 0` keeps PostgreSQL
    from merging the two). Merged, a list paged in its own order walks that order's index and
    tests every row against the words (105 ms for page 1 at 100x the data); apart, the trigram
    indexes find the matches once and the page reads them in order (a few ms)."""
    sql, params = matched.order_by().values("pk").query.sql_with_params()
    # The SQL is Django's own compilation of `matched`, its values passed as parameters.
    return queryset.filter(pk__in=RawSQL(f"{sql} OFFSET 0", params))  # noqa: S611


@dataclass(frozen=True)
class Passage:
    field: str
    before: str
    match: str
    after: str


def passage(obj, fields, text: str, width: int = 90) -> Passage | None:
    """The first searched field of `obj` in which a word of `text` occurs, cut around it: what
    the search page shows (the template marks `match`)."""
    words = [w.casefold() for w in words_of(text)]
    for name in fields:
        value = str(getattr(obj, name, "") or "")
        folded = value.casefold()
        for word in words:
            at = folded.find(word)
            if at < 0:
                continue
            start, end = max(0, at - width), min(len(value), at + len(word) + width)
            return Passage(
                field=name,
                before=("…" if start else "") + value[start:at],
                match=value[at : at + len(word)],
                after=value[at + len(word) : end] + ("…" if end < len(value) else ""),
            )
    return None
