"""HTML fragments to Markdown: a linear tokenizer driving a tuned html2text converter.

html2text is fed by our own tokenizer instead of `html.parser`, whose handling of unterminated
constructs (`<!--`, `<a href="`...) is quadratic on Python 3.11: a few hundred kilobytes of such
junk would take minutes. The tokenizer looks at each character a bounded number of times and
drops what cannot be shown (comments, scripts, styles, hidden elements).

The converter then works around what html2text gets wrong for Chinese news pages:
- bold runs come out as sentinels and are turned into `**` afterwards, merged when adjacent and
  only where CommonMark will really read them as bold (`文字**“引号”**文字` would show the stars);
- text is escaped by us, so that `<`, `[`, `*`... in an article show literally when rendered;
- images become a line of their own, stock-quote links plain text, unsafe links plain text.

html2text's internals: `_Converter` overrides `handle_data` and `handle_tag`, calls
`handle_starttag`, `handle_endtag`, `o` and `p`, and reads its link and code state (`astack`,
`maybe_automatic_link`, `empty_link`, `code`, `pre`); the character classes come from
`markdown_it.common.utils`. Neither is a documented API. Decided: guard it rather than write a
converter of our own. pyproject.toml bounds html2text below the next year's releases (its
versions are dates) and markdown-it-py below its next major version, and
tests/test_library_internals.py fails, naming what is missing, when they change.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import html2text
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from newsreader.archive.hidden import CDATA, COMMENT, HIDES_REST, SHOWS_REST, ClosingFinder

from .links import vetted_post_href

# Private-use characters stand for markup decided after conversion; input is stripped of them.
STRONG_OPEN, STRONG_CLOSE, IMAGE_MARK = "\ue000", "\ue001", "\ue002"
SENTINELS = re.compile("[\ue000-\ue002]")
_IMAGE_REF = re.compile("\ue002(\\d+)\ue002")
_STRONG_SPLIT = re.compile("([\ue000\ue001\n])")

# A tag is `<name attrs>` where quoted values may hold `>` but nothing may hold `<`: every match
# attempt stops at the next `<`, which keeps the tokenizer linear.
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^<>"']|"[^"<]*"|'[^'<]*')*)>""")
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+)))?""")
# Elements whose content is never article text, skipped up to their closing tag.
_SKIPPED = HIDES_REST | SHOWS_REST
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr", "param"}
_BLOCK = {"center", "section", "article", "figure", "figcaption", "header", "footer", "aside"}
_BLOCK |= {"main", "nav", "address", "details", "summary", "form", "fieldset", "dd", "dt"}
# Starting one of these closes an open <p> in HTML, so a hidden unclosed <p> ends there.
_CLOSES_P = {"p", "div", "ul", "ol", "table", "blockquote", "pre", "h1", "h2", "h3", "h4"}
_CLOSES_P |= {"h5", "h6", "hr", "center", "section", "article", "figure", "dl"}
_NESTING = {"ul", "ol", "blockquote", "dl"}  # each level indents every line below it
_MAX_NESTING = 12
_INLINE = {"a", "span", "strong", "b", "font", "code", "sup", "sub", "small", "big", "abbr"}
_DROPPED_FORMATTING = {"em", "i", "u", "del", "s", "strike", "ins", "mark", "cite", "var"}
_NOISE_LINK_CLASSES = re.compile(r"\b(?:keytip|infokey|em_stock_key_common)\b")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>&~#|]")
_MD_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])")
# Han, kana, CJK and full-width punctuation, and the quotes, dashes and ellipsis Chinese shares.
_CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_NEWLINE = re.compile(f"(?<=[{_CJK}])[ \\t]*\\n\\s*(?=[{_CJK}])")
_IS_CJK = re.compile(f"[{_CJK}]")
_EMPTY_LINK = re.compile(r"\[\]\([^()\s]*\)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Also bidi controls: a terminal that shows a link's target must not show it reordered.
_URL_UNSAFE = re.compile(
    r"[\s<>\"\\^`{|}\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
_HOST_PART = re.compile(r"//[^/\\?#\s]")
_TAG_STRIP = re.compile(r"<[^<>]*>")


def safe_href(href: str) -> str | None:
    """The link target made safe to click, or None when it must stay plain text.

    Only http, https and mailto qualify; `//host/x` means `https://host/x`. Characters that
    would end an autolink or a terminal hyperlink early are percent-encoded.
    """
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    match = _SCHEME.match(href)
    if match is None:
        return None
    scheme, rest = match.group(1).lower(), href[match.end() :]
    if scheme == "mailto":
        if not rest:
            return None
    elif scheme not in ("http", "https") or not _HOST_PART.match(rest):
        return None  # `http:x` or `http:///x` names no host: not an address to open
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), href)


def escape_md(text: str) -> str:
    """Backslash-escape the characters Markdown would read as markup."""
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


def image_line(alt: str, src: str) -> str:
    """`[image: alt] <address>` as Markdown: what an image is shown as."""
    alt = " ".join(alt.split())
    label = f"\\[image: {escape_md(alt)}\\]" if alt and alt.lower() != "image" else "\\[image\\]"
    url = safe_href(src)
    return f"{label} <{url}>" if url else label


class _Converter(html2text.HTML2Text):
    """html2text with our policy for hidden content, links, images and bold runs."""

    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.unicode_snob = True  # keep “”、… as they are
        self.inline_links = True
        self.images: list[tuple[str, str]] = []
        self._hidden: str | None = None  # tag name of the hidden element we are inside
        self._hidden_depth = 0
        self._skipped_anchors = 0
        self._nesting = 0
        self._last_char = ""
        self._cjk_gap = False
        self._tables = 0  # tables open around the text

    def feed_html(self, fragment: str) -> None:
        """Tokenize `fragment` and drive the converter's handlers; linear in its length.

        What an unclosed construct does to the rest is `newsreader.archive.hidden`'s rule:
        after a script, style... the rest is hidden, and a note says so where the text stops;
        after a comment, a textarea, a CDATA section... the rest is shown.
        """
        if CDATA in fragment:  # what a CDATA section holds is HTML to show, as feeds mean it
            fragment = fragment.replace(CDATA, "").replace("]]>", "")
        closings = ClosingFinder(fragment)
        pos, end = 0, len(fragment)
        last_gt = fragment.rfind(">")
        while pos < end:
            lt = fragment.find("<", pos)
            if lt < 0 or lt > last_gt:  # no construct can close any more: the rest is text
                self._text(fragment[pos:])
                return
            if lt > pos:
                self._text(fragment[pos:lt])
            if fragment.startswith(COMMENT, lt):
                close = closings.closing(COMMENT, lt + 4)
                pos = lt + 4 if close is None else close.end()  # unclosed: only the mark goes
                continue
            match = _TAG.match(fragment, lt)
            if match is None:
                if fragment.startswith(("<!", "<?"), lt):  # doctype, processing
                    pos = fragment.find(">", lt) + 1  # found: lt <= last_gt
                else:
                    self._text("<")
                    pos = lt + 1
                continue
            pos = match.end()
            name = match.group(2).lower()
            if match.group(1):
                self.handle_endtag(name)
                continue
            attrs = {
                m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                for m in _ATTR.finditer(match.group(3))
            }
            if name in _SKIPPED:
                close_match = closings.closing(name, pos)
                if close_match is not None:
                    pos = close_match.end()
                elif name in HIDES_REST:
                    self._hidden_rest_note(name)
                    return
                continue  # unclosed, the rest is shown: only the tag goes
            self.handle_starttag(name, list(attrs.items()))
            if match.group(3).rstrip().endswith("/") and name not in _VOID:
                self.handle_endtag(name)

    def _hidden_rest_note(self, name: str) -> None:
        self.p()
        self.o(escape_md(f"[Hidden: the HTML after an unclosed <{name}>, as a browser hides it.]"))
        self.p()

    def _text(self, raw: str) -> None:
        self.handle_data(html.unescape(raw))

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if self._hidden is not None or not data:
            return
        if not (self.code or self.pre):
            data = self._join_cjk_lines(data)
            if not data:
                return
            data = _MD_LINE_START.sub(r"\1\\\2", escape_md(data))
        elif self._tables and not self.pre:
            # A pipe in a cell's code would end the cell; the table reads the escape as a pipe.
            data = data.replace("|", "\\|")
        super().handle_data(data, True)  # True: html2text must not escape it again

    def _join_cjk_lines(self, data: str) -> str:
        """Drop the source's line breaks between Chinese characters, even across inline tags.

        Browsers would show them as spaces, which Chinese text does not have.
        """
        if self._cjk_gap:
            rest = data.lstrip()
            if not rest:
                return ""
            self._cjk_gap = False
            data = rest if _IS_CJK.match(rest) else " " + rest
        data = _CJK_NEWLINE.sub("", self._last_char + data)[len(self._last_char) :]
        body = data.rstrip()
        if "\n" in data[len(body) :] and _IS_CJK.match((self._last_char + body)[-1:]):
            data, self._cjk_gap = body, True  # decided by the next text
        if data:
            self._last_char = data[-1]
        return data

    def _emit(self, markup: str) -> None:
        if self.maybe_automatic_link is not None:  # first output inside <a>: open the link
            self.o("[")
            self.maybe_automatic_link = None
            self.empty_link = False
        self.o(markup)

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        if tag not in _INLINE and tag not in _DROPPED_FORMATTING:
            self._cjk_gap = False  # a block boundary: the pending line break was layout
        if tag == "table":
            self._tables = self._tables + 1 if start else max(0, self._tables - 1)
        if not self._intercept(tag, attrs, start):
            super().handle_tag(tag, attrs, start)

    def _intercept(self, tag: str, attrs: dict[str, str | None], start: bool) -> bool:
        """Handle `tag` our way; True when html2text must not see it."""
        if self._hidden is not None:
            if start and self._hidden == "p" and tag in _CLOSES_P:
                self._hidden_depth = 0  # HTML closes an open <p> here
            elif tag == self._hidden:
                self._hidden_depth += 1 if start else -1
            if self._hidden_depth > 0:
                return True
            self._hidden = None
            if not start:
                return True
        if start and (_HIDDEN_STYLE.search(attrs.get("style") or "") or "hidden" in attrs):
            if tag not in _VOID:
                self._hidden, self._hidden_depth = tag, 1
            return True
        if tag in _NESTING:  # levels past the limit are dropped, open and close alike
            if start:
                self._nesting += 1
                return self._nesting > _MAX_NESTING
            self._nesting = max(0, self._nesting - 1)
            return self._nesting >= _MAX_NESTING
        if tag == "a":
            if start:
                raw = attrs.get("href") or ""
                href = vetted_post_href(raw) or safe_href(raw)  # a post of the archive, or safe
                self._skipped_anchors = 0  # links do not nest: a new one closes any open one
                if href is None or _NOISE_LINK_CLASSES.search(attrs.get("class") or ""):
                    self._skipped_anchors = 1  # a quote link on a company name: keep the name
                    return True
                attrs.clear()
                attrs["href"] = href
                return False
            if self._skipped_anchors > 0:
                self._skipped_anchors -= 1
                return True
            return False
        if tag in ("strong", "b"):
            if not (self.pre or self.code):
                self._emit(STRONG_OPEN if start else STRONG_CLOSE)
            return True
        if tag == "img":
            if start:
                self._image(attrs.get("alt") or attrs.get("title") or "", attrs)
            return True
        if tag in _BLOCK:
            self.p()
            return True
        return tag in _DROPPED_FORMATTING  # italics and the like read badly in Chinese

    def _image(self, alt: str, attrs: dict[str, str | None]) -> None:
        src = attrs.get("src") or attrs.get("data-src") or ""
        if self.astack and self.astack[-1] is not None:
            if self.maybe_automatic_link is None:  # link text already out: stay inline
                self.o(f"\\[image: {escape_md(alt)}\\]" if alt else "\\[image\\]")
                return
            self.astack[-1] = None  # the image replaces the link around it
            self.maybe_automatic_link = None
        self.p()
        self.o(f"{IMAGE_MARK}{len(self.images)}{IMAGE_MARK}")
        self.images.append((alt, src))
        self.p()


def html_to_markdown(fragment: str) -> str:
    """Convert an HTML fragment to Markdown (no hard wrapping, unicode kept)."""
    converter = _Converter()
    try:
        converter.feed_html(fragment)
        text: str = converter.finish()
    except Exception:  # html2text internals on pathological input: plain text is enough
        return escape_md(html.unescape(_TAG_STRIP.sub(" ", fragment)))
    text = _apply_strong(text)
    images = converter.images
    text = _IMAGE_REF.sub(lambda m: image_line(*images[int(m.group(1))]), text)
    return _EMPTY_LINK.sub("", text)


def _is_space(ch: str) -> bool:
    return not ch or isWhiteSpace(ord(ch))


def _is_punct(ch: str) -> bool:
    return bool(ch) and (isMdAsciiPunct(ord(ch)) or isPunctChar(ch))


def _apply_strong(text: str) -> str:
    """Turn the bold sentinels into `**`, line by line (bold may run over a line break)."""
    if STRONG_OPEN not in text and STRONG_CLOSE not in text:
        return text
    lines: list[str] = []
    runs: list[tuple[str, bool]] = []
    depth = 0
    for piece in _STRONG_SPLIT.split(text):
        if piece == STRONG_OPEN:
            depth += 1
        elif piece == STRONG_CLOSE:
            depth = max(0, depth - 1)
        elif piece == "\n":
            lines.append(_bold_line(runs))
            runs = []
        elif piece:
            if runs and runs[-1][1] == (depth > 0):
                runs[-1] = (runs[-1][0] + piece, depth > 0)  # merges <b>A</b><b>B</b>
            else:
                runs.append((piece, depth > 0))
    lines.append(_bold_line(runs))
    return "\n".join(lines)


def _bold_line(runs: list[tuple[str, bool]]) -> str:
    # Bold runs separated by blanks are one run; a line bold but for punctuation is all bold
    # (`“<b>AI+</b><b>教育”：</b>` is a sub-heading).
    merged: list[tuple[str, bool]] = []
    for i, (text, bold) in enumerate(runs):
        if not bold and text.isspace() and 0 < i < len(runs) - 1:
            bold = runs[i - 1][1] and runs[i + 1][1]
        if merged and merged[-1][1] == bold:
            merged[-1] = (merged[-1][0] + text, bold)
        else:
            merged.append((text, bold))
    outside = "".join(text for text, bold in merged if not bold)
    if len(merged) > 1 and all(_is_space(c) or (_is_punct(c) and ord(c) > 127) for c in outside):
        merged = [("".join(text for text, _ in merged).strip(), True)]
    out = ""
    for i, (text, bold) in enumerate(merged):
        core = text.strip()
        if not bold or not core:
            out += text
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        after = trail[:1] or (merged[i + 1][0][:1] if i + 1 < len(merged) else "")
        before = (out + lead)[-1:]
        # CommonMark flanking rules: otherwise the stars would show as text.
        opens = not _is_punct(core[0]) or _is_space(before) or _is_punct(before)
        closes = not _is_punct(core[-1]) or _is_space(after) or _is_punct(after)
        out += f"{lead}**{core}**{trail}" if opens and closes else text
    return out
