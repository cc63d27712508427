"""Article bodies are Markdown written in the back office: rendered by markdown-it-py (CommonMark, raw HTML
off, tables on) and then cleaned by nh3 (ammonia) to a small allow-list, so neither a slip nor a hostile edit
puts a script, a style or an event handler on a customer's page (the CSP would refuse them anyway)."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def body_html(markdown: str) -> str:
    """Safe HTML of a Markdown body (links may be http(s), tel: or this site's paths)."""
    raw = _markdown.render(markdown or "")
    return nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "tel", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(markdown: str) -> str:
    """The body as one line of plain text (for the index and the snippets)."""
    text = nh3.clean(_markdown.render(markdown or ""), tags=set())
    return " ".join(html.unescape(text).split())
