"""Customer-facing text checked against the forbidden format clauses, through two registries that core holds
and a higher app fills (core never imports it): the *auditor* (`transparency.clauses.audit_text`) and the
*sources* of customer-facing text held as data (plan descriptions, bot answers, rule documents …).

- Admin forms of every app call `audit(text)` (through `TextAuditFormMixin`): text with a forbidden clause is
  refused with the article it breaks.
- `manage.py audit_fairness` (plans) walks `texts()` and prints one line per finding.

With nothing registered, `audit` finds nothing (an app used without transparency is not blocked)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TextFinding:
    id: str  # the pattern's id, e.g. "final_interpretation.zh.1"
    article: str  # where the rule comes from, in Chinese, e.g. "《合同行政监督管理办法》第八条：…"
    category: str  # final_interpretation, no_returns, …
    sentence: str  # the sentence of the text that matched, as written
    article_en: str = ""
    start: int = -1  # where the sentence starts in the audited text (for line numbers), -1 if unknown

    def article_shown(self) -> str:
        """The article in the reader's language."""
        english = (get_language() or "").startswith("en") and self.article_en
        return self.article_en if english else self.article


@dataclass(frozen=True)
class HeldText:
    """One customer-facing text held as data: where it is and what it says."""

    model: str  # "plans.Plan"
    pk: object
    field: str  # "description", "benefits.note"
    text: str


Auditor = Callable[[str], "list[TextFinding]"]
Source = Callable[[], Iterable[HeldText]]

_auditors: dict[str, Auditor] = {}
_sources: dict[str, Source] = {}


def auditor_register(fn: Auditor, *, name: str = "") -> None:
    """Declare a text auditor (`fn(text) -> list[TextFinding]`); the same name again replaces it."""
    _auditors[name or f"{fn.__module__}.{fn.__qualname__}"] = fn


def source_register(name: str, fn: Source) -> None:
    """Declare where customer-facing text is held (`fn() -> iterable of HeldText`), e.g. "plans.Plan"."""
    _sources[name] = fn


def audit(text: str) -> list[TextFinding]:
    """Every registered auditor's findings for `text` (none for empty text)."""
    if not text or not str(text).strip():
        return []
    found: list[TextFinding] = []
    for fn in _auditors.values():
        found += fn(str(text))
    return found


def texts() -> Iterator[HeldText]:
    """Every customer-facing text of every registered source, sources in the order they were registered."""
    for fn in list(_sources.values()):
        yield from fn()


def strings_in(value, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) of every string inside a JSON value: `{"note": "x", "items": ["y"]}` gives
    ("note", "x"), ("items.0", "y"). A plain string gives (prefix, it)."""
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{prefix}.{index}" if prefix else str(index))


def reason(finding: TextFinding) -> str:
    """Why the text is refused, in the reader's language, with the sentence and the article."""
    return _("含有不公平的格式条款“%(sentence)s”：%(article)s") % {
        "sentence": finding.sentence,
        "article": finding.article_shown(),
    }


def value_findings(value) -> list[TextFinding]:
    """Findings in a field's value: a string, or every string inside a JSON value."""
    found: list[TextFinding] = []
    for _path, text in strings_in(value):
        found += audit(text)
    return found


class TextAuditFormMixin:
    """For a ModelForm: `audited_fields` (names; text or JSON fields) are refused when they hold a forbidden
    format clause, one error per finding, on the field, naming the article."""

    audited_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.audited_fields:
            if name not in self.fields or name not in cleaned:
                continue
            problems = [reason(finding) for finding in value_findings(cleaned[name])]
            if problems:
                self.add_error(name, forms.ValidationError(problems))
        return cleaned
