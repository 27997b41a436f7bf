"""Searching and filtering: SearchTerms as typed, and Filter's parts combined."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsreader.archive import Archive, Filter, Post, SearchTerms, parse_date_spec
from newsreader.archive.query import search_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2022, 6, 30, 12, 0, tzinfo=SHANGHAI)


def searched(archive: Archive, query: Filter) -> list[Post]:
    """``archive.filter`` with the text matched the way the index's search is defined."""
    terms = query.terms
    return archive.filter(query, {p.id for p in archive.posts if terms.matches(search_text(p))})


# --- parsing what was typed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "required", "excluded"),
    [
        ("", (), ()),
        ("   ", (), ()),
        ("港口", ("港口",), ()),
        ("Harbour CRANES", ("harbour", "cranes"), ()),
        ('"electric cranes" port', ("electric cranes", "port"), ()),
        ("cranes -diesel", ("cranes",), ("diesel",)),
        ('-"diesel cranes" port', ("port",), ("diesel cranes",)),
        ("港口 -柴油 电动", ("港口", "电动"), ("柴油",)),
        ('"unclosed phrase', ("unclosed", "phrase"), ()),
        ("Straße", ("strasse",), ()),
    ],
)
def test_search_terms_parse(text: str, required: tuple[str, ...], excluded: tuple[str, ...]):
    terms = SearchTerms.parse(text)
    assert terms.required == required
    assert terms.excluded == excluded


def test_empty_search_terms_are_false():
    assert not SearchTerms.parse("")
    assert not SearchTerms.parse("   ")
    assert SearchTerms.parse("a")
    assert SearchTerms.parse("-a")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harbour", True),
        ("HARBOUR", True),
        ("harbour cranes", True),
        ("cranes harbour", True),
        ("harbour ships", False),
        ('"electric cranes"', True),
        ('"cranes electric"', False),
        ("harbour -diesel", True),
        ("harbour -electric", False),
        ("港", True),
        ("港口", True),
        ("港口 电动", True),
        ("码头", False),
        ("-码头", True),
        ("-港", False),
    ],
)
def test_search_terms_match_case_insensitive_substrings(query: str, expected: bool):
    haystack = (
        "the harbour replaced its last cranes with electric cranes 港口换上了电动吊机".casefold()
    )
    assert SearchTerms.parse(query).matches(haystack) is expected


# --- filtering an archive -----------------------------------------------------------------


@pytest.fixture
def archive(make_post) -> Archive:
    posts = [
        make_post(
            "_posts/a.md",
            "2022-03-31 23:30",
            categories=("nanfangwang",),
            tags=("南方网新闻",),
            title="科技企业签约共建产业园",
            body="<p>签约仪式在广州举行。</p>\n\n<http://news.example.cn/a.htm>",
        ),
        make_post(
            "_posts/b.md",
            "2022-04-01 00:30",
            categories=("nanfangwang",),
            tags=("南方网新闻",),
            title="港口吞吐量回升",
            body='<p class="keytip">冷链货物增长最快。</p>',
        ),
        make_post(
            "_posts/c.md",
            "2022-04-15 10:00",
            categories=("emnews",),
            tags=("东财滚动新闻", "港口"),
            title="Harbour cranes go electric",
            body="The harbour replaced its diesel cranes.",
        ),
        make_post(
            "_posts/d.md",
            "2022-06-30 09:00",
            categories=("emnews", "energy"),
            tags=("东财滚动新闻",),
            title="Power grid upgrade",
            body="A grid upgrade for the port: cranes need power.",
        ),
        make_post(
            "_posts/e.md",
            "2021-12-31 23:59",
            categories=("changchunribao",),
            tags=("长春日报",),
            title="口袋公园",
            body="长春新建口袋公园。",
        ),
    ]
    return Archive(Path("/archive"), posts)


def titles(posts) -> list[str]:
    return [post.title for post in posts]


def ids(posts) -> list[str]:
    return [post.id.removeprefix("_posts/").removesuffix(".md") for post in posts]


def test_an_empty_filter_keeps_everything_newest_first(archive: Archive):
    assert Filter().is_empty
    assert ids(archive.filter(Filter())) == ["d", "c", "b", "a", "e"]


def test_filter_by_category(archive: Archive):
    assert ids(archive.filter(Filter(category="nanfangwang"))) == ["b", "a"]
    assert ids(archive.filter(Filter(category="energy"))) == ["d"]
    assert ids(archive.filter(Filter(category="nosuch"))) == []
    # Slugs are exact: case variants are different categories.
    assert ids(archive.filter(Filter(category="Nanfangwang"))) == []


def test_filter_by_tag(archive: Archive):
    assert ids(archive.filter(Filter(tag="东财滚动新闻"))) == ["d", "c"]
    assert ids(archive.filter(Filter(tag="港口"))) == ["c"]
    assert ids(archive.filter(Filter(tag="南方"))) == []


def test_filter_by_dates_in_the_filter_zone(archive: Archive):
    april = parse_date_spec("2022-04", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(dates=april))) == ["c", "b"]
    march = parse_date_spec("2022-03", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(dates=march))) == ["a"]
    assert ids(archive.filter(Filter(dates=parse_date_spec("2021", SHANGHAI, now=NOW)))) == ["e"]
    assert ids(archive.filter(Filter(dates=parse_date_spec("today", SHANGHAI, now=NOW)))) == ["d"]
    since = parse_date_spec("2022-04..", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(dates=since))) == ["d", "c", "b"]
    until = parse_date_spec("..2022-03-31", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(dates=until))) == ["a", "e"]
    assert ids(archive.filter(Filter(dates=parse_date_spec("2020", SHANGHAI, now=NOW)))) == []


def test_date_filters_compare_moments_not_wall_clocks(make_post):
    # 20:00 in New York on 31 March is 08:00 on 1 April in Shanghai.
    new_york = make_post("_posts/ny.md", "2022-03-31 20:00:00-04:00")
    archive = Archive(Path("/archive"), [new_york])
    april_in_shanghai = parse_date_spec("2022-04", SHANGHAI, now=NOW)
    march_in_new_york = parse_date_spec("2022-03", ZoneInfo("America/New_York"), now=NOW)
    assert ids(archive.filter(Filter(dates=april_in_shanghai))) == ["ny"]
    assert ids(archive.filter(Filter(dates=march_in_new_york))) == ["ny"]
    march_in_shanghai = parse_date_spec("2022-03", SHANGHAI, now=NOW)
    assert archive.filter(Filter(dates=march_in_shanghai)) == []


def test_date_boundaries_are_start_inclusive_end_exclusive(make_post):
    posts = [
        make_post("_posts/start.md", "2022-04-01 00:00"),
        make_post("_posts/last.md", "2022-04-30 23:59:59"),
        make_post("_posts/end.md", "2022-05-01 00:00"),
        make_post("_posts/before.md", "2022-03-31 23:59:59"),
    ]
    archive = Archive(Path("/archive"), posts)
    april = parse_date_spec("2022-04", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(dates=april))) == ["last", "start"]


def test_filter_by_text(archive: Archive):
    assert ids(searched(archive, Filter(text="cranes"))) == ["d", "c"]
    assert ids(searched(archive, Filter(text="CRANES -diesel"))) == ["d"]
    assert ids(searched(archive, Filter(text='"grid upgrade"'))) == ["d"]
    assert ids(searched(archive, Filter(text='"upgrade grid"'))) == []
    assert ids(searched(archive, Filter(text="harbour electric"))) == ["c"]
    assert ids(searched(archive, Filter(text="harbour power"))) == []


def test_text_search_finds_chinese_substrings_of_one_or_two_characters(archive: Archive):
    assert ids(searched(archive, Filter(text="港"))) == ["c", "b"]  # a tag of c, the title of b
    assert ids(searched(archive, Filter(text="签约"))) == ["a"]
    assert ids(searched(archive, Filter(text="公园"))) == ["e"]
    assert ids(searched(archive, Filter(text="冷链 货物"))) == ["b"]
    assert ids(searched(archive, Filter(text="新闻 -南方"))) == ["d", "c"]


def test_text_search_looks_in_title_categories_tags_and_body(archive: Archive):
    assert ids(searched(archive, Filter(text="产业园"))) == ["a"]  # title
    assert ids(searched(archive, Filter(text="changchun"))) == ["e"]  # category slug
    assert ids(searched(archive, Filter(text="长春日报"))) == ["e"]  # tag
    assert ids(searched(archive, Filter(text="广州"))) == ["a"]  # body text inside HTML


def test_text_search_ignores_markup_and_links(archive: Archive):
    assert searched(archive, Filter(text="keytip")) == []
    assert searched(archive, Filter(text="news.example.cn")) == []


def test_filters_combine(archive: Archive):
    april = parse_date_spec("2022-04", SHANGHAI, now=NOW)
    assert ids(archive.filter(Filter(category="emnews", tag="港口"))) == ["c"]
    assert ids(archive.filter(Filter(category="emnews", dates=april))) == ["c"]
    assert ids(searched(archive, Filter(category="emnews", text="power"))) == ["d"]
    assert ids(searched(archive, Filter(tag="东财滚动新闻", dates=april, text="cranes"))) == ["c"]
    assert ids(archive.filter(Filter(category="nanfangwang", tag="东财滚动新闻"))) == []
    assert ids(searched(archive, Filter(category="nanfangwang", dates=april, text="港口"))) == ["b"]
    everything = Filter(category="emnews", tag="东财滚动新闻", dates=april, text="electric")
    assert ids(searched(archive, everything)) == ["c"]


def test_filter_is_a_value(archive: Archive):
    base = Filter(category="emnews")
    narrower = base.with_changes(text="cranes")
    assert base == Filter(category="emnews")
    assert narrower == Filter(category="emnews", text="cranes")
    assert not narrower.is_empty
    assert narrower.with_changes(category=None, text="").is_empty
    assert narrower.terms == SearchTerms.parse("cranes")


def test_filter_describes_itself(archive: Archive):
    april = parse_date_spec("2022-04", SHANGHAI, now=NOW)
    description = Filter(category="nanfangwang", tag="港口", dates=april, text=" 港口 ").describe(
        archive.labels
    )
    assert "nanfangwang" in description and "南方网新闻" in description
    assert "港口" in description
    assert "2022-04" in description
    assert Filter().describe() == ""


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("港口", "search “港口”"),
        (' "street trees" ', "search “street trees”"),
        ('"street trees" -oak', 'search "street trees" -oak'),
        ('"a b" "c d"', 'search "a b" "c d"'),
        ('say "hi', 'search say "hi'),
    ],
)
def test_a_search_is_described_in_one_pair_of_quotes(text: str, described: str) -> None:
    assert Filter(text=text).describe() == described


def test_a_text_without_the_indexs_answer_is_refused() -> None:
    archive = Archive(Path("/archive"))
    with pytest.raises(ValueError, match="needs the ids"):
        archive.filter(Filter(text="cranes"))
