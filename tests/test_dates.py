"""Date filters (the grammar of --date and the reader's d key) and reading a post's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive.dates import (
    DATE_SPEC_HELP,
    DateRange,
    DateSpecError,
    in_zone,
    parse_date_spec,
    parse_post_date,
    zone_name,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A fixed "now": the afternoon of 2022-05-15 in Shanghai.
NOW = datetime(2022, 5, 15, 15, 30, tzinfo=SHANGHAI)


def midnight(year: int, month: int, day: int, tz=SHANGHAI) -> datetime:
    return datetime(year, month, day, tzinfo=tz)


def spec(text: str, tz=SHANGHAI, now: datetime = NOW) -> tuple[datetime | None, datetime | None]:
    result = parse_date_spec(text, tz, now=now)
    return result.start, result.end


# --- calendar periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022", midnight(2022, 1, 1), midnight(2023, 1, 1)),
        ("2022-03", midnight(2022, 3, 1), midnight(2022, 4, 1)),
        ("2022-12", midnight(2022, 12, 1), midnight(2023, 1, 1)),
        ("2024-02", midnight(2024, 2, 1), midnight(2024, 3, 1)),
        ("2022-3", midnight(2022, 3, 1), midnight(2022, 4, 1)),
        ("2022-03-31", midnight(2022, 3, 31), midnight(2022, 4, 1)),
        ("2024-02-29", midnight(2024, 2, 29), midnight(2024, 3, 1)),
        ("2022-12-31", midnight(2022, 12, 31), midnight(2023, 1, 1)),
        ("  2022-03  ", midnight(2022, 3, 1), midnight(2022, 4, 1)),
    ],
)
def test_calendar_periods_are_half_open_ranges_in_the_given_zone(text, start, end):
    assert spec(text) == (start, end)


def test_ranges_are_aware_and_in_the_requested_zone():
    result = parse_date_spec("2022-03-31", SHANGHAI, now=NOW)
    assert result.start is not None and result.end is not None
    assert result.start.utcoffset() == timedelta(hours=8)
    # Shanghai's midnight is 16:00 UTC the day before.
    assert result.start == datetime(2022, 3, 30, 16, 0, tzinfo=UTC)
    utc_day = parse_date_spec("2022-03-31", UTC, now=NOW)
    assert utc_day.start == datetime(2022, 3, 31, tzinfo=UTC)


def test_a_range_keeps_its_spec_for_display():
    assert parse_date_spec(" 2022-03 ", SHANGHAI, now=NOW).spec == "2022-03"


# --- ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022-01..2022-03", midnight(2022, 1, 1), midnight(2022, 4, 1)),
        ("2021..2022", midnight(2021, 1, 1), midnight(2023, 1, 1)),
        ("2022-03-01..2022-03-07", midnight(2022, 3, 1), midnight(2022, 3, 8)),
        ("2022-03-31..2022-03-31", midnight(2022, 3, 31), midnight(2022, 4, 1)),
        ("2022-03..", midnight(2022, 3, 1), None),
        ("..2022-03", None, midnight(2022, 4, 1)),
        ("..2022-03-31", None, midnight(2022, 4, 1)),
        ("2022-05-01..today", midnight(2022, 5, 1), midnight(2022, 5, 16)),
        ("yesterday..", midnight(2022, 5, 14), None),
        ("7d..yesterday", midnight(2022, 5, 9), midnight(2022, 5, 15)),
    ],
)
def test_ranges_from_a_to_b_and_open_ended(text, start, end):
    assert spec(text) == (start, end)


# --- relative periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", midnight(2022, 5, 15), midnight(2022, 5, 16)),
        ("TODAY", midnight(2022, 5, 15), midnight(2022, 5, 16)),
        ("yesterday", midnight(2022, 5, 14), midnight(2022, 5, 15)),
        # The last N days include today: 7d is today and the six days before.
        ("7d", midnight(2022, 5, 9), midnight(2022, 5, 16)),
        ("1d", midnight(2022, 5, 15), midnight(2022, 5, 16)),
        ("4w", midnight(2022, 4, 18), midnight(2022, 5, 16)),
        ("3m", midnight(2022, 2, 15), midnight(2022, 5, 16)),
        ("12m", midnight(2021, 5, 15), midnight(2022, 5, 16)),
    ],
)
def test_relative_periods_count_back_from_now(text, start, end):
    assert spec(text) == (start, end)


def test_months_back_clamp_to_the_end_of_a_shorter_month():
    now = datetime(2022, 5, 31, 12, 0, tzinfo=SHANGHAI)
    assert spec("3m", now=now) == (midnight(2022, 2, 28), midnight(2022, 6, 1))


def test_today_is_the_day_in_the_filter_zone_not_in_now_zone():
    # 23:30 UTC on 31 March is already 1 April in Shanghai.
    now = datetime(2022, 3, 31, 23, 30, tzinfo=UTC)
    assert spec("today", now=now) == (midnight(2022, 4, 1), midnight(2022, 4, 2))
    assert spec("today", tz=UTC, now=now) == (
        midnight(2022, 3, 31, UTC),
        midnight(2022, 4, 1, UTC),
    )


def test_without_now_today_is_the_current_day():
    result = parse_date_spec("today", SHANGHAI)
    assert result.start is not None
    assert result.start.date() == datetime.now(SHANGHAI).date()


# --- malformed specs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "..",
        "last week",
        "2022/03",
        "03-2022",
        "2022-13",
        "2022-00",
        "2022-02-30",
        "2022-03-32",
        "22",
        "7x",
        "d7",
        "-7d",
        "tomorrow",
        "2022..abc",
        "abc..2022",
        "2022-01...2022-03",
    ],
)
def test_malformed_specs_raise_with_the_accepted_forms(text):
    with pytest.raises(DateSpecError) as caught:
        parse_date_spec(text, SHANGHAI, now=NOW)
    message = str(caught.value)
    assert DATE_SPEC_HELP in message
    for form in ("2022", "2022-03", "2022-03-31", "today", "yesterday", "7d", "4w", "3m", ".."):
        assert form in message
    assert isinstance(caught.value, ValueError)
    assert caught.value.spec == text


@pytest.mark.parametrize(
    ("text", "turned"),
    [
        ("2022-03..2022-01", "2022-01..2022-03"),
        ("2022-03-02..2022-03-01", "2022-03-01..2022-03-02"),
    ],
)
def test_a_reversed_range_is_called_reversed_and_written_the_right_way(text, turned):
    with pytest.raises(DateSpecError) as caught:
        parse_date_spec(text, SHANGHAI, now=NOW)
    assert str(caught.value) == f"the date range {text!r} is reversed: write {turned}"
    assert caught.value.spec == text


@pytest.mark.parametrize("text", ["99999m", "9999-12", "9999", "99999w..", "..99999m"])
def test_out_of_range_specs_name_what_was_typed(text):
    # Either a range, or an error that names the spec the user typed (not some other date).
    try:
        parse_date_spec(text, SHANGHAI, now=NOW)
    except DateSpecError as error:
        assert error.spec == text
        assert repr(text) in str(error)


def test_the_help_names_every_form():
    for form in ("2022", "2022-03", "2022-03-31", "today", "yesterday", "7d", "4w", "3m"):
        assert form in DATE_SPEC_HELP
    assert "2022-03.." in DATE_SPEC_HELP
    assert "..2022-03" in DATE_SPEC_HELP


# --- membership ---------------------------------------------------------------------------


def test_a_range_holds_its_start_but_not_its_end():
    march = parse_date_spec("2022-03", SHANGHAI, now=NOW)
    assert midnight(2022, 3, 1) in march
    assert datetime(2022, 3, 31, 23, 59, 59, tzinfo=SHANGHAI) in march
    assert midnight(2022, 4, 1) not in march
    assert datetime(2022, 2, 28, 23, 59, 59, tzinfo=SHANGHAI) not in march


def test_membership_compares_moments_across_zones():
    march = parse_date_spec("2022-03", SHANGHAI, now=NOW)
    # 16:30 UTC on 31 March is 00:30 on 1 April in Shanghai: outside March there.
    assert datetime(2022, 3, 31, 16, 30, tzinfo=UTC) not in march
    # 15:59 UTC on 31 March is still 23:59 on 31 March in Shanghai.
    assert datetime(2022, 3, 31, 15, 59, tzinfo=UTC) in march
    # 20:00 on 28 Feb in New York is 09:00 on 1 March in Shanghai.
    assert datetime(2022, 2, 28, 20, 0, tzinfo=ZoneInfo("America/New_York")) in march


def test_open_ranges_are_unbounded_on_their_open_side():
    since = parse_date_spec("2022-03..", SHANGHAI, now=NOW)
    assert datetime(2999, 1, 1, tzinfo=UTC) in since
    assert datetime(2022, 2, 1, tzinfo=SHANGHAI) not in since
    until = parse_date_spec("..2022-03", SHANGHAI, now=NOW)
    assert datetime(1970, 1, 2, tzinfo=UTC) in until
    assert midnight(2022, 4, 1) not in until
    everything = DateRange(None, None)
    assert datetime(2000, 1, 1, tzinfo=UTC) in everything


# --- a post's own date --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-04-01 20:16:06 +0800", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01 20:16:06 +08:00", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01 12:16:06 +0000", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01 07:16:06 -0500", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01 20:16:06", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01 20:16", datetime(2022, 4, 1, 20, 16, tzinfo=SHANGHAI)),
        ("2022-04-01T12:16:06Z", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
        ("2022-04-01T20:16:06.250", datetime(2022, 4, 1, 20, 16, 6, 250000, tzinfo=SHANGHAI)),
        ("2022-04-01", datetime(2022, 4, 1, tzinfo=SHANGHAI)),
        ("2022-4-1", datetime(2022, 4, 1, tzinfo=SHANGHAI)),
        ("  2022-04-01 20:16:06 +0800  ", datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)),
    ],
)
def test_post_dates_written_as_text(value, expected):
    parsed = parse_post_date(value, SHANGHAI)
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_post_date_keeps_the_written_offset():
    parsed = parse_post_date("2022-04-01 20:16:06 -0530", SHANGHAI)
    assert parsed is not None
    assert parsed.utcoffset() == -timedelta(hours=5, minutes=30)
    assert parsed.isoformat() == "2022-04-01T20:16:06-05:30"


def test_a_time_without_offset_is_read_in_the_given_zone():
    text = "2022-04-01 20:16:06"
    in_shanghai = parse_post_date(text, SHANGHAI)
    in_utc = parse_post_date(text, UTC)
    assert in_shanghai is not None and in_utc is not None
    assert in_utc - in_shanghai == timedelta(hours=8)
    assert in_shanghai.isoformat() == "2022-04-01T20:16:06+08:00"


def test_post_dates_from_yaml_values():
    # PyYAML hands out naive datetimes (no offset written), aware ones (Z) and dates.
    naive = parse_post_date(datetime(2022, 4, 1, 20, 16, 6), SHANGHAI)
    assert naive == datetime(2022, 4, 1, 20, 16, 6, tzinfo=SHANGHAI)
    assert naive is not None and naive.tzinfo is not None
    aware = datetime(2023, 2, 1, 8, 30, tzinfo=UTC)
    kept = parse_post_date(aware, SHANGHAI)
    assert kept == aware
    assert kept is not None and kept.utcoffset() == timedelta(0)
    day = parse_post_date(date(2022, 8, 15), SHANGHAI)
    assert day == datetime(2022, 8, 15, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        " +0800",
        "+0800",
        "yesterday",
        "2022-02-30",
        "2022-13-01",
        "2022-04-01 25:00:00",
        "2022-04-01 20:16:06 +2500",
        "01/04/2022",
        "2022-04-01 and more",
        20220401,
        3.5,
        ["2022-04-01"],
        {"date": "2022-04-01"},
    ],
)
def test_things_that_are_not_dates_give_none(value):
    assert parse_post_date(value, SHANGHAI) is None


def test_times_written_in_other_offsets_are_shown_on_one_clock() -> None:
    written = [
        datetime(2024, 5, 5, 3, 0, tzinfo=UTC),
        datetime(2024, 5, 5, 10, 0, tzinfo=timezone(timedelta(hours=8))),
    ]
    shown = [in_zone(moment, SHANGHAI).strftime("%H:%M %z") for moment in written]
    assert shown == ["11:00 +0800", "10:00 +0800"]


def test_a_moment_the_zone_cannot_hold_stays_as_written() -> None:
    first = datetime(1, 1, 1, tzinfo=UTC)
    assert in_zone(first, timezone(timedelta(hours=-5))) == first
    last = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    assert in_zone(last, SHANGHAI) is last


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        (SHANGHAI, "Asia/Shanghai"),
        (UTC, "UTC"),
        (timezone(timedelta(hours=8)), "UTC+08:00"),
        (timezone(timedelta(hours=-3, minutes=-30)), "UTC-03:30"),
        (timezone(timedelta(hours=5, minutes=45), "NPT"), "UTC+05:45"),
    ],
)
def test_a_zone_is_named_for_the_user(zone: tzinfo, name: str) -> None:
    assert zone_name(zone) == name
