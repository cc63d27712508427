"""The bot's brain: which answer fits a customer's words, whether they ask for a person, and how urgent their
words sound (the published safety class).

Matching: the text is normalised (NFKC, lower case); Chinese runs are segmented with rjieba (jieba's
dictionary in Rust; the domain's words added; set up once per process, lazily, under a lock, silent); English
runs are lower-cased words with a light stemmer; stop words are dropped; every Chinese word also contributes
its characters at a lower weight (so 改预约 still meets 改约, and a one-character slip still scores). Each
answer's question variants are TF-IDF vectors; an answer's score is the best cosine of the customer's text
against its variants. Below `MIN_SCORE` the bot says it did not understand and offers the main self-service
links (the page always draws "talk to a human" itself).

The seam: answers come from one registered source (`answer_source_register`); the default is the active
`BotAnswer` rows. The index is cached per process under the source's version key (for the table: row count,
newest `updated_at`, highest id; saves and deletes in this process also drop it), so an edit in the admin is
used by the next reply of every process.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock
from fairdesk.knowledge.search import DOMAIN_WORDS, normalize, segmenter
from fairdesk.support.links import LINKS, MAIN_LINKS
from fairdesk.support.models import BotAnswer, SafetyClass

# ---------------------------------------------------------------------------------------------- replies

# Below this cosine the bot does not pretend to understand. Tuned on paraphrases of the demo answers that
# are not in the table (tests/test_bot.py): most right answers score 0.35 and more, unrelated sentences
# below 0.25.
MIN_SCORE = 0.32

NOT_UNDERSTOOD = _(
    "抱歉，我没有看懂您的问题。可以换个说法再问一次，或者直接使用下面的自助服务；"
    "需要真人帮忙时，点“转人工”即可。"
)
GREETING = _(
    "您好！我是 fairdesk 的客服助手。可以问我价格、预约、改约、取消、退款、套餐、发票、保修等问题；"
    "需要真人帮忙时，点“转人工”即可。"
)
# Words of a safety risk get the emergency link whatever else matched; gas and fire first get what to do now.
SAFETY_REPLY = _(
    "听起来情况紧急。被锁在门外、有人被困或门锁被撬，请马上点“紧急求助”，附近的技师会立刻出发；"
    "也可以点“转人工”，或拨打 24 小时热线 {hotline}。"
)
DANGER_NOTE = _(
    "如果闻到燃气味或有火情：请先离开现场，不要开关电器或点火，到安全的地方拨打 119"
    "（燃气泄漏也可拨打燃气公司的抢修电话）。"
)


@dataclass(frozen=True)
class BotReply:
    text: str  # in the conversation's language ("zh-hans" or "en")
    links: tuple[str, ...]  # self-service link codes (support/links.py)
    answer_id: int | None  # the answer used (None: no confident match)


def _is_english(language: str) -> bool:
    return (language or "").lower().startswith("en")


def _render(message: Promise, language: str) -> str:
    with translation.override("en" if _is_english(language) else "zh-hans"):
        return str(message)


def bot_reply(text: str, *, language: str, index: Index | None = None) -> BotReply:
    """The bot's answer to one customer message, in the conversation's language. `index`: one the caller
    read already (support.services reads it in the request's connection and runs this in a thread with a
    time limit, so the thread needs no database)."""
    index = index if index is not None else _current_index()
    query = features(text)
    answer, score = index.best(query) if query else (None, 0.0)
    if answer is not None and score < MIN_SCORE:
        answer = None
    if safety_class_of(text) == SafetyClass.SAFETY:
        # A safety risk: the emergency link first, never an answer without it (a "locked out" that happens to
        # share words with the price answer still gets help).
        if answer is None or "help_now" not in answer.links:
            reply = BotReply(text=_fill(_render(SAFETY_REPLY, language)), links=("help_now",), answer_id=None)
        else:
            links = ("help_now", *(code for code in answer.links if code != "help_now"))
            reply = BotReply(text=_answer_text(answer, language), links=links, answer_id=answer.id)
        if _DANGER_ZH.search(normalize(text)) or _DANGER_EN.search(normalize(text)):
            reply = BotReply(
                text=_render(DANGER_NOTE, language) + "\n" + reply.text,
                links=reply.links,
                answer_id=reply.answer_id,
            )
        return reply
    if not query:
        return BotReply(text=_render(GREETING, language), links=MAIN_LINKS, answer_id=None)
    if answer is None:
        return BotReply(text=_render(NOT_UNDERSTOOD, language), links=MAIN_LINKS, answer_id=None)
    return BotReply(text=_answer_text(answer, language), links=answer.links, answer_id=answer.id)


def _answer_text(answer: Answer, language: str) -> str:
    body = answer.text_en if _is_english(language) and answer.text_en.strip() else answer.text
    return _fill(body)


def _fill(body: str) -> str:
    """`{hotline}` in an answer is the national hotline (answers are edited in the admin; the number is a
    setting)."""
    from django.conf import settings

    return body.replace("{hotline}", getattr(settings, "FAIRDESK_NATIONAL_HOTLINE", ""))


# ------------------------------------------------------------------------------------------ segmentation


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ZH_STOP = _word_set(
    """
    的 了 吗 呢 啊 呀 吧 嘛 哦 哈 么 噢 喔 诶 哎 嗯 呗 啦 哇 是 在 有 我 我们 我家 你 你们 您 他 她 它 他们
    这 那 这个 那个 一下 一个 个 把 只 次 请问 请 麻烦 可以 能 能不能 不能 可不可以 会不会 行不行 可不可
    怎么 怎么样 怎样 如何 什么 啥 咋 咋办 怎么办 怎么弄 咋弄 咋整 要 想 我想 想要 需要 就 都 也 还 又 再
    和 跟 与 或 或者 对 给 让 会 得 地 着 过 很 太 好 您好 你好 谢谢 一些 有没有 是不是 的话 现在 刚 刚刚
    还是 然后 因为 所以 但是 不过 如果 一直 已经 帮 帮忙 帮我 告诉 知道 问 问问 下 上 说 看 看看 一般
    我要 想问 问下 哪些 你们家 大概 一下子 到底 究竟 到 哪 哪里 哪儿 掉 点 一点 今天 明天 后天 昨天 人 被
    """
)
EN_STOP = _word_set(
    """
    a an the i me my mine you your yours we our us is are was were be been am do does did can could would
    should will shall to of in on at for from with about how what when where which who why please hi hello
    hey and or it its this that there here any some get got have has had want need like just so if then than
    also too very be let tell know today tomorrow yesterday
    """
)
# Chinese characters too common to carry meaning on their own (their words still count).
ZH_STOP_CHARS = frozenset(
    "的了吗呢啊呀吧嘛哦么是在有我你您他她它这那个一下请可以能怎样如何什么要想就都也还和跟与或对把给让会得地着过很太好"
)

# Words that mean the same here, mapped to one token (after stop words; English after stemming).
SYNONYMS: dict[str, tuple[str, ...]] = {
    # not wanting any more: in this trade, cancelling
    "不要": ("取消",),
    "不想": ("取消",),
    "不想要": ("取消",),
    "不需要": ("取消",),
    "不要了": ("取消",),
    "不用": ("取消",),
    "不用了": ("取消",),
    "退订": ("取消", "套餐"),
    "撤销": ("取消",),
    # money back
    "退": ("退款",),
    "退钱": ("退款",),
    "退费": ("退款",),
    "退回": ("退款",),
    "到账": ("退款",),
    # moving a visit
    "约": ("预约",),
    "改期": ("改约",),
    "改时间": ("改约",),
    "推迟": ("改约",),
    "推后": ("改约",),
    "延后": ("改约",),
    "往后推": ("改约",),
    "推": ("改约",),
    "调整": ("改",),
    "换时间": ("改约",),
    "日子": ("时间",),
    "日期": ("时间",),
    "时段": ("时间",),
    "几号": ("时间",),
    # plans
    "会员": ("套餐",),
    "降": ("降级",),
    "续": ("续费",),
    "扣钱": ("扣费",),
    # people and things
    "技师": ("师傅",),
    "工人": ("师傅",),
    "保险箱": ("保险柜",),
    "换个": ("换",),
    "换成": ("换",),
    "换一个": ("换",),
    "换一把": ("换",),
    "修锁": ("维修", "锁"),
    "修": ("维修",),
    "修理": ("维修",),
    "装": ("安装",),
    "装锁": ("安装", "锁"),
    "坏了": ("坏",),
    "不行": ("坏",),
    "失灵": ("坏",),
    "不好使": ("坏",),
    "价钱": ("价格",),
    "价位": ("价格",),
    "费用": ("价格",),
    "收费": ("价格",),
    "花": ("价格",),
    "多少钱": ("价格",),
    "付钱": ("付款",),
    "支付": ("付款",),
    "交钱": ("付款",),
    "转账": ("付款",),
    "付": ("付款",),
    "凌晨": ("夜间",),
    "半夜": ("夜间",),
    "晚上": ("夜间",),
    "夜里": ("夜间",),
    "打电话": ("热线",),
    "电话": ("热线",),
    "接电话": ("热线",),
    "半小时": ("30", "分钟"),
    "专票": ("发票",),
    "开发票": ("发票",),
    "普票": ("发票",),
    "扣款": ("扣费",),
    "关": ("关闭",),
    "关掉": ("关闭",),
    "卖": ("泄露",),
    "出卖": ("泄露",),
    "房东": ("租房",),
    "租": ("租房",),
    "忘记": ("忘",),
    "记不得": ("忘",),
    "记不住": ("忘",),
    "想不起来": ("忘",),
    "丢": ("丢失",),
    "丢了": ("丢失",),
    "弄丢": ("丢失",),
    "材料": ("证件",),
    "证明": ("证件",),
    "身份证": ("证件", "身份证"),
    # English (stemmed)
    "cost": ("pric",),
    "fee": ("pric",),
    "charg": ("pric",),
    "locksmith": ("technician",),
    "engineer": ("technician",),
    "subscription": ("plan",),
    "membership": ("plan",),
    "cheaper": ("cheap",),
    "appointment": ("book",),
    "visit": ("book",),
    "schedul": ("book",),
    "arrang": ("book",),
    "forgotten": ("forgot",),
    "forget": ("forgot",),
}
# English contractions: what the part after the apostrophe adds (can't → can not; what's → what).
_CONTRACTIONS = {"t": "not", "s": "", "d": "", "ll": "", "re": "", "ve": "", "m": ""}

# Words that decide which answer fits: weighed higher than the rest of a sentence.
KEY_WEIGHT = 1.6
KEYWORDS = frozenset(DOMAIN_WORDS) | {t for targets in SYNONYMS.values() for t in targets}

# Place names (a city, a district, a street, "over there") all mean "where": one token, so 昆山能到吗 meets
# 南京能上门吗.
PLACE = "<place>"
_PLACE_WORDS = _word_set(
    "这里 那里 这边 那边 我这 你们那 那儿 这儿 当地 本地 村 镇 县 乡 城里 乡下 农村 郊区 县城 小区"
)
_PLACE_SUFFIX = tuple("省市区县镇乡村路街")
_NOT_PLACE = frozenset({"超市", "上市", "门市", "东西", "南北", "上门", "门外", "门口"})

CHAR_WEIGHT = 0.35  # a Chinese character's weight next to a word's
SUBWORD = "~"  # marks a dictionary sub-word of a longer word (智能 of 智能锁): it counts half
SUBWORD_WEIGHT = 0.5

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([a-z0-9]+)(?:'([a-z]+))?")


def stem(word: str) -> str:
    """A light English stemmer: enough for refund/refunds/refunded, book/booking, cancel/cancelled."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith(("ed", "es")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeious":
        word = word[:-1]
    return word


def _is_place(word: str, flag: str) -> bool:
    if word in _PLACE_WORDS:
        return True
    if word in KEYWORDS or word in _NOT_PLACE:
        return False
    return flag.startswith("ns") or (len(word) >= 2 and word.endswith(_PLACE_SUFFIX))


def _chinese_words(run: str) -> list[str]:
    """Words of a Chinese run: jieba's dictionary without guessing new words (a customer's 修个锁 stays
    修 个 锁), with POS tags so place names are recognised; a long word also gives its dictionary sub-words
    (智能锁 → 智能锁, 智能)."""
    jieba = segmenter()
    words: list[str] = []
    for word, flag in jieba.tag(run, False):
        if _is_place(word, flag):
            words.append(PLACE)
            continue
        words.append(word)
        if len(word) > 2 and word not in SYNONYMS:
            words.extend(
                SUBWORD + part for part in jieba.cut_for_search(word, False) if part != word and len(part) > 1
            )
    return words


def tokens(text: str) -> list[str]:
    """The content words of a text: Chinese segmented, English stemmed, stop words dropped, synonyms mapped
    to one word, place names to one token."""
    result: list[str] = []
    for chinese, latin, tail in _RUNS.findall(normalize(text)):
        if chinese:
            words = [w for w in _chinese_words(chinese) if w.removeprefix(SUBWORD) not in ZH_STOP]
        else:
            words = [stem(w) for w in (latin, _CONTRACTIONS.get(tail, tail)) if w and w not in EN_STOP]
        for word in words:
            if word.startswith(SUBWORD):
                result.extend(SUBWORD + w for w in SYNONYMS.get(word[1:], (word[1:],)))
            else:
                result.extend(SYNONYMS.get(word, (word,)))
    return result


def features(text: str) -> dict[str, float]:
    """Weighted term counts: each word 1, each meaningful character of a Chinese word CHAR_WEIGHT."""
    counts: Counter[str] = Counter()
    for word in tokens(text):
        if word.startswith(SUBWORD):
            counts[word[1:]] += SUBWORD_WEIGHT
            continue
        counts[word] += KEY_WEIGHT if word in KEYWORDS else 1.0
        if word[0] >= "\u3400":
            for char in word:
                if char not in ZH_STOP_CHARS:
                    counts["#" + char] += CHAR_WEIGHT
    return dict(counts)


# ---------------------------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class Answer:
    """One answer from the source (a BotAnswer row, or the later knowledge base's entry)."""

    id: int
    questions: tuple[str, ...]
    text: str  # Chinese
    text_en: str = ""
    links: tuple[str, ...] = ()


class Index:
    """TF-IDF over every question variant; an answer scores its best variant's cosine."""

    def __init__(self, answers: Iterable[Answer]):
        self.answers = tuple(answers)
        docs: list[tuple[Answer, dict[str, float]]] = []
        for answer in self.answers:
            for question in answer.questions:
                vector = features(question)
                if vector:
                    docs.append((answer, vector))
        df: Counter[str] = Counter()
        for _answer, vector in docs:
            df.update(vector.keys())
        n = len(docs)
        self.idf = {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}
        self.unknown_idf = math.log(n + 1) + 1.0
        self.docs = [(answer, self._unit(vector)) for answer, vector in docs]

    def _weigh(self, vector: dict[str, float]) -> dict[str, float]:
        idf, unknown = self.idf, self.unknown_idf
        return {t: (1.0 + math.log(c) if c >= 1 else c) * idf.get(t, unknown) for t, c in vector.items()}

    def _unit(self, vector: dict[str, float]) -> dict[str, float]:
        weighted = self._weigh(vector)
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        return {t: w / norm for t, w in weighted.items()}

    def scores(self, query: dict[str, float] | str) -> list[tuple[float, Answer]]:
        """Every answer with its score, best first (ties: the lower id)."""
        q = self._unit(features(query) if isinstance(query, str) else query)
        best: dict[int, tuple[float, Answer]] = {}
        for answer, doc in self.docs:
            score = sum(w * doc.get(t, 0.0) for t, w in q.items())
            if answer.id not in best or score > best[answer.id][0]:
                best[answer.id] = (score, answer)
        return sorted(best.values(), key=lambda pair: (-pair[0], pair[1].id))

    def best(self, query: dict[str, float] | str) -> tuple[Answer | None, float]:
        ranked = self.scores(query)
        if not ranked:
            return None, 0.0
        score, answer = ranked[0]
        return answer, score


# --------------------------------------------------------------------------------------------- the seam


@dataclass(frozen=True)
class AnswerSource:
    load: Callable[[], Iterable[Answer]]
    version: Callable[[], Hashable] | None = None  # cheap key that changes when the answers do


def _table_answers() -> list[Answer]:
    rows = BotAnswer.objects.filter(active=True).order_by("id")
    return [
        Answer(
            id=row.pk,
            questions=tuple(line.strip() for line in row.questions.splitlines() if line.strip()),
            text=row.answer,
            text_en=row.answer_en,
            links=tuple(code for code in (row.links or []) if isinstance(code, str) and code in LINKS),
        )
        for row in rows
    ]


def _table_version() -> Hashable:
    from django.db.models import Count, Max, Q

    agg = BotAnswer.objects.aggregate(
        n=Count("id"), active=Count("id", filter=Q(active=True)), updated=Max("updated_at"), top=Max("id")
    )
    return (agg["n"], agg["active"], agg["updated"], agg["top"])


DEFAULT_SOURCE = AnswerSource(load=_table_answers, version=_table_version)
_source: AnswerSource = DEFAULT_SOURCE
_index_lock = threading.Lock()
_index_cache: tuple[Hashable, Index] | None = None


def answer_source_register(fn: Callable[[], Iterable[Answer]] | None = None, *, version=None):
    """Make `fn() -> Iterable[Answer]` where the bot's answers come from (the knowledge base registers itself
    here). `version() -> hashable` should change whenever the answers do; without it the answers are loaded
    on every reply and the index is rebuilt only when they differ. Usable as a decorator."""

    def register(load: Callable[[], Iterable[Answer]]):
        global _source
        _source = AnswerSource(load=load, version=version)
        index_forget()
        return load

    return register(fn) if fn is not None else register


def answer_source_reset() -> None:
    """Back to the BotAnswer table (tests)."""
    global _source
    _source = DEFAULT_SOURCE
    index_forget()


def answers() -> list[Answer]:
    """The answers the bot uses now."""
    return list(_source.load())


def index_forget() -> None:
    global _index_cache
    _index_cache = None


def _current_index() -> Index:
    global _index_cache
    source = _source
    loaded = None
    if source.version is not None:
        key: Hashable = (id(source), source.version())
    else:
        loaded = tuple(source.load())
        key = (id(source), loaded)
    cached = _index_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    with _index_lock:
        cached = _index_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        index = Index(loaded if loaded is not None else source.load())
        _index_cache = (key, index)
        return index


def _stamp_updated_at(sender, instance, update_fields=None, **kwargs) -> None:
    """`updated_at` is the time of the last edit (it keys every process's index)."""
    if update_fields is None or "updated_at" in update_fields:
        instance.updated_at = clock.now()


def _forget(sender, **kwargs) -> None:
    index_forget()


pre_save.connect(_stamp_updated_at, sender=BotAnswer, dispatch_uid="support.bot.stamp")
post_save.connect(_forget, sender=BotAnswer, dispatch_uid="support.bot.forget_saved")
post_delete.connect(_forget, sender=BotAnswer, dispatch_uid="support.bot.forget_deleted")


# ------------------------------------------------------------------------------------ asking for a person

_HUMAN_ZH = re.compile(
    # 人工, 转人工, 找人工, 人工客服, 人工服务 (not 人工智能, 人工费)
    r"人工(?!智能|费|成本|湖|降雨|呼吸|合成|培育|养殖)"
    r"|真人|活人|人类客服|真的人"
    r"|(?:转|找|要|接|叫|换|呼叫|联系|来个|请)(?:个|一个|一下)?客服"
    r"|客服(?:在吗|在不在|呢|人员|小姐姐|小哥|妹妹|mm)"
    r"|(?:跟|和|同|找)(?:个)?(?:人|真人)(?:说|聊|谈|沟通)"
    r"|有人(?:在)?吗|有没有人(?:在)?(?:吗|啊|呀|[?？]|$)"
)
# Filler a short message may carry around a bare 客服 ("客服！", "客服呢?").
_FILLER = re.compile(rf"[^{_CJK}a-z0-9]|[我要找请帮呢吗啊呀吧的了在快点你好您]")
_HUMAN_EN = re.compile(
    r"\bhumans?\b(?!\s+error)|(?<!estate )(?<!travel )(?<!letting )\bagents?\b|\boperator\b"
    r"|\brepresentative\b|\breal (?:person|people|human)\b"
    r"|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s*)?(?:person|one|body|staff|people)\b"
    r"|\blive (?:agent|person|support|chat)\b|\bcustomer (?:service|support)\b"
)


def wants_human(text: str) -> bool:
    """The customer asks for a person: 人工, 转人工, 人工客服, 客服, 真人, human, agent, "talk to a human",
    "real person" … (not 人工智能, 人工费, "agency")."""
    t = normalize(text)
    if _HUMAN_ZH.search(t) or _HUMAN_EN.search(t):
        return True
    # A bare "客服" (possibly with fillers): a request for a person; "客服电话多少" is a question for the bot.
    return "客服" in t and not _FILLER.sub("", t).replace("客服", "")


# ----------------------------------------------------------------------------------------- safety classes

_SAFETY_ZH = re.compile(
    r"被?锁在(?:了)?(?:门|家|屋)?外|锁门外|关在(?:了)?(?:门|家)?外"
    r"|(?:进不去|进不了|回不去|回不了)(?:家|门|屋|房)|(?:家|门|屋|房间?|我)(?:里)?(?:进不去|进不了)"
    r"|(?:门|家门|房门|大门|防盗门)(?:打不开|开不了|开不开)"
    r"|(?:孩子|小孩|宝宝|婴儿|儿子|女儿|老人|老人家|老太太|老爷子|爷爷|奶奶|外公|外婆|姥姥|姥爷|父母|爸|妈|病人)"
    r"[^，。,.!！?？]{0,6}(?:在里面|在屋里|在家里|在房间里|锁在|关在|被锁|被关|困在|出不来)"
    r"|被困|困在|关在里面|锁在里面|出不来|出不去"
    r"|煤气|燃气|天然气|液化气|漏气|着火|失火|起火|火灾|冒烟|烧起来"
    r"|被撬|撬(?:了|开|坏)|撬门|撬锁|小偷|盗窃|被盗|入室|闯入|有贼|进贼|进了贼"
)
_SAFETY_EN = re.compile(
    r"\blocked (?:myself |ourselves |me |us )?out\b|\block(?:ed)? (?:myself|ourselves) out\b"
    r"|\bcan(?:not|'t|t)? get (?:in|into|inside|back in)\b"
    r"|\bcan(?:not|'t|t) open (?:the |my |our )?(?:front )?door\b"
    r"|\btrapped\b|\bstuck (?:inside|in the)\b|\blocked in\b"
    r"|\b(?:child|children|kid|kids|baby|toddler|son|daughter|elderly|grandma|grandpa|grandmother|grandfather|"
    r"mother|father|mum|mom|dad)\b[^.!?]{0,20}\b(?:inside|locked in|trapped|stuck)\b"
    r"|\bgas\b|\bfire\b|\bsmoke\b|\bburning\b|\bbreak[- ]?in\b|\bbroken into\b|\bbroke in\b|\bburglar\w*"
    r"|\bthie(?:f|ves)\b|\bintruder\b|\brobbed\b|\bforced (?:the |my |our )?(?:door|lock)\b"
)


_DANGER_ZH = re.compile(r"煤气|燃气|天然气|液化气|漏气|着火|失火|起火|火灾|冒烟|烧起来")
_DANGER_EN = re.compile(r"\bgas\b|\bfire\b|\bsmoke\b|\bburning\b")


def safety_class_of(text: str) -> int:
    """SAFETY (1) when the customer's words describe a safety risk; otherwise GENERAL (3). IN_SERVICE (2) is
    never decided from words (the queue reads the bookings' state)."""
    t = normalize(text)
    if _SAFETY_ZH.search(t) or _SAFETY_EN.search(t):
        return SafetyClass.SAFETY.value
    return SafetyClass.GENERAL.value


class SafetyRule(NamedTuple):
    safety_class: int
    description: Promise
    examples: tuple[Promise, ...]


# Published on the support page: what puts a conversation ahead in the human queue (and nothing else does,
# besides the time the person was asked for).
SAFETY_CLASS_RULES: list[SafetyRule] = [
    SafetyRule(
        SafetyClass.SAFETY.value,
        _(
            "安全风险：被锁在门外、有人（孩子、老人）被困在屋内、闻到燃气味、着火或冒烟、门锁被撬或家中进了小偷。"
            "根据您写的内容自动判断，排在队列最前面。"
        ),
        (_("我被锁在门外了"), _("孩子在里面出不来"), _("家里有煤气味"), _("门锁被撬了")),
    ),
    SafetyRule(
        SafetyClass.IN_SERVICE.value,
        _(
            "服务进行中：您今天有上门预约，或有一个正在处理的紧急报修。由系统根据预约状态判断，与您写的内容无关。"
        ),
        (_("师傅什么时候到？"), _("今天的上门能晚一点吗？")),
    ),
    SafetyRule(
        SafetyClass.GENERAL.value,
        _("一般咨询：其他所有问题。"),
        (_("怎么改约？"), _("我想退款"), _("发票怎么开？")),
    ),
]
QUEUE_RULE = _("同一等级内，按您请求人工的先后顺序接待。您的套餐、消费金额或客户等级从不影响排队顺序。")


def index_current() -> Index:
    """The answer index for the current table (read, or cached while the table is unchanged)."""
    return _current_index()
