"""The bot's self-service links: a code (stored on bot messages and BotAnswer rows) → a page and its label.

URLs are reversed when a link is drawn, never at import: `support:home` may not be routed yet when this module
is imported, and the complaint link moves when the complaints issue gives it a page of its own.

A help-centre article is the code `kb:<slug>` (the bot links the article it answered from): its page and its
title in the reader's language come from the knowledge base."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fairdesk.knowledge import selectors as knowledge

# code → (URL name, label). "reschedule" and "cancel" both open "My appointments", where each booking has
# its own reschedule and cancel buttons.
LINKS: dict[str, tuple[str, Promise]] = {
    "book": ("bookings:book", _("预约上门")),
    "reschedule": ("bookings:my", _("改约（我的预约）")),
    "cancel": ("bookings:my", _("取消预约（我的预约）")),
    "my_plan": ("plans:my_plan", _("我的套餐")),
    "complaint": ("complaints:new", _("投诉")),
    "help_now": ("dispatch:help_now", _("紧急求助")),
}

# Added to the reversed URL: a complaint goes to a person, marked as one, until complaints have a page.
_QUERY = {"complaint": "?human=complaint"}

# What the bot offers when it did not understand.
MAIN_LINKS: tuple[str, ...] = ("book", "reschedule", "my_plan", "help_now")


KB_PREFIX = "kb:"


def article_code(slug: str) -> str:
    return KB_PREFIX + slug


def article_slug(code: str) -> str | None:
    """The article's slug of a `kb:<slug>` code, else None."""
    if isinstance(code, str) and code.startswith(KB_PREFIX) and len(code) > len(KB_PREFIX):
        return code[len(KB_PREFIX) :]
    return None


def is_link(code: str) -> bool:
    return code in LINKS or article_slug(code) is not None


def link_url(code: str) -> str:
    """The page of a link code (KeyError for an unknown code)."""
    slug = article_slug(code)
    if slug is not None:
        return knowledge.article_url(slug)
    url_name, _label = LINKS[code]
    return reverse(url_name) + _QUERY.get(code, "")


def link_label(code: str) -> Promise | str:
    slug = article_slug(code)
    if slug is not None:
        return knowledge.article_title(slug, language=get_language()) or slug
    return LINKS[code][1]


@dataclass(frozen=True)
class Link:
    code: str
    url: str
    label: str


def links_for(codes: Iterable[str]) -> list[Link]:
    """The links to draw for stored codes, in order, each once; unknown codes (an old or mistyped row) are
    skipped, never an error on a customer's page."""
    seen: set[str] = set()
    result = []
    for code in codes or ():
        if is_link(code) and code not in seen:
            seen.add(code)
            result.append(Link(code=code, url=link_url(code), label=str(link_label(code))))
    return result
