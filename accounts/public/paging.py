"""Pages of the public lists (the directory, the API's channels) that never count a million matches.

A page is read with one row more than it shows: that row says whether a next page exists, and a
page that comes back short is the last, so its count is known exactly without counting. Otherwise
the matches are counted only up to `PUBLIC_EXACT_COUNT_UP_TO` (a count over a LIMITed subquery);
above it the count is the planner's estimate, said as one ("about 480,000 channels"; the API's
`count_estimated`). The last page stays right whatever the estimate says: a next page is offered
only when its first row was read, a page past the end (or `page=last`) counts exactly, once per
register version and query, and every exact count learned is kept under that version.
"""
from __future__ import annotations

import json
from functools import cached_property

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

from accounts.public.cache import remember, remembered

COUNT = "count"


# What is paged is a QuerySet, or a list of another kind with the same four methods (count_key,
# capped_count, estimated_rows, count): accounts.public.directory.SearchedDirectory.

def count_key(matches) -> tuple | None:
    """What the count depends on (the query's SQL and parameters), to keep it under; None: not kept."""
    if not isinstance(matches, QuerySet):
        return matches.count_key() if hasattr(matches, "count_key") else None
    try:
        sql, params = matches.query.sql_with_params()
    except EmptyResultSet:
        return ("empty",)
    return (sql, tuple(map(str, params)))


def capped_count(matches, cap: int) -> int:
    """The matches counted up to `cap + 1` (one more says "more than cap")."""
    if not isinstance(matches, QuerySet):
        return matches.capped_count(cap)
    return matches.order_by().values("pk")[: cap + 1].count()


def estimated_rows(matches) -> int:
    """How many rows the planner expects (EXPLAIN, nothing executed)."""
    if not isinstance(matches, QuerySet):
        return matches.estimated_rows()
    try:
        plan = json.loads(matches.order_by().explain(format="json"))
    except EmptyResultSet:
        return 0
    return int(plan[0]["Plan"]["Plan Rows"])


def rounded(number: int) -> int:
    """An estimate to two significant figures: "about 480,000", not "about 481,237"."""
    magnitude = 10 ** max(len(str(number)) - 2, 0)
    return round(number / magnitude) * magnitude


class RegisterPage(Page):
    """A page that knows from its own rows whether another follows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def page_links(self) -> list[int | str]:
        """The page numbers to link, with `Paginator.ELLIPSIS` for gaps: around this page, the first,
        and the last only when the count is exact (an estimate names no last page)."""
        if not self.paginator.count_estimated:
            return list(self.paginator.get_elided_page_range(self.number, on_each_side=2, on_ends=1))
        shown = range(max(self.number - 2, 1), self.number + (2 if self.more else 1))
        return [*([1, Paginator.ELLIPSIS] if shown[0] > 2 else [1] if shown[0] == 2 else []), *shown]


class RegisterPaginator(Paginator):
    """Django's paginator over a queryset, with counts that stop at a cap (see the module docstring)."""

    def __init__(self, object_list, per_page, *, exact_up_to: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.exact_up_to = settings.PUBLIC_EXACT_COUNT_UP_TO if exact_up_to is None else exact_up_to
        self._estimated = False
        self._at_least = 0  # rows known to exist, from the pages read

    @property
    def count_estimated(self) -> bool:
        """Whether `count` is the planner's estimate rather than every match counted."""
        return self.count is not None and self._estimated

    # --- Counting -----------------------------------------------------------------------------

    def _count_key(self) -> tuple | None:
        return count_key(self.object_list)

    def _known(self, count: int) -> int:
        """An exact count learned: kept for this register version and query."""
        key = self._count_key()
        if key is not None:
            remember(COUNT, key, count)
        self.__dict__["count"] = count
        self._estimated = False
        return count

    def exact_count(self) -> int:
        """Every match counted (once per register version and query): for the last page's number."""
        if "count" in self.__dict__ and not self._estimated:
            return self.count
        key = self._count_key()
        known = remembered(COUNT, key) if key not in (None, ("empty",)) else None
        if known is not None:
            return self._known(known)
        if key == ("empty",):
            return self._known(0)
        return self._known(Paginator.count.func(self))

    @cached_property
    def count(self) -> int:
        key = self._count_key()
        if key is None:
            return super().count
        if key == ("empty",):
            return 0
        known = remembered(COUNT, key)
        if known is not None:
            return known
        if self._at_least <= self.exact_up_to:
            capped = capped_count(self.object_list, self.exact_up_to)
            if capped <= self.exact_up_to:
                return self._known(capped)
        self._estimated = True
        return max(rounded(estimated_rows(self.object_list)), self._at_least, self.exact_up_to + 1)

    # --- Paging -------------------------------------------------------------------------------

    def validate_number(self, number) -> int:
        """A whole number from 1: whether the page exists, its rows say."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> RegisterPage:
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset: offset + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if more:
            self._at_least = max(self._at_least, offset + len(rows) + 1)
            if self._estimated and self.__dict__["count"] < self._at_least:
                self.__dict__["count"] = self._at_least  # an estimate below the rows read
        elif "count" not in self.__dict__ or self._estimated:
            self._known(offset + len(rows))  # the last page: everything before it, and its rows
        return RegisterPage(rows, number, self, more=more)

    def get_page(self, number) -> RegisterPage:
        """Django's: a page that is not a number is the first; one past the end is the last, counted
        exactly (an estimate would name a page that does not exist, or hide one that does)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.last_page_number())

    def last_page_number(self) -> int:
        count = self.exact_count()
        return max(1, -(-count // self.per_page))
