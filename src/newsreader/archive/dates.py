"""Dates: reading a post's date, and the one date-filter grammar of the CLI and the reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

DATE_SPEC_HELP = (
    "a year (2022), a month (2022-03) or a day (2022-03-31); today, yesterday; "
    "the last N days, weeks or months (7d, 4w, 3m); or a range of any two of these "
    "(2022-01..2022-03, 2022-03.. from a date on, ..2022-03 up to a date)"
)

_POST_DATE = re.compile(
    r"""^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
    (?:[ T\t]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?)?
    \s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE,
)
# What `git log` and `date` print, which Ruby's parser (and so Jekyll) reads:
# "Sat Nov 11 18:30:22 2023 -0800", also without the weekday or the offset.
_CLOCK_DATE = re.compile(
    r"""^\s*(?:[A-Za-z]{3},?\s+)?(?P<month>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+
    (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s+(?P<year>\d{4})
    \s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE,
)
# RFC 2822, as feeds and mail write it: "Sat, 11 Nov 2023 18:30:22 -0800".
_MAIL_DATE = re.compile(
    r"""^\s*(?:[A-Za-z]{3},?\s+)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{4})
    \s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
    \s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.VERBOSE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_RELATIVE = re.compile(r"^(\d{1,5})([dwm])$")
_CALENDAR = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_post_date(value: object, tz: tzinfo) -> datetime | None:
    """A front-matter date as an aware datetime, or None when it is not a date.

    See :func:`read_post_date`, which also says whether ``tz`` was used.
    """
    read = read_post_date(value, tz)
    return None if read is None else read[0]


def read_post_date(value: object, tz: tzinfo) -> tuple[datetime, bool] | None:
    """A front-matter date as an aware datetime and whether it was written without an offset
    (so read in ``tz``), or None when it is not a date.

    Accepts YAML's own datetimes and dates, and strings like ``2022-04-01 20:16:06 +0800``,
    ``2022-04-01 20:16:06``, ``2022-04-01T20:16:06Z`` and ``2022-04-01``, and those Ruby
    reads for Jekyll: ``Sat Nov 11 18:30:22 2023 -0800`` and ``Sat, 11 Nov 2023 18:30:22
    -0800``; a time without an offset is read in ``tz``.
    """
    if isinstance(value, datetime):
        return (value, False) if value.tzinfo else (value.replace(tzinfo=tz), True)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz), True
    if not isinstance(value, str):
        return None
    match = _POST_DATE.match(value) or _CLOCK_DATE.match(value) or _MAIL_DATE.match(value)
    if not match:
        return None
    parts = match.groupdict()
    month = parts["month"]
    if not month.isdigit():
        number = _MONTHS.get(month.lower())
        if number is None:
            return None
        parts["month"] = str(number)
    zone: tzinfo = tz
    if parts["zone"] == "Z":
        zone = UTC
    elif parts["zone"]:
        digits = parts["zone"].replace(":", "")
        minutes = int(digits[1:3]) * 60 + int(digits[3:5])
        if minutes >= 24 * 60:
            return None
        zone = timezone(timedelta(minutes=-minutes if digits[0] == "-" else minutes))
    try:
        when = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int((parts.get("fraction") or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return when, not parts["zone"]


class DateSpecError(ValueError):
    """A date filter that does not follow the grammar; its message lists the accepted forms,
    or says what else is wrong with it (``reason``)."""

    def __init__(self, spec: str, reason: str | None = None) -> None:
        super().__init__(reason or f"not a date filter: {spec!r}. Use {DATE_SPEC_HELP}.")
        self.spec = spec
        self.reason = reason

    @property
    def brief(self) -> str:
        """The message without the accepted forms, for where they are shown already."""
        return self.reason or f"not a date filter: {self.spec!r}"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Moments from ``start`` (inclusive) to ``end`` (exclusive); None is unbounded."""

    start: datetime | None
    end: datetime | None
    spec: str = ""

    def __contains__(self, moment: datetime) -> bool:
        if self.start is not None and moment < self.start:
            return False
        return self.end is None or moment < self.end


def parse_date_spec(spec: str, tz: tzinfo, now: datetime | None = None) -> DateRange:
    """Read a date filter (see DATE_SPEC_HELP) as a range in the zone ``tz``."""
    text = spec.strip().lower()
    today = (now or datetime.now(tz)).astimezone(tz).date()
    if ".." in text:
        first, _, last = text.partition("..")
        if not first and not last:
            raise DateSpecError(spec)
        start = _period(first, today, spec)[0] if first else None
        end = _period(last, today, spec)[1] if last else None
        if start and end and end <= start:
            reason = f"the date range {spec!r} is reversed: write {last.strip()}..{first.strip()}"
            raise DateSpecError(spec, reason)
    else:
        start, end = _period(text, today, spec)
    return DateRange(
        start=datetime.combine(start, time(), tzinfo=tz) if start else None,
        end=datetime.combine(end, time(), tzinfo=tz) if end else None,
        spec=spec.strip(),
    )


def _period(text: str, today: date, spec: str) -> tuple[date, date | None]:
    """The days one term of the grammar covers, as [first day, day after the last).

    The day after the last is None for a period ending on the last day a date can hold
    (9999-12-31): such a period runs to the end of time, as a post dated then exists.
    """
    text = text.strip()
    if text == "today":
        return today, _day_after(today)
    if text == "yesterday":
        return today - timedelta(days=1), today
    relative = _RELATIVE.match(text)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        try:
            if unit == "m":
                first = _months_before(today, count)
            else:
                days = count * (7 if unit == "w" else 1)
                first = today - timedelta(days=max(days - 1, 0))
        except (ValueError, OverflowError):
            raise DateSpecError(spec) from None
        return first, _day_after(today)
    calendar = _CALENDAR.match(text)
    if not calendar:
        raise DateSpecError(spec)
    year, month, day = (int(part) if part else None for part in calendar.groups())
    try:
        if month is None:
            first = date(year or 1, 1, 1)
            return first, _day_after(date(first.year, 12, 31))
        if day is None:
            first = date(year or 1, month, 1)
            if (first.year, first.month) == (date.max.year, 12):
                return first, None
            return first, _months_before(first, -1)
        first = date(year or 1, month, day)
        return first, _day_after(first)
    except (ValueError, OverflowError):
        raise DateSpecError(spec) from None


def _day_after(day: date) -> date | None:
    """The next day, or None after the last day a date can hold."""
    return None if day == date.max else day + timedelta(days=1)


def _months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (later when negative), clamped."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(f"no day {day.day} in {year}-{month}")


_YEAR_OR_PERCENT = re.compile(r"%([%Y])")


def strftime_padded(moment: datetime, fmt: str) -> str:
    """``moment.strftime(fmt)`` with ``%Y`` four digits for every year.

    glibc writes the year 1 as ``1``, so a post dated before 1000 would shift a column.
    """
    year = f"{moment.year:04d}"
    return moment.strftime(_YEAR_OR_PERCENT.sub(lambda m: "%%" if m.group(1) == "%" else year, fmt))


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the clock of ``zone``, the one zone a list's times are all shown in.

    Posts carry the offset they were written with (``+0000`` beside ``+0800``), so times shown
    as written make a newest-first list look unsorted. A moment that cannot be moved (the year
    1 west of UTC, 9999 east of it) stays as written.
    """
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment


def zone_name(zone: tzinfo) -> str:
    """The zone in words for the user: its name (``Asia/Shanghai``), else its offset
    (``UTC+08:00``, ``UTC``)."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        return key
    offset = zone.utcoffset(None)
    if offset is None:
        offset = datetime.now(zone).utcoffset() or timedelta()
    if not offset:
        return "UTC"
    minutes = round(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
