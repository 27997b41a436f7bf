"""Jekyll's Liquid in a post body, rendered the way a reader expects instead of shown as typed.

The body goes through python-liquid (Liquid and nothing else: no file system, no Python), in
its lax mode so a tag it does not know is dropped rather than failing the whole post, and
bounded: loops stop after `LOOP_LIMIT` iterations, output after `OUTPUT_LIMIT` characters, and
nesting at the engine's own depth limit. Jekyll's own tags are rewritten before the engine
sees them:

- ``{% highlight ruby %}…{% endhighlight %}`` becomes a fenced code block of that language
  (its content is Liquid, as in Jekyll: ``raw`` inside keeps tags as typed);
- ``{% post_url 2010-07-21-name %}`` and ``{% link _posts/x.md %}`` become
  a link to ``newsreader:<name>`` (`links.post_href`), which the reader opens inside itself
  (`Archive.linked_post` finds the post a name means);
- ``{% include name %}`` (and ``include_relative``) becomes a short ``[include: name]`` note.

``{{ site.… }}`` and ``{{ page.… }}`` take their values from `LiquidContext`; what is unknown
renders empty, as in Jekyll. A body the engine cannot render at all (a broken tag) has every
tag and output removed, with a note saying so, and so has a body the engine would take more than
linear time to read (`liquid_scan.lexing_cost`): every step here is linear in the body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from newsreader.archive.post import Post
from newsreader.archive.site import site_variables

from .links import post_href
from .liquid_scan import lexing_cost, remove_liquid, replace_highlights, replace_includes

if TYPE_CHECKING:
    from liquid import Environment

LOOP_LIMIT = 1_000
"""Loop iterations one body may run, all loops together."""
OUTPUT_LIMIT = 400_000
"""Characters one body may render to."""
LEXING_BUDGET_PER_CHAR = 8
LEXING_BUDGET = 1_000_000
"""What the engine's lexer may scan for a body (see `lexing_cost`): per character, plus this."""
REMOVED_NOTE = "[Liquid template removed: it cannot be shown]"

_POST_LINK = re.compile(r"\{%-?\s*(?:post_url|link)\s+([^\s%]+)[^%]*?-?%\}")
_INCLUDE_NAME = re.compile(r"^((?:\{\{.*?\}\}|[^\s{])+)")
_BACKTICKS = re.compile(r"`{3,}")
_FENCE_PADDING = re.compile(
    r"^(`{3,}[A-Za-z0-9_+#.-]*\n)(?:[ \t]*\n)+|\n(?:[ \t]*\n)+(?=`{3,}$)", re.M
)


@cache
def _environment() -> Environment:
    """The bounded engine, made on the first body that holds Liquid.

    Importing python-liquid takes ~0.1 s, a fifth of the reader's start, and most archives
    (scraped news) hold no Liquid at all: they never pay it.
    """
    from liquid import Environment, Mode

    class BoundedEnvironment(Environment):
        loop_iteration_limit = LOOP_LIMIT
        output_stream_limit = OUTPUT_LIMIT
        local_namespace_limit = 100_000

    return BoundedEnvironment(tolerance=Mode.LAX)


@dataclass(frozen=True, slots=True)
class LiquidContext:
    """What ``{{ site.… }}`` and ``{{ page.… }}`` read: ``_config.yml`` and front matter."""

    site: Mapping[str, Any] = field(default_factory=dict)
    page: Mapping[str, Any] = field(default_factory=dict)


def page_context(post: Post) -> LiquidContext | None:
    """The Liquid context of a post: its front matter as ``page``, its site's config as ``site``.

    None when the body holds no Liquid, so nothing is read for most posts.
    """
    if not has_liquid(post.body):
        return None
    page: dict[str, Any] = dict(post.extra)
    page.update(
        title=post.title, date=post.date, categories=list(post.categories), tags=list(post.tags)
    )
    parts = post.id.count("/") + 1
    root = post.path.parents[parts - 1] if len(post.path.parents) >= parts else post.path.parent
    return LiquidContext(site=site_variables(root), page=page)


def has_liquid(text: str) -> bool:
    """Whether ``text`` may hold a Liquid tag or output (a cheap test before rendering)."""
    return "{%" in text or "{{" in text


def render_liquid(text: str, context: LiquidContext | None = None) -> str:
    """``text`` with its Liquid rendered (see the module docstring); never raises."""
    if not has_liquid(text):
        return text
    text = replace_highlights(text, _fenced)
    text = _POST_LINK.sub(lambda m: post_href(m.group(1)), text)
    text = replace_includes(text, _include_note)
    if lexing_cost(text) > LEXING_BUDGET_PER_CHAR * len(text) + LEXING_BUDGET:
        return _removed(text)
    context = context or LiquidContext()
    environment = _environment()
    from liquid.exceptions import LiquidError  # imported with the engine, above

    try:
        template = environment.from_string(text)
        rendered = template.render(site=dict(context.site), page=dict(context.page))
    except (LiquidError, RecursionError, ValueError, TypeError, ArithmeticError):
        return _removed(text)
    # Jekyll strips a highlighted block: the blank lines its tags leave are not code.
    return _FENCE_PADDING.sub(lambda m: m.group(1) or "\n", rendered)


def _removed(text: str) -> str:
    return remove_liquid(text).rstrip() + f"\n\n{REMOVED_NOTE}\n"


def _fenced(language: str, code: str) -> str:
    code = code.strip("\n")
    fence = "`" * max([3, *(len(run) + 1 for run in _BACKTICKS.findall(code))])
    # As in Jekyll, the code is Liquid too: a `raw` inside keeps what must show as typed.
    return f"\n\n{fence}{language}\n{code}\n{fence}\n\n"


def _include_note(what: str) -> str:
    name = _INCLUDE_NAME.match(what.strip())
    return f"[include: {name.group(1) if name else 'file'}]"
