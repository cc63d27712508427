"""The bot's brain: Chinese and English paraphrases find the right answer, unrelated sentences are "not
understood", requests for a person and safety risks are recognised from the words, and the answer index
follows the table."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from fairdesk.support import bot
from fairdesk.support.bot import Answer, Index, safety_class_of, tokens, wants_human
from fairdesk.support.demo import DEMO_ANSWERS, _variants
from fairdesk.support.links import LINKS, MAIN_LINKS, link_url, links_for
from fairdesk.support.models import BotAnswer, SafetyClass

# The demo answers by their position (1-based ids in the pure index below).
RESCHEDULE, CANCEL, REFUND, DOWNGRADE, PLAN_CANCEL = 5, 6, 7, 8, 9
PRICES, HOURS, COVERAGE, BOOK, EMERGENCY, ID_CHECK, SAFE_CODE, SMART_LOCK = 1, 2, 3, 4, 12, 13, 17, 18


@pytest.fixture(scope="module")
def index() -> Index:
    """The demo answers as plain tuples: no database."""
    return Index(
        Answer(id=n, questions=tuple(_variants(q).splitlines()), text=zh, text_en=en, links=links)
        for n, (q, zh, en, links) in enumerate(DEMO_ANSWERS, start=1)
    )


def _best(index: Index, text: str) -> int:
    answer, score = index.best(text)
    return answer.id if answer is not None and score >= bot.MIN_SCORE else 0


# ------------------------------------------------------------------------------------- matching, no database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rescheduling, as customers type it
        ("怎么改预约时间", RESCHEDULE),
        ("我想换个时间", RESCHEDULE),
        ("改约", RESCHEDULE),
        ("该约", RESCHEDULE),  # a typo for 改约
        ("上门时间能不能调整一下", RESCHEDULE),
        ("预约能往后推一天吗", RESCHEDULE),
        ("约好的时间临时有事", RESCHEDULE),
        ("I need to reschedule", RESCHEDULE),
        ("can I change the time of my visit", RESCHEDULE),
        # cancelling a visit vs. cancelling a plan
        ("取消预约怎么弄", CANCEL),
        ("我约的单子不要了", CANCEL),
        ("please cancel my appointment", CANCEL),
        ("我不想再订套餐了", PLAN_CANCEL),
        ("会员不想要了", PLAN_CANCEL),
        ("i want to cancel my plan", PLAN_CANCEL),
        # money
        ("我要退钱", REFUND),
        ("退宽", REFUND),
        ("退款几天到账", REFUND),
        ("can I get my money back", REFUND),
        ("套餐能降级吗", DOWNGRADE),
        ("套餐换低一点的", DOWNGRADE),
        ("i want a cheaper plan", DOWNGRADE),
        ("修个锁大概要花多少", PRICES),
        ("换锁大概多少钱", PRICES),
        ("is the call out fee expensive", PRICES),
        # the rest of the table
        ("你们24小时营业吗", HOURS),
        ("凌晨两点能打电话吗", HOURS),
        ("无锡新吴区能不能来", COVERAGE),
        ("你们服务哪些地区", COVERAGE),
        ("我想约个师傅明天来修锁", BOOK),
        ("I'd like to schedule a technician", BOOK),
        ("锁坏了门打不开急", EMERGENCY),
        ("你们多快能到", EMERGENCY),
        ("开锁要看身份证吗", ID_CHECK),
        ("房东的房子我能开锁吗", ID_CHECK),
        ("保险柜的密码记不得了", SAFE_CODE),
        ("I forgot the code of my safe", SAFE_CODE),
        ("电子锁没电了怎么开门", SMART_LOCK),
        ("my smart lock battery is dead", SMART_LOCK),
    ],
)
def test_paraphrases_find_the_right_answer(index, text, expected):
    assert _best(index, text) == expected, (text, index.scores(text)[:3])


@pytest.mark.parametrize(
    "text",
    ["今天天气怎么样", "我家猫不吃东西", "股票会涨吗", "帮我写一首诗", "明天会下雨吗", "我的快递到哪了",
     "what is the capital of france", "tell me a joke", "asdfgh", "我要充话费"],
)  # fmt: skip
def test_unrelated_sentences_are_not_understood(index, text):
    assert _best(index, text) == 0, (text, index.scores(text)[:2])


def test_segmentation_keeps_the_trades_words_and_drops_filler():
    assert "改约" in tokens("我想改约")
    assert "智能锁" in tokens("智能锁没电了")
    assert "保险柜" in tokens("保险柜密码忘了咋办")
    words = tokens("请问怎么开发票呢？")
    assert "发票" in words and "请问" not in words and "呢" not in words
    assert tokens("ＲＥＦＵＮＤ please") == ["refund"]  # full-width letters, lower case, stop words
    assert tokens("refunded") == tokens("refunds") == tokens("refund")
    assert tokens("你们能到昆山吗") == tokens("你们能到南京吗")  # a place is a place


def test_an_empty_index_answers_nothing():
    empty = Index([])
    assert empty.best("怎么改约") == (None, 0.0)
    reply = bot.bot_reply("怎么改约", language="zh-hans", index=empty)
    assert reply.answer_id is None and reply.links == MAIN_LINKS


def test_a_greeting_or_punctuation_gets_the_greeting(index):
    for text in ("你好", "？？？", "", "hi"):
        reply = bot.bot_reply(text, language="zh-hans", index=index)
        assert reply.answer_id is None and reply.links == MAIN_LINKS
        assert "您好" in reply.text


def test_the_reply_is_in_the_conversations_language(index):
    zh = bot.bot_reply("怎么改约", language="zh-hans", index=index)
    en = bot.bot_reply("怎么改约", language="en", index=index)
    assert zh.answer_id == en.answer_id == RESCHEDULE
    assert "我的预约" in zh.text and "My appointments" in en.text
    assert zh.links == ("reschedule",)
    not_understood = bot.bot_reply("tell me a joke", language="en", index=index)
    assert not_understood.answer_id is None
    assert not_understood.text == bot._render(bot.NOT_UNDERSTOOD, "en")


def test_an_answer_without_english_falls_back_to_chinese():
    index = Index([Answer(id=1, questions=("改约",), text="中文回答", text_en="")])
    assert bot.bot_reply("改约", language="en", index=index).text == "中文回答"


def test_the_hotline_placeholder_is_the_configured_number(index, settings):
    settings.FAIRDESK_NATIONAL_HOTLINE = "400-123-4567"
    reply = bot.bot_reply("你们几点上班", language="zh-hans", index=index)
    assert reply.answer_id == HOURS
    assert "400-123-4567" in reply.text and "{hotline}" not in reply.text


def test_segmentation_is_silent_in_a_fresh_process():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'fairdesk.test_settings'; django.setup(); "
        "from fairdesk.support.bot import tokens; print(tokens('保险柜密码忘了'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stderr == ""
    assert "保险柜" in done.stdout


def test_segmentation_is_thread_safe_on_first_use():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(tokens, ["智能锁没电了"] * 32))
    assert all(result == results[0] for result in results)


# ---------------------------------------------------------------------------------------- asking for a person


@pytest.mark.parametrize(
    "text",
    ["人工", "转人工", "找人工", "人工客服", "我要人工服务", "客服", "客服！", "客服在吗", "找客服", "真人",
     "有人吗", "human", "Agent please", "talk to a human", "I want a real person", "can I speak to someone",
     "customer service"],
)  # fmt: skip
def test_wants_human(text):
    assert wants_human(text)


@pytest.mark.parametrize(
    "text",
    ["人工智能", "什么是人工智能", "人工费多少", "客服电话多少", "怎么改约", "an agency",
     "my estate agent has the key", "human error", "有没有人能修保险柜", ""],
)  # fmt: skip
def test_does_not_want_human(text):
    assert not wants_human(text)


# ----------------------------------------------------------------------------------------------- safety class


@pytest.mark.parametrize(
    "text",
    ["我被锁在门外了", "钥匙锁在里面了，进不去家", "孩子在里面出不来", "老人一个人在家里被锁", "被困在电梯里",
     "家里有煤气味", "燃气泄漏", "厨房着火了", "火灾", "门被撬了", "家里进了小偷", "防盗门打不开",
     "I'm locked out", "I locked myself out", "my child is locked inside", "someone is trapped",
     "I smell gas", "there is a fire", "there was a break-in", "burglars broke in"],
)  # fmt: skip
def test_safety_risks_come_first(text):
    assert safety_class_of(text) == SafetyClass.SAFETY


@pytest.mark.parametrize(
    "text",
    ["怎么改约", "保险柜密码忘了", "智能锁一直报警", "网页进不去", "人工", "I want a refund", "agency fees",
     "the website is down", ""],
)  # fmt: skip
def test_everything_else_is_general(text):
    # IN_SERVICE comes from the bookings' state, never from words.
    assert safety_class_of(text) == SafetyClass.GENERAL


@pytest.mark.parametrize(
    ("text", "language"),
    [("我被锁在门外了", "zh-hans"), ("孩子在里面出不来", "zh-hans"), ("家里进了小偷", "zh-hans"),
     ("I'm locked out", "en"), ("老人一个人在家里被锁", "zh-hans")],
)  # fmt: skip
def test_a_safety_risk_always_gets_the_emergency_link_first(index, text, language):
    reply = bot.bot_reply(text, language=language, index=index)
    assert reply.links[0] == "help_now", (text, reply)
    assert reply.answer_id in (None, EMERGENCY)  # never, say, the price answer for "locked out"


def test_gas_and_fire_are_told_what_to_do_first(index):
    for text, language in (("家里有煤气味", "zh-hans"), ("厨房着火了", "zh-hans"), ("I smell gas", "en")):
        reply = bot.bot_reply(text, language=language, index=index)
        assert reply.text.startswith(bot._render(bot.DANGER_NOTE, language)), reply.text
        assert "119" in reply.text and reply.links[0] == "help_now"
    assert "119" not in bot.bot_reply("我被锁在门外了", language="zh-hans", index=index).text


def test_the_published_rules_cover_every_class_in_order():
    assert [rule.safety_class for rule in bot.SAFETY_CLASS_RULES] == [c.value for c in SafetyClass]
    for rule in bot.SAFETY_CLASS_RULES:
        assert str(rule.description) and rule.examples
    for example in bot.SAFETY_CLASS_RULES[0].examples:
        assert safety_class_of(str(example)) == SafetyClass.SAFETY


# ---------------------------------------------------------------------------------------------------- links


def test_every_link_has_a_page_and_unknown_codes_are_skipped():
    assert set(LINKS) == {"book", "reschedule", "cancel", "my_plan", "complaint", "help_now"}
    assert link_url("book") == "/book/"
    assert link_url("reschedule") == link_url("cancel") == "/my/"
    assert link_url("my_plan") == "/plan/"
    assert link_url("help_now") == "/help-now/"
    assert link_url("complaint").endswith("?human=complaint")
    drawn = links_for(["book", "nonsense", "book", "my_plan"])
    assert [link.code for link in drawn] == ["book", "my_plan"]
    assert drawn[0].url == "/book/" and drawn[0].label
    for _n, (_q, _zh, _en, codes) in enumerate(DEMO_ANSWERS):
        assert set(codes) <= set(LINKS)


# --------------------------------------------------------------------------------------- the table (database)


def _answer(questions: str, text: str = "回答", **fields) -> BotAnswer:
    return BotAnswer.objects.create(questions=questions, answer=text, **fields)


def test_an_empty_table_works(db):
    reply = bot.bot_reply("怎么改约", language="zh-hans")
    assert reply.answer_id is None and reply.links == MAIN_LINKS
    assert bot.answers() == []


def test_the_demo_answers_are_loaded_once_and_answer(db):
    from fairdesk.support.demo import load_demo

    assert load_demo() == len(DEMO_ANSWERS) >= 25
    assert load_demo() == 0
    assert BotAnswer.objects.count() == len(DEMO_ANSWERS)
    reply = bot.bot_reply("我想换个时间", language="zh-hans")
    row = BotAnswer.objects.get(pk=reply.answer_id)
    assert row.questions.startswith("怎么改预约时间")
    assert reply.links == ("reschedule",)
    assert bot.bot_reply("请问今天天气怎么样", language="zh-hans").answer_id is None


def test_the_index_follows_edits_of_the_table(db):
    first = _answer("怎么开发票", "发票答案", links=["my_plan", "no_such_link"])
    assert bot.bot_reply("能开发票吗", language="zh-hans").answer_id == first.pk
    assert bot.bot_reply("能开发票吗", language="zh-hans").links == ("my_plan",)  # unknown codes dropped

    # A new answer is found at once.
    second = _answer("保险柜密码忘了", "密码答案")
    assert bot.bot_reply("保险箱密码忘记了", language="zh-hans").answer_id == second.pk

    # An edit of the questions and of the answer.
    first.questions = "怎么改约"
    first.answer = "改约答案"
    first.save()
    reply = bot.bot_reply("我想改约", language="zh-hans")
    assert (reply.answer_id, reply.text) == (first.pk, "改约答案")
    assert bot.bot_reply("能开发票吗", language="zh-hans").answer_id is None

    # Switched off, and deleted.
    BotAnswer.objects.filter(pk=second.pk).update(active=False)  # no signal: the version key sees it
    assert bot.bot_reply("保险箱密码忘记了", language="zh-hans").answer_id is None
    first.delete()
    assert bot.bot_reply("我想改约", language="zh-hans").answer_id is None


def test_another_process_sees_an_edit_through_the_version_key(db):
    row = _answer("怎么开发票", "旧答案")
    assert bot.bot_reply("开发票", language="zh-hans").text == "旧答案"
    # What another process's save does to the row (its updated_at moves); this process's signals never ran.
    later = row.updated_at + dt.timedelta(seconds=1)
    BotAnswer.objects.filter(pk=row.pk).update(answer="新答案", updated_at=later)
    assert bot.bot_reply("开发票", language="zh-hans").text == "新答案"


def test_the_index_is_cached_while_the_table_is_unchanged(db, django_assert_max_num_queries):
    _answer("怎么开发票")
    bot.index_current()
    with django_assert_max_num_queries(1):  # the version key only
        bot.bot_reply("能开发票吗", language="zh-hans")


def test_another_answer_source_can_register_itself(db):
    _answer("怎么开发票", "表里的答案")
    try:

        @bot.answer_source_register
        def knowledge_base():
            return [Answer(id=900, questions=("怎么开发票",), text="知识库的答案", links=("my_plan",))]

        reply = bot.bot_reply("能开发票吗", language="zh-hans")
        assert (reply.answer_id, reply.text, reply.links) == (900, "知识库的答案", ("my_plan",))
        assert [a.id for a in bot.answers()] == [900]
    finally:  # back to the source the app wired at start-up (table + help centre), not the table alone
        from fairdesk.support.wiring import knowledge_answers, knowledge_answers_version

        bot.answer_source_register(knowledge_answers, version=knowledge_answers_version)
    assert bot.bot_reply("能开发票吗", language="zh-hans").text == "表里的答案"
