"""Markdown → safe HTML and plain text, for the editor's preview, the mails and the archive.

Raw HTML in the Markdown is not interpreted (markdown-it with `html=False` shows it as text),
and the result is sanitised with nh3 all the same: only the tags below, links only to http(s)
and mailto, every link with `rel="noopener noreferrer"`. Inline styles and event handlers never
survive, so the HTML may be shown under the site's Content-Security-Policy.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "del", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])
# Headings of the text start at h2 (the page or mail has the h1: the subject).
_HEADING = re.compile(r"<(/?)h1>")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def render_markdown(text: str) -> str:
    """Return the sanitised HTML of the Markdown `text`."""
    html = _HEADING.sub(r"<\1h2>", _markdown.render(text or ""))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def markdown_to_text(text: str) -> str:
    """Return the plain-text part of a mail: the Markdown itself, links written out.

    Markdown is meant to be readable as it is; only `[label](url)` becomes `label (url)`.
    """
    return _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", (text or "").replace("\r\n", "\n"))
