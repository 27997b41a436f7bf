"""The render layer: article bodies to Markdown, plain text and Rich renderables. No Textual.

`markdown` converts a body (HTML, Markdown or both) to clean Markdown and plain text, through
`html2md` for the HTML; `article` makes a post a Rich `Article`; `highlight` marks search
matches in it as it renders; `wrap` sets its text into lines by the Unicode line-breaking
rules with the Chinese prohibitions; `links` numbers its links; `plain` writes it as plain text.
"""

from newsreader.render.article import DEFAULT_STYLES, Article, ArticleStyles, render_article
from newsreader.render.highlight import MATCH_KEY, MAX_MATCHES, MatchMarker
from newsreader.render.markdown import ConvertedBody, body_to_markdown, plain_text

__all__ = [
    "DEFAULT_STYLES",
    "MATCH_KEY",
    "MAX_MATCHES",
    "Article",
    "ArticleStyles",
    "ConvertedBody",
    "MatchMarker",
    "body_to_markdown",
    "plain_text",
    "render_article",
]
