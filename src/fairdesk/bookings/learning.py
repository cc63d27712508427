"""What a customer can learn about the service they booked: the relevant article and course, shown on the
booking confirmation and named in the confirmation and reminder messages.

`bookings` sits below the apps that hold the content (`knowledge`, `courses`), so it never imports them: each
registers a source here in its AppConfig.ready(). A source is `fn(service_type_code, language) ->
list[LearningLink]`; a failing source is skipped (learning is never a step required to book).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LearningLink:
    kind: str  # "article" or "course"
    title: str  # in the requested language
    path: str  # this site's page, e.g. "/help/locked-out/"
    short_path: str = ""  # a short link for SMS, e.g. "/l/K3F9"; "" when the source has none


Source = Callable[[str, str], list[LearningLink]]
_sources: dict[str, Source] = {}


def learning_source_register(name: str, fn: Source) -> None:
    """Register (or replace) the source called `name` (harmless twice: ready() may run twice)."""
    _sources[name] = fn


def learning_links(*, service_type_code: str, language: str) -> list[LearningLink]:
    """Every registered source's links for the service type, articles first, then courses."""
    links: list[LearningLink] = []
    for name, fn in sorted(_sources.items()):
        try:
            links += fn(service_type_code, language)
        except Exception:  # a broken source never breaks a booking
            log.exception("learning source %s failed", name)
    return sorted(links, key=lambda link: link.kind != "article")


# Short links for SMS: the app that serves `/l/<code>` registers how a page of this site gets one, so a link
# whose source gave no `short_path` (an article) still fits an SMS. Called from messages, inside the
# booking's transaction (it may write the new short link).
Linker = Callable[[str], str]
_linkers: dict[str, Linker] = {}


def short_linker_register(name: str, fn: Linker) -> None:
    _linkers[name] = fn


def short_path(path: str) -> str:
    """The short path (e.g. "/l/K3F9") of a page of this site, or the page's own path when no linker can."""
    for name, fn in sorted(_linkers.items()):
        try:
            found = fn(path)
        except Exception:  # a broken linker never breaks a booking's messages
            log.exception("short linker %s failed", name)
            continue
        if found:
            return found
    return path
