"""Addresses as people type them, read before the strict resolver (`resolver.Resolver`) gives up.

1. Filler words around the address go: 我在广州天河 → 广州天河, 我家住在…, 地址是…, …附近.
2. Functional areas (new areas, development and high-tech zones) are not administrative divisions; the data
   file `data/functional_areas.csv` (with its sources) names the county-level divisions each lies in:
   成都高新区 → 武侯区, 上海浦东 → 浦东新区. An area over several divisions (雄安新区: 雄县, 容城县, 安新县)
   resolves when the rest of the text names one, otherwise the customer is asked which.
3. Pinyin or English (shenzhen nanshan, Nanshan District Shenzhen) is read through the pinyin of every
   current city and county (pypinyin), a city and a county inside it in either order, or a county alone when
   its pinyin is unique.
4. When nothing works, the message names what was understood (a division found further on in the text).
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from dataclasses import dataclass
from importlib import resources

from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from fairdesk.regions.resolver import LEVEL_RANK, Resolution, Resolver, Unresolvable, normalize

_FILLER_HEAD = re.compile(
    r"^(?:您好|你好|请问)?(?:我的?|我们|我们家|我家)?(?:现在|目前|人)?(?:家)?(?:住|就)?(?:在|是)?"
    r"(?:的)?(?:地址|位置|定位)?(?:是|在|:)?"
)
_FILLER_TAIL = re.compile(r"(?:附近|这边|这里|那边|一带|旁边)+$")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z]+")
# English words for kinds of place, and pinyin syllables for them typed apart (nanshan qu): dropped.
_KIND_WORDS = {
    "district",
    "county",
    "city",
    "province",
    "prefecture",
    "new",
    "area",
    "autonomous",
    "region",
    "china",
    "prc",
    "pr",
    "qu",
    "xian",
    "shi",
    "sheng",
    "zhen",
    "town",
    "street",
    "road",
    "lu",
    "jie",
    "the",
    "of",
    "in",
    "i",
    "am",
    "at",
    "near",
}
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "林区",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)


@dataclass(frozen=True)
class FunctionalArea:
    aliases: tuple[str, ...]
    divisions: tuple[str, ...]
    note: str
    source: str


@functools.cache
def functional_areas() -> tuple[FunctionalArea, ...]:
    text = (resources.files("fairdesk.regions") / "data" / "functional_areas.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = []
    for row in csv.DictReader(lines):
        out.append(
            FunctionalArea(
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                divisions=tuple(c.strip() for c in row["divisions"].split("|") if c.strip()),
                note=row["note"].strip(),
                source=row["source"].strip(),
            )
        )
    return tuple(out)


def strip_filler(text: str) -> str:
    clean = normalize(text)
    stripped = _FILLER_TAIL.sub("", _FILLER_HEAD.sub("", clean, count=1))
    return stripped or clean


def resolve_typed(resolver: Resolver, text: str) -> Resolution:
    """The strict resolver first; then the tolerant readings above, in order. Raises Unresolvable with a
    message naming what was understood."""
    try:
        return resolver.resolve(text)
    except Unresolvable as exc:
        first_error = exc
    if _LATIN.search(text or "") and not re.search(r"[\u3400-\u9fff]", text or ""):
        found = _from_pinyin(resolver, text)
        if found is not None:
            return found
        raise Unresolvable(
            _("没有读懂“%(text)s”。拼音或英文请写城市和区县，例如 shenzhen nanshan；也可以直接写中文地址。")
            % {"text": text.strip()[:40]}
        )
    clean = strip_filler(text)
    candidates = [clean] if clean != normalize(text) else []
    for attempt in candidates:
        try:
            return _keep_input(resolver.resolve(attempt), text)
        except Unresolvable as exc:
            first_error = exc
    area_reading = _from_functional_area(resolver, clean, text)
    if area_reading is not None:
        return area_reading
    understood = _understood(resolver, clean)
    if understood:
        raise Unresolvable(
            _("%(error)s 我们认出了：%(names)s。请从省或市写起，例如“%(example)s……”。")
            % {"error": first_error.message, "names": "、".join(understood), "example": understood[0]}
        )
    raise first_error


def _keep_input(resolution: Resolution, text: str) -> Resolution:
    resolution.input = text
    return resolution


def _path(entity) -> str:
    parts = [entity.province_name]
    if entity.city_name and entity.city_name not in parts:
        parts.append(entity.city_name)
    if entity.name not in parts:
        parts.append(entity.name)
    return "".join(parts)


def _current_by_code(resolver: Resolver) -> dict:
    return {e.code: e for e in resolver.entities if e.current}


def _from_functional_area(resolver: Resolver, clean: str, text: str) -> Resolution | None:
    by_code = _current_by_code(resolver)
    hits = [
        (clean.find(alias), alias, area)
        for area in functional_areas()
        for alias in area.aliases
        if 0 <= clean.find(alias) <= 12
    ]
    if not hits:
        return None
    at, alias, area = min(hits, key=lambda hit: (hit[0], -len(hit[1])))
    rest = clean[at + len(alias) :]
    targets = [by_code[code] for code in area.divisions if code in by_code]
    if not targets:
        return None
    if len(targets) > 1:
        named = [t for t in targets if rest.startswith(t.name) or rest.startswith(t.name[:-1])]
        if len(named) != 1:
            raise Unresolvable(
                _("“%(area)s”不是一个行政区，%(note)s。请写明是哪个区县：%(names)s。")
                % {"area": alias, "note": area.note, "names": "、".join(_path(t) for t in targets)}
            )
        target = named[0]
        rest = rest[len(target.name) :] if rest.startswith(target.name) else rest[len(target.name) - 1 :]
    else:
        target = targets[0]
    return _keep_input(resolver.resolve(_path(target) + rest), text)


def _key(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    return "".join(lazy_pinyin(name)).lower()


def pinyin_table(resolver: Resolver) -> dict[str, list]:
    """pinyin (without the kind of place) → current cities and counties (cached on the resolver)."""
    table = getattr(resolver, "_pinyin_table", None)
    if table is None:
        table = {}
        for entity in resolver.entities:
            if entity.current:
                table.setdefault(_key(entity.name), []).append(entity)
        resolver._pinyin_table = table
    return table


def _from_pinyin(resolver: Resolver, text: str) -> Resolution | None:
    words = [w for w in _WORD.findall(text.lower()) if w not in _KIND_WORDS]
    table = pinyin_table(resolver)
    tokens = list(words)
    # Two syllables typed apart (shen zhen nan shan) are also tried joined.
    tokens += [a + b for a, b in itertools.pairwise(words)]
    found = {t: table[t] for t in tokens if t in table}
    counties = [e for t in found for e in found[t] if e.rank == LEVEL_RANK["county"] or e.leaf]
    uppers = [e for t in found for e in found[t] if e.rank < LEVEL_RANK["county"]]
    pairs = {c.id: c for c in counties for u in uppers if c.id != u.id and c.is_inside(u)}
    if len(pairs) == 1:
        (target,) = pairs.values()
    else:
        alone = {c.id: c for c in counties if c.leaf}
        if len(alone) != 1 or pairs:
            return None
        (target,) = alone.values()
    return _keep_input(resolver.resolve(_path(target)), text)


def _understood(resolver: Resolver, clean: str) -> list[str]:
    """Divisions named somewhere in the text (not at its start): what we did understand, to say so."""
    names: list[str] = []
    for pos in range(1, len(clean)):
        for _end, targets, _children in resolver._matches_at(clean, pos, len(clean), resolver.table):
            for entity, _gain in targets:
                if entity.current and entity.rank >= LEVEL_RANK["city"]:
                    name = _path(entity)
                    if name not in names:
                        names.append(name)
        if names:
            return names[:3]
    return names
