"""The data layer: finding, loading and querying an archive. Plain data: no Rich, no Textual."""

from newsreader.archive.collection import Archive
from newsreader.archive.columns import DRAFT, UNPUBLISHED
from newsreader.archive.dates import DATE_SPEC_HELP, DateRange, DateSpecError, parse_date_spec
from newsreader.archive.loader import LoadOptions, find_post_files, load_archive, load_post
from newsreader.archive.ordering import SORT_ORDERS, SortOrder
from newsreader.archive.post import Category, Post, Problem
from newsreader.archive.post_list import PostList
from newsreader.archive.query import Filter, SearchTerms

__all__ = [
    "DATE_SPEC_HELP",
    "DRAFT",
    "SORT_ORDERS",
    "UNPUBLISHED",
    "Archive",
    "Category",
    "DateRange",
    "DateSpecError",
    "Filter",
    "LoadOptions",
    "Post",
    "PostList",
    "Problem",
    "SearchTerms",
    "SortOrder",
    "find_post_files",
    "load_archive",
    "load_post",
    "parse_date_spec",
]
