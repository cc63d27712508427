"""The format-clause audit: customer-facing text checked for the clauses that 《合同行政监督管理办法》 (SAMR,
in force 1 July 2023) Arts. 6-8 forbid or require to be shown prominently.

The patterns are data (`data/forbidden_clauses.json`: id, category, the article, groups of zh or en terms
with their variants); this module only matches them. A text is cut into sentences (。！？；!?; line
breaks, and ". " in English); a pattern matches a sentence when each of its groups has a term in it, in
any order (or in the given order, within a given distance), unless a negation stands just before the
first term in the same clause ("本公司不享有最终解释权") or an excepting phrase is in the sentence
("不得拒绝您的投诉").

Normalisation, so that spacing and punctuation tricks do not hide a clause: NFKC (full-width letters,
digits and punctuation to half-width), lower case; for Chinese, every space and punctuation mark is
dropped (clause marks ，、： become a clause boundary), so "最 终 解 释 权" and "最终·解释权" read as
最终解释权. A Chinese term of one to three characters must begin or end on a word boundary of rjieba's
segmentation (so 不退 is not found inside 永不退缩); longer terms are specific enough to match anywhere.
English is matched word by word with a light stemmer (refunds = refund, forfeited = forfeit).

`audit_text(text)` is registered with core.text_audit in transparency's wiring: the admins of every app
and plans' `manage.py audit_fairness` call it through core, never importing this module."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.apps import apps as django_apps

from fairdesk.core.text_audit import HeldText, TextFinding, strings_in

Finding = TextFinding  # (id, article, category, sentence, article_en, start)

DATA = Path(__file__).resolve().parent / "data" / "forbidden_clauses.json"

CATEGORIES = (
    "final_interpretation",
    "no_returns",
    "injury_liability_excluded",
    "own_fault_excluded",
    "unilateral_change",
    "prepaid_forfeit",
    "complaint_or_suit_limited",
    "important_term_not_prominent",
)

NEGATION_WINDOW = 6  # characters (zh) or words (en) before the first term where a negation cancels a pattern
LONG_TERM = 4  # Chinese terms this long match anywhere; shorter ones need a word boundary

# "." ends an English sentence after a letter, quote or bracket ("1. " numbering a list does not).
_SENTENCE_END = re.compile(r"[。！？!?；;\n\r]+|(?<=[a-z)\"'])\.(?=\s|$)", re.IGNORECASE)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLAUSE_MARK = re.compile(r"[,，、:：]+")
_NOT_KEPT = re.compile(rf"[^{_CJK}a-z0-9|]+")
_EN_WORD = re.compile(r"[a-z0-9]+")
BOUNDARY = "|"


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, curly quotes straightened."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return text.replace("\u2019", "'").replace("\u2018", "'")


def stem(word: str) -> str:
    """A light English stemmer (refunds → refund, forfeited → forfeit, expires → expir, injuries → injury)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith(("ed", "es")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def en_words(text: str) -> list[str]:
    """Stemmed words of a normalised text; "n't" is "not", "&" is "and"."""
    text = normalize(text).replace("n't", " not").replace("&", " and ")
    return [stem(w) for w in _EN_WORD.findall(text)]


def zh_compact(text: str) -> str:
    """The Chinese view of a sentence: no spaces or punctuation; clause marks become "|"."""
    return _NOT_KEPT.sub("", _CLAUSE_MARK.sub(BOUNDARY, normalize(text)))


def _segmenter():
    import rjieba  # loads its dictionary once per process (about 0.2 s); shared with support.bot

    return rjieba


def zh_boundaries(compact: str) -> tuple[set[int], set[int]]:
    """Start and end offsets of rjieba's words in the compact text."""
    starts, ends, at = set(), set(), 0
    for word in _segmenter().cut(compact, False):
        starts.add(at)
        at += len(word)
        ends.add(at)
    return starts, ends


@dataclass(frozen=True)
class Pattern:
    id: str
    category: str
    article: str
    article_en: str
    lang: str  # "zh" | "en"
    groups: tuple[tuple, ...]  # zh: strings; en: tuples of stemmed words
    ordered: bool = False
    within: int | None = None
    negated_by: tuple = ()
    unless: tuple = ()
    unless_category: tuple[str, ...] = ()


def _terms(lang: str, terms) -> tuple:
    if lang == "zh":
        return tuple(zh_compact(t) for t in terms)
    return tuple(tuple(en_words(t)) for t in terms)


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The patterns of the data file, in its order (a specific pattern before its generic fallback)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    articles = data["articles"]
    found = []
    for raw in data["patterns"]:
        if raw["category"] not in CATEGORIES:
            raise ValueError(f"{raw['id']}: unknown category {raw['category']!r}")
        lang = raw["lang"]
        article = articles[raw["article"]]
        found.append(
            Pattern(
                id=raw["id"],
                category=raw["category"],
                article=article["zh"],
                article_en=article["en"],
                lang=lang,
                groups=tuple(_terms(lang, group) for group in raw["all"]),
                ordered=raw.get("ordered", False),
                within=raw.get("within"),
                negated_by=_terms(lang, raw.get("negated_by", ())),
                unless=_terms(lang, raw.get("unless", ())),
                unless_category=tuple(raw.get("unless_category", ())),
            )
        )
    return tuple(found)


class _Sentence:
    """One sentence in both views, with the positions where a term may match."""

    def __init__(self, text: str):
        self.text = text
        self.zh = zh_compact(text)
        self._bounds: tuple[set[int], set[int]] | None = None
        self.en = en_words(text)

    def bounds(self) -> tuple[set[int], set[int]]:
        if self._bounds is None:
            self._bounds = zh_boundaries(self.zh) if self.zh else (set(), set())
        return self._bounds

    def occurrences(self, lang: str, term) -> list[tuple[int, int]]:
        """(start, end) of every place the term matches: characters of the compact text (zh), word
        indexes (en)."""
        if not term:
            return []
        found = []
        if lang == "zh":
            at = self.zh.find(term)
            while at >= 0:
                end = at + len(term)
                if len(term) >= LONG_TERM:
                    found.append((at, end))
                else:
                    starts, ends = self.bounds()
                    if at in starts or end in ends:
                        found.append((at, end))
                at = self.zh.find(term, at + 1)
            return found
        n = len(term)
        return [(i, i + n) for i in range(len(self.en) - n + 1) if tuple(self.en[i : i + n]) == term]

    def has_any(self, lang: str, terms) -> bool:
        return any(self.occurrences(lang, t) for t in terms)

    def negated(self, lang: str, pattern: Pattern, start: int) -> bool:
        """A negation just before `start`, in the same clause (zh) or within a few words (en)."""
        if not pattern.negated_by:
            return False
        if lang == "zh":
            window = self.zh[max(0, start - NEGATION_WINDOW) : start].rsplit(BOUNDARY, 1)[-1]
            return any(term and term in window for term in pattern.negated_by)
        window = self.en[max(0, start - NEGATION_WINDOW) : start]
        return any(
            tuple(window[i : i + len(term)]) == term
            for term in pattern.negated_by
            for i in range(len(window) - len(term) + 1)
        )


def _match(sentence: _Sentence, pattern: Pattern) -> bool:
    lang = pattern.lang
    if pattern.unless and sentence.has_any(lang, pattern.unless):
        return False
    places = []
    for group in pattern.groups:
        spots = sorted({spot for term in group for spot in sentence.occurrences(lang, term)})
        if not spots:
            return False
        places.append(spots)
    # Try every place of the first group: the first one that satisfies order, distance and negation wins.
    for first in places[0]:
        if sentence.negated(lang, pattern, first[0]):
            continue
        chosen, ok = [first], True
        for spots in places[1:]:
            if pattern.ordered:
                after = [s for s in spots if s[0] >= chosen[-1][1]]
                spot = after[0] if after else None
            else:
                spot = min(spots, key=lambda s: abs(s[0] - first[0]))
            if spot is None:
                ok = False
                break
            chosen.append(spot)
        if not ok:
            continue
        if pattern.within is not None:
            span = max(s[1] for s in chosen) - min(s[0] for s in chosen)
            if span > pattern.within:
                continue
        return True
    return False


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of each non-empty sentence of the text, as written (stripped)."""
    found, at = [], 0
    for end in [*(m for m in _SENTENCE_END.finditer(text)), None]:
        stop = end.end() if end else len(text)
        piece = text[at:stop]
        stripped = piece.strip()
        if stripped.strip("。！？!?；;.\n\r "):
            found.append((at + len(piece) - len(piece.lstrip()), stripped))
        at = stop
    return found


def audit_text(text: str) -> list[Finding]:
    """Every forbidden clause in the text: one finding per category and sentence, in the text's order."""
    found: list[Finding] = []
    for offset, raw in sentences(text or ""):
        sentence = _Sentence(raw)
        matched: set[str] = set()
        for pattern in patterns():
            if pattern.category in matched or any(c in matched for c in pattern.unless_category):
                continue
            if _match(sentence, pattern):
                matched.add(pattern.category)
                found.append(
                    Finding(
                        id=pattern.id,
                        article=pattern.article,
                        category=pattern.category,
                        sentence=raw,
                        article_en=pattern.article_en,
                        start=offset,
                    )
                )
    return found


# Customer-facing text held as data, for `manage.py audit_fairness` (registered with
# core.text_audit.source_register in transparency's wiring; transparency is the top app: it reads any app).


def held_plans() -> Iterator[HeldText]:
    """Plan names, descriptions and benefits (zh and en), and any text inside the plan terms' JSON."""
    from fairdesk.plans.models import Plan, PlanSettings

    for plan in Plan.objects.order_by("pk"):
        for field in ("name", "name_en", "description", "description_en"):
            yield HeldText("plans.Plan", plan.pk, field, getattr(plan, field) or "")
        for path, text in strings_in(plan.benefits, "benefits"):
            yield HeldText("plans.Plan", plan.pk, path, text)
    for terms in PlanSettings.objects.order_by("pk"):
        for field in ("refund_methods", "flows"):
            for path, text in strings_in(getattr(terms, field), field):
                yield HeldText("plans.PlanSettings", terms.pk, path, text)


def held_service_types() -> Iterator[HeldText]:
    """What customers book (names, zh and en)."""
    from fairdesk.bookings.models import ServiceType

    for service in ServiceType.objects.order_by("pk"):
        yield HeldText("bookings.ServiceType", service.pk, "name", service.name)
        yield HeldText("bookings.ServiceType", service.pk, "name_en", service.name_en)


def held_bot_answers() -> Iterator[HeldText]:
    """The support bot's answers (what customers read), zh and en."""
    from fairdesk.support.models import BotAnswer

    for answer in BotAnswer.objects.order_by("pk"):
        yield HeldText("support.BotAnswer", answer.pk, "answer", answer.answer)
        yield HeldText("support.BotAnswer", answer.pk, "answer_en", answer.answer_en)


def held_rule_documents() -> Iterator[HeldText]:
    """The published rules, every version (skipped when the model is not there)."""
    try:
        model = django_apps.get_model("transparency", "RuleDocument")
    except LookupError:
        return
    for document in model.objects.order_by("pk"):
        for field in ("title", "title_en", "body", "body_en"):
            text = getattr(document, field, "") or ""
            yield HeldText("transparency.RuleDocument", document.pk, field, text)


def held_page_texts() -> Iterator[HeldText]:
    """Every page and message text of the catalogue (the Chinese source and its English translation)."""
    from django.conf import settings

    for locale in getattr(settings, "LOCALE_PATHS", ()):
        path = Path(locale) / "en" / "LC_MESSAGES" / "django.po"
        if path.exists():
            for line, msgid, msgstr in po_entries(path.read_text(encoding="utf-8")):
                yield HeldText("locale.en.django.po", line, "msgid", msgid)
                yield HeldText("locale.en.django.po", line, "msgstr", msgstr)


_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def po_entries(text: str) -> Iterator[tuple[int, str, str]]:
    """(line of the msgid, msgid, msgstr) of each entry of a .po file (plural forms: the first)."""

    def unquote(parts: list[str]) -> str:
        raw = "".join(parts)
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)

    key, start, parts, entry = None, 0, [], {}
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        head = stripped.split(" ", 1)[0] if stripped else ""
        if head in ("msgid", "msgstr", "msgid_plural", "msgstr[0]", "msgctxt") or not stripped:
            if key:
                entry.setdefault(key, unquote(parts))
            key, parts = None, []
            if head == "msgid":
                if entry.get("msgid"):
                    yield start, entry["msgid"], entry.get("msgstr", entry.get("msgstr[0]", ""))
                entry, start = {}, number
            if head in ("msgid", "msgstr", "msgstr[0]"):
                key = head
                parts = _PO_STRING.findall(stripped)
        elif stripped.startswith('"') and key:
            parts += _PO_STRING.findall(stripped)
    if entry.get("msgid"):
        yield start, entry["msgid"], entry.get("msgstr", entry.get("msgstr[0]", ""))
