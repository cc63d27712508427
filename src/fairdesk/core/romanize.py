"""Names from the data (stations, divisions, technicians) as an English reader can read them: Hanyu Pinyin
(pypinyin, which knows the readings of place names such as 重庆 Chongqing and 长沙 Changsha) with the kind of
place translated (南京服务站 → Nanjing Service Station, 姜堰区 → Jiangyan District, 赵师傅 → Technician Zhao).
Chinese pages show the names as stored; the filters in core.templatetags.fairdesk choose by the language."""

from __future__ import annotations

import functools
import re

from django.utils import translation
from pypinyin import lazy_pinyin

# Longest first: 自治县 before 县, 服务站 before 站.
_PLACE_KINDS = (
    ("特别行政区", "SAR"),
    ("维吾尔自治区", "Uygur Autonomous Region"),
    ("壮族自治区", "Zhuang Autonomous Region"),
    ("回族自治区", "Hui Autonomous Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("服务站", "Service Station"),
    ("服务网点", "Service Point"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("地区", "Prefecture"),
    ("街道", "Subdistrict"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("镇", "Town"),
    ("乡", "Township"),
)
_HAN = re.compile(r"[\u3400-\u9fff]+")


def pinyin(text: str) -> str:
    """Han characters as one capitalised pinyin word per run (西安 → Xi'an); anything else kept."""

    def word(match: re.Match) -> str:
        syllables = lazy_pinyin(match.group(0))
        out = syllables[0]
        for syllable in syllables[1:]:
            out += ("'" if syllable[:1] in "aoe" else "") + syllable
        return out[:1].upper() + out[1:]

    return _HAN.sub(word, text)


@functools.lru_cache(maxsize=8192)
def place_en(name: str) -> str:
    """A place or station name in English: the proper name in pinyin, its kind translated."""
    name = (name or "").strip()
    for suffix, english in _PLACE_KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{pinyin(name[: -len(suffix)])} {english}"
    return pinyin(name)


@functools.lru_cache(maxsize=8192)
def person_en(name: str) -> str:
    """A person as customers see them: 赵师傅 → Technician Zhao; any other name in pinyin."""
    name = (name or "").strip()
    if name.endswith("师傅"):
        return f"Technician {pinyin(name[:-2])}".strip()
    return pinyin(name)


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def place(name: str) -> str:
    return place_en(name) if english() and name else (name or "")


def person(name: str) -> str:
    return person_en(name) if english() and name else (name or "")


def division_name(division) -> str:
    """A division's full name for the reader: 江苏省泰州市姜堰区, or Jiangyan District, Taizhou City, Jiangsu
    Province (the English order, smallest first)."""
    if not english():
        return division.full_name
    parts = [division.province_name]
    if division.city_name and division.city_name != division.province_name:
        parts.append(division.city_name)
    if division.name not in parts:
        parts.append(division.name)
    return ", ".join(place_en(p) for p in reversed(parts))
