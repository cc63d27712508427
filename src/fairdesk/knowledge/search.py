"""Turning text into search terms, the same way for articles and queries.

Chinese runs are segmented by rjieba in search mode (a long word also gives its dictionary sub-words:
保险柜 → 保险, 保险柜), English runs are lower-cased words with a light stemmer, stop words are dropped, and a
phrase from the synonym file (data/synonyms.txt) adds its group's term (`syn<group>`), so 钥匙丢了, 忘带钥匙
and 进不了门 meet the same article. Terms are joined by spaces: PostgreSQL's `simple` parser and SQLite's
FTS5 `unicode61` tokenizer both split on spaces and nothing inside a term (a term is letters, digits or CJK
characters only).

The spelling fallback (`fuzzy_terms`) maps a query's unknown terms to the nearest terms of the index's
vocabulary by character bigram overlap (Dice coefficient), for "lcoksmith" or 保险拒.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

SYNONYM_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
SYNONYM_PREFIX = "syn"

# Words of the trade jieba's general dictionary splits wrongly or weighs too low: the help centre's search and
# support's bot segment with the same dictionary (rjieba's is per process, so one list, loaded once).
DOMAIN_WORDS = (
    "开锁",
    "换锁",
    "修锁",
    "锁芯",
    "门锁",
    "防盗门",
    "保险柜",
    "保险箱",
    "指纹锁",
    "智能锁",
    "密码锁",
    "电子锁",
    "配钥匙",
    "套餐",
    "退款",
    "改约",
    "上门费",
    "身份证",
    "房产证",
    "租房合同",
    "投诉",
    "进不了门",
    "锁芯等级",
    "退钱",
    "降级",
    "升级",
    "改期",
    "改时间",
    "预约",
    "上门",
    "师傅",
    "发票",
    "电子发票",
    "保修",
    "质保",
    "没电",
    "换电池",
    "营业时间",
    "服务范围",
    "自动续费",
    "续费",
    "微信支付",
    "支付宝",
    "个人信息",
    "隐私",
    "不想要",
    "不要了",
    "不需要",
    "人工客服",
    "转人工",
)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ZH_STOP = _word_set(
    """
    的 了 吗 呢 啊 呀 吧 嘛 哦 么 是 在 有 我 我们 你 你们 您 他 她 它 这 那 这个 那个 一下 一个 个 把 请问 请
    可以 能 怎么 怎么样 怎样 如何 什么 啥 咋 怎么办 要 想 就 都 也 还 又 再 和 跟 与 或 对
    给 让 会 得 地 着 过
    很 太 好 一些 有没有 是不是 的话 现在 已经 帮 帮忙 下 上 说 看 到 哪 哪里 被 时 时候 你好 您好 急
    呗 啦 以 及 等 从 为
    """
)
EN_STOP = _word_set(
    """
    a an the i me my mine you your we our us is are was were be been am do does did can could would should
    will to of in on at for from with about how what when where which who why please hi hello and or it its
    this that there here any some get got have has had want need just so if then than also too very let
    into out not no as by up
    """
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([a-z0-9]+)")
_segmenter_lock = threading.Lock()
_segmenter_ready = False


def normalize(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, curly apostrophes straight."""
    return unicodedata.normalize("NFKC", text or "").lower().replace("\u2019", "'")


def segmenter():
    """rjieba with the trade's words, set up once per process (importing it loads the dictionary)."""
    global _segmenter_ready
    import rjieba

    if not _segmenter_ready:
        with _segmenter_lock:
            if not _segmenter_ready:
                for word in DOMAIN_WORDS:
                    rjieba.add_word(word, None, None)
                _segmenter_ready = True
    return rjieba


def stem(word: str) -> str:
    """A light English stemmer: keys/key, locked/lock, opening/open, batteries/battery."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


# ------------------------------------------------------------------------------------------------ synonyms


def _parse_synonyms(text: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, phrases = line.split(":", 1)
        name = re.sub(r"[^a-z0-9]", "", name.strip().lower())
        groups[name] = tuple(p for p in (normalize(p).strip() for p in phrases.split("/")) if p)
    return groups


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """group name → its phrases (normalised), from data/synonyms.txt."""
    return _parse_synonyms(SYNONYM_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _synonym_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for name, phrases in synonym_groups().items():
        alternatives = []
        for phrase in sorted(phrases, key=len, reverse=True):
            escaped = re.escape(phrase).replace(r"\ ", r"\s+")
            alternatives.append(escaped if re.search(f"[{_CJK}]", phrase) else rf"\b{escaped}\b")
        patterns.append((SYNONYM_PREFIX + name, re.compile("|".join(alternatives))))
    return patterns


def synonym_terms(text: str) -> list[str]:
    """The synonym groups whose phrases occur in the text, once per occurrence (a term repeated weighs
    more)."""
    normalized = normalize(text)
    found = []
    for term, pattern in _synonym_patterns():
        found.extend(term for _match in pattern.finditer(normalized))
    return found


# ------------------------------------------------------------------------------------------------ terms


def words(text: str) -> list[str]:
    """The content words of a text, before synonyms: Chinese segmented (search mode), English stemmed, stop
    words dropped."""
    result: list[str] = []
    for chinese, latin in _RUNS.findall(normalize(text)):
        if chinese:
            jieba = segmenter()
            result.extend(w for w in jieba.cut_for_search(chinese, False) if w.strip() and w not in ZH_STOP)
        elif latin not in EN_STOP:
            result.append(stem(latin))
    return result


def terms(text: str) -> list[str]:
    """What is indexed and searched for a text: its words and its synonym groups' terms."""
    return words(text) + synonym_terms(text)


def query_terms(text: str) -> list[str]:
    """A query's distinct terms in order (at most 32: a pasted essay does not become a huge query)."""
    seen: dict[str, None] = {}
    for term in terms(text):
        seen.setdefault(term, None)
    return list(seen)[:32]


def joined(items: Iterable[str]) -> str:
    return " ".join(items)


# ------------------------------------------------------------------------------------------ spelling fallback


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$" if word.isascii() else word
    if len(padded) < 2:
        return {padded}
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


# A term found in more than this share of a language's articles does not choose candidates by itself (it
# still counts in the ranking): "钥匙" or "lock" would otherwise make every query rank most of the index.
COMMON_SHARE = 0.08
SYNONYM_SHARE = 0.3
SELECTIVE_FROM = 500  # below this many articles every term chooses (ranking them all is cheap)


class Vocabulary:
    """The index's terms with their document frequencies, and a bigram → terms table for the nearest known
    terms of a misspelt one."""

    def __init__(self, document_frequency: dict[str, int], documents: int = 0):
        self.df = document_frequency
        self.documents = documents
        self.terms = frozenset(t for t in document_frequency if not t.startswith(SYNONYM_PREFIX))
        self.by_bigram: dict[str, list[str]] = defaultdict(list)
        for term in self.terms:
            for gram in _bigrams(term):
                self.by_bigram[gram].append(term)

    def selective(self, terms: list[str]) -> list[str]:
        """The terms that choose the candidates: all of them in a small index; in a large one the known
        terms in at most COMMON_SHARE of the articles and the synonym groups' terms in at most
        SYNONYM_SHARE (a group names what the customer means: 钥匙锁在屋里 is a lock-out), else the rarest
        known one."""
        if self.documents < SELECTIVE_FROM:
            return terms
        known = sorted((t for t in terms if self.df.get(t)), key=lambda t: self.df[t])
        limit = COMMON_SHARE * self.documents
        group_limit = SYNONYM_SHARE * self.documents
        chosen = [t for t in known if self.df[t] <= (group_limit if t.startswith(SYNONYM_PREFIX) else limit)]
        return chosen or known[:1]

    def candidates(self, terms: list[str]) -> int:
        """At most how many articles hold one of the terms."""
        return sum(self.df.get(t, 0) for t in terms)

    def nearest(self, word: str, *, limit: int = 2) -> list[str]:
        """Known terms sharing most bigrams with `word` (Dice ≥ 0.5;
        single characters never: too vague)."""
        if word in self.terms or len(word) < 2:
            return []
        grams = _bigrams(word)
        counts: dict[str, int] = defaultdict(int)
        for gram in grams:
            for term in self.by_bigram.get(gram, ()):
                counts[term] += 1
        threshold = 0.5
        scored = []
        for term, shared in counts.items():
            dice = 2 * shared / (len(grams) + len(_bigrams(term)))
            if dice >= threshold and abs(len(term) - len(word)) <= 2:
                scored.append((dice, term))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [term for _dice, term in scored[:limit]]


def fuzzy_terms(query: str, vocabulary: Vocabulary) -> list[str]:
    """The query's terms with each unknown one replaced by its nearest known terms; Chinese text also
    contributes its known single characters (保险拒 → 保险, 柜 is not there but 保 and 险 are)."""
    result: dict[str, None] = {}
    normalized = normalize(query)
    for word in query_terms(query):
        if word in vocabulary.terms:
            result.setdefault(word, None)
            continue
        for near in vocabulary.nearest(word):
            result.setdefault(near, None)
    for chinese, latin in _RUNS.findall(normalized):
        candidates = [chinese[i : i + 2] for i in range(len(chinese) - 1)] if chinese else []
        if latin and len(latin) >= 4:
            candidates += vocabulary.nearest(stem(latin))
        for candidate in candidates:
            if candidate in vocabulary.terms and candidate not in ZH_STOP:
                result.setdefault(candidate, None)
    return list(result)[:32]
