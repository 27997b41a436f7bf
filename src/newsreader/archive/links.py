"""Which post a link names: Jekyll's ``post_url`` matching of a name to a post id."""

from __future__ import annotations

import re
from collections.abc import Callable

_STEM_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def linked_name_matcher(name: str) -> Callable[[str], bool]:
    """Whether a post id is meant by a link to ``name`` that is not itself an id (stripped
    as ``Archive.linked_post`` strips it): Jekyll's ``post_url`` matching."""
    wanted = _posts_free(_STEM_EXTENSION.sub("", name))
    suffix = "/" + wanted

    def matches(post_id: str) -> bool:
        stem = _posts_free(_STEM_EXTENSION.sub("", post_id))
        return stem == wanted or stem.endswith(suffix)

    return matches


def _posts_free(path: str) -> str:
    """``path`` without ``_posts`` folders: ``en/_posts/2010-07-21-a`` is ``en/2010-07-21-a``."""
    return "/".join(part for part in path.split("/") if part != "_posts")
