"""Reads of a fixed shape, turned into SQL once per process and run again with other values.

Django builds a query's SQL every time it runs it. For a channel read with its entity and its
official (`with_owner()`), building takes about a millisecond on this project's machines: more than
PostgreSQL takes to answer it from an index. The public answers that must come back within a few
milliseconds at any size (verify above all, issue 13) run the same few shapes again and again
with other values. `CompiledRead` builds a shape's SQL once, with markers where the values go,
remembers which parameters the markers became, and afterwards runs that SQL with the values in
their place, through the queryset's own row reading (related objects, `only`, `values_list`,
annotations, converters): the rows are exactly those the queryset would give.

What it accepts, so that a marker stays itself on its way into the SQL:
- texts and whole numbers compared for equality (`field=value`, `field__in=list`, a whole list given
  to `RawSQL`); a lookup or a build that changes a value on its way in (`icontains` wraps it in
  `%`, `.lower()`) is refused when the read is built;
- lists, whose length is part of the shape (a list of three ids and a list of two are two shapes);
- a build that depends on nothing but its values and the active language.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import QuerySet
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE
from django.utils import translation

# Values no query of this project holds: a text in Unicode's private use area (in mixed case and
# between spaces, so that a build which lowers, uppers or strips a value changes its marker, and is
# refused), a number within the range of integer and positive integer columns (Django finds a value
# out of a column's range matching nothing, and says so by refusing to build). Each marker is told
# apart by its index.
_TEXT_MARKER = " \ue000Compiled-Read-{}\ue000 "
_NUMBER_MARKER = 2_000_000_000
_NUMBER_MARKERS = range(_NUMBER_MARKER, _NUMBER_MARKER + 100_000)


class _Whole(list):
    """A list value's marker when the list reaches the SQL as one parameter (an array)."""


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet | None  # None: the shape can match no row (an empty `IN` list)
    compiler: Any = None
    sql: str = ""
    # For each of the SQL's parameters: ("value", i) the i-th value, ("item", i, j) its j-th item,
    # or ("same", p) the constant p the build put there itself.
    places: tuple = ()


class CompiledRead:
    """`read(*values)`: the rows of `build(*values)`, its SQL built once per shape."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._shapes: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *values: Any) -> list:
        compiled = self._compiled(values)
        if compiled.queryset is None:
            return []
        params = [_value(place, values) for place in compiled.places]
        run = copy.copy(compiled.compiler)
        run.connection = connection = connections[compiled.queryset.db]  # this thread's, not the builder's
        run.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        # Logged queries (DEBUG, tests counting them) go the ordinary way, to be logged with their
        # values: a statement bound on the server is logged without them.
        if settings.DATABASE_PREPARED_READS and not connection.queries_logged:
            run.execute_sql = lambda *args, **kwargs: _prepared(connection, compiled.sql, params, run)
        iterable = compiled.queryset._iterable_class(_Run(compiled.queryset, run), chunk_size=GET_ITERATOR_CHUNK_SIZE)
        return list(iterable)

    def _compiled(self, values: Sequence[Any]) -> _Compiled:
        shape = (translation.get_language(), *(_shape(value) for value in values))
        compiled = self._shapes.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._shapes.get(shape) or self._compile(values)
                self._shapes[shape] = compiled
        return compiled

    def _compile(self, values: Sequence[Any]) -> _Compiled:
        markers = [_marker(i, value) for i, value in enumerate(values)]
        queryset = self.build(*markers)
        if queryset._prefetch_related_lookups:
            raise TypeError("CompiledRead runs one statement: prefetch_related is not for it.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            if any(isinstance(value, (list, tuple)) and not value for value in values):
                return _Compiled(queryset=None)  # an empty IN list: no row, whatever the other values
            raise
        places = tuple(_place(param, markers) for param in params)
        used = {place[1] for place in places if place[0] != "same"}
        changed = [place[1] for place in places if place[0] == "same" and _is_marker_like(place[1])]
        missing = sorted(set(range(len(values))) - used)
        if missing or changed:
            raise TypeError(f"CompiledRead: value(s) {missing or changed} did not reach the SQL as themselves "
                            f"(only equality and IN lookups keep a value as it was given).")
        return _Compiled(queryset=queryset, compiler=compiler, sql=sql, places=places)


def _prepared(connection, sql: str, params: list, compiler) -> list[list[tuple]]:
    """The rows of the statement, as `execute_sql` gives them to a row reader (one chunk), through a
    cursor that sends the values apart from the SQL: psycopg then has PostgreSQL prepare a statement
    it has seen run twice on this connection (`prepare_threshold`, set with DATABASE_PREPARED_READS),
    and the plan is not made again. The SQL text of a compiled read never changes: every run after
    the second skips planning."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    with connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if compiler.has_extra_select:  # as execute_sql: the columns only ordering needed are cut
        rows = [row[:compiler.col_count] for row in rows]
    return [rows]


class _Run:
    """What a queryset's row reader asks of its queryset, with the compiled statement in its query."""

    def __init__(self, queryset: QuerySet, compiler):
        self.db = queryset.db
        self.model = queryset.model
        self._fields = queryset._fields
        self._known_related_objects = queryset._known_related_objects
        self.query = _QueryRun(queryset.query, compiler)


class _QueryRun:
    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


def _shape(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ("list", len(value))
    return type(value).__name__


def _scalar_marker(number: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"CompiledRead takes texts, whole numbers and lists of them, not {type(value).__name__}.")
    return _TEXT_MARKER.format(number) if isinstance(value, str) else _NUMBER_MARKER + number


def _marker(i: int, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        # Each item its own marker (an IN list spreads them over parameters); the list itself is the
        # marker when it reaches the SQL whole (RawSQL's array).
        return _Whole(_scalar_marker(1000 * (i + 1) + j, item) for j, item in enumerate(value))
    return _scalar_marker(i, value)


def _same(param: Any, marker: Any) -> bool:
    if isinstance(marker, str):
        return isinstance(param, str) and param == marker
    # Django may hand an integer on wrapped (psycopg's Int8 for a big integer column): equal as numbers.
    return isinstance(param, int) and not isinstance(param, bool) and int(param) == marker


def _place(param: Any, markers: list) -> tuple:
    for i, marker in enumerate(markers):
        if param is marker:
            return ("value", i)
        if isinstance(marker, _Whole):
            for j, item in enumerate(marker):
                if _same(param, item):
                    return ("item", i, j)
        elif _same(param, marker):
            return ("value", i)
    return ("same", param)


def _is_marker_like(param: Any) -> bool:
    """A constant of the SQL made from a marker (a value changed on its way in: wrapped, lowered)."""
    if isinstance(param, str):
        return "\ue000" in param
    if isinstance(param, (list, tuple)):
        return any(_is_marker_like(item) for item in param)
    return isinstance(param, int) and not isinstance(param, bool) and int(param) in _NUMBER_MARKERS


def _value(place: tuple, values: Sequence[Any]) -> Any:
    if place[0] == "value":
        return values[place[1]]
    if place[0] == "item":
        return values[place[1]][place[2]]
    return place[1]
