"""What render/ relies on inside Rich, html2text and markdown-it, checked by name.

`render.highlight` subclasses Rich's Markdown elements and `render.html2md` drives html2text's
handlers; neither is those libraries' documented API. pyproject.toml bounds both libraries
below the versions not yet tested; when a bound is raised, these tests say which private thing
went missing or changed, rather than an article rendering wrong.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from typing import Any

import html2text
import markdown_it.common.utils
import pytest
import rich.markdown
from markdown_it.token import Token
from rich.console import Console, RenderableType
from rich.markdown import Markdown
from rich.theme import Theme

from newsreader.render.highlight import MarkingMarkdown

# The Markdown elements highlight replaces: token type -> Rich's class for it.
RICH_ELEMENTS = {
    "paragraph_open": "Paragraph",
    "heading_open": "Heading",
    "td_open": "TableDataElement",
    "th_open": "TableDataElement",
    "fence": "CodeBlock",
    "code_block": "CodeBlock",
}

# Callables we override or call: dotted name -> the parameters we pass or accept, in order.
# Parameters after these must have defaults.
RICH_SIGNATURES = {
    "MarkdownElement.create": ["markdown", "token"],
    "Paragraph.create": ["markdown", "token"],
    "Heading.create": ["markdown", "token"],
    "TableDataElement.create": ["markdown", "token"],
    "CodeBlock.create": ["markdown", "token"],
    "TableDataElement.on_leave": ["self", "context"],
    "Paragraph.__rich_console__": ["self", "console", "options"],
    "Heading.__rich_console__": ["self", "console", "options"],
    "CodeBlock.__rich_console__": ["self", "console", "options"],
    "CodeBlock.__init__": ["self", "lexer_name", "theme"],
    "Markdown.__init__": ["self", "markup", "code_theme"],
    # render.elements: the definition list's elements take over their children's rendering.
    "MarkdownElement.on_child_close": ["self", "context", "child"],
    "TextElement.on_enter": ["self", "context"],
    "TextElement.on_leave": ["self", "context"],
}
HTML2TEXT_SIGNATURES = {
    "HTML2Text.__init__": ["self", "out", "baseurl", "bodywidth"],
    "HTML2Text.handle_data": ["self", "data", "entity_char"],
    "HTML2Text.handle_tag": ["self", "tag", "attrs", "start"],
    "HTML2Text.handle_starttag": ["self", "tag", "attrs"],
    "HTML2Text.handle_endtag": ["self", "tag"],
    "HTML2Text.o": ["self", "data"],
    "HTML2Text.p": ["self"],
    "HTML2Text.finish": ["self"],
}
# html2md reads or sets these on the converter.
HTML2TEXT_ATTRIBUTES = [
    "unicode_snob",
    "inline_links",
    "code",
    "pre",
    "maybe_automatic_link",
    "empty_link",
    "astack",
]
MARKDOWN_IT_UTILS = {"isMdAsciiPunct": 0x2A, "isPunctChar": "，", "isWhiteSpace": 0x20}


def resolve(module: Any, dotted: str) -> Any:
    found = module
    for part in dotted.split("."):
        found = getattr(found, part, None)
        assert found is not None, f"{module.__name__}.{dotted} is gone"
    return found


def check_signature(module: Any, dotted: str, expected: list[str]) -> None:
    function: Callable[..., Any] = resolve(module, dotted)
    parameters = list(inspect.signature(function).parameters.values())
    names = [parameter.name for parameter in parameters]
    where = f"{module.__name__}.{dotted}"
    assert names[: len(expected)] == expected, f"{where} takes {names}, we rely on {expected}"
    extra = [p.name for p in parameters[len(expected) :] if p.default is inspect.Parameter.empty]
    assert not extra, f"{where} has new required parameters {extra}"


@pytest.mark.parametrize(("token_type", "class_name"), RICH_ELEMENTS.items())
def test_rich_markdown_has_the_elements_highlight_replaces(
    token_type: str, class_name: str
) -> None:
    element = resolve(rich.markdown, class_name)
    where = f"rich.markdown.Markdown.elements[{token_type!r}]"
    assert Markdown.elements.get(token_type) is element, f"{where} is no longer {class_name}"
    assert issubclass(MarkingMarkdown.elements[token_type], element)
    assert resolve(rich.markdown, "MarkdownContext")


@pytest.mark.parametrize(("dotted", "expected"), RICH_SIGNATURES.items())
def test_rich_markdown_signatures(dotted: str, expected: list[str]) -> None:
    check_signature(rich.markdown, dotted, expected)


def test_rich_markdown_keeps_its_parsed_tokens_and_element_state() -> None:
    markdown = Markdown("para")
    assert isinstance(getattr(markdown, "parsed", None), list), "rich Markdown.parsed is gone"
    assert all(isinstance(token, Token) for token in markdown.parsed)
    code = rich.markdown.CodeBlock("python", "monokai")
    assert (code.lexer_name, code.theme) == ("python", "monokai"), "CodeBlock attributes changed"
    cell = rich.markdown.TableDataElement(justify="left")
    assert hasattr(cell, "content"), "rich.markdown.TableDataElement.content is gone"


def test_rich_markdown_styles_a_tag_added_to_its_inlines() -> None:
    # render.article numbers links with tokens of its own tag, styled as `markdown.<tag>`.
    assert isinstance(getattr(Markdown, "inlines", None), set), "rich Markdown.inlines is gone"

    class Tagged(Markdown):
        inlines = Markdown.inlines | {"tagged"}

    markdown = Tagged("word")
    children = markdown.parsed[1].children
    assert children is not None
    children[:] = [
        Token("tagged_open", "tagged", 1),
        Token("text", "", 0, content="word"),
        Token("tagged_close", "tagged", -1),
    ]
    console = Console(width=20, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    with console.use_theme(Theme({"markdown.tagged": "#ff0000"})):
        console.print(markdown)
    assert "\x1b[38;2;255;0;0mword" in console.file.getvalue()  # type: ignore[attr-defined]


def rendered(renderable: RenderableType) -> str:
    console = Console(width=60, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


@pytest.mark.parametrize(
    "markup",
    [
        "```python\ndef f(x):\n    return x  # 市场\n```",
        "    indented code\n    second line",
        "## 标题\n\n段落 **粗** 文字\n\n| 列 | 行 |\n|---|:-:|\n| a | b |",
    ],
)
def test_marking_markdown_renders_as_rich_does_when_not_marking(markup: str) -> None:
    # _MarkedCode repeats CodeBlock's rendering: a Rich that renders code otherwise shows here.
    assert rendered(MarkingMarkdown(markup)) == rendered(Markdown(markup))


@pytest.mark.parametrize(("dotted", "expected"), HTML2TEXT_SIGNATURES.items())
def test_html2text_signatures(dotted: str, expected: list[str]) -> None:
    check_signature(html2text, dotted, expected)


@pytest.mark.parametrize("name", HTML2TEXT_ATTRIBUTES)
def test_html2text_converter_attributes(name: str) -> None:
    converter = html2text.HTML2Text(bodywidth=0)
    assert hasattr(converter, name), f"html2text.HTML2Text.{name} is gone"


def test_html2text_leaves_entity_char_data_unescaped() -> None:
    # html2md escapes text itself and passes entity_char=True so html2text does not again.
    # Without it html2text escapes a line start that reads as a list: `1.` becomes `1\.`.
    def converted(entity_char: bool) -> str:
        converter = html2text.HTML2Text(bodywidth=0)
        converter.handle_data("1. b", entity_char)
        return str(converter.finish()).strip()

    assert converted(False) == "1\\. b"
    assert converted(True) == "1. b", "html2text.HTML2Text.handle_data escapes entity_char data"


@pytest.mark.parametrize(("name", "argument"), MARKDOWN_IT_UTILS.items())
def test_markdown_it_character_classes(name: str, argument: int | str) -> None:
    function = resolve(markdown_it.common.utils, name)
    assert function(argument) is True, f"markdown_it.common.utils.{name}({argument!r})"
