"""The format-clause audit (《合同行政监督管理办法》 Arts. 6-8): every forbidden clause category is found in a
draft in Chinese and in English, whatever its spacing, width and punctuation; fair text passes; the demo's
customer-facing texts pass; `audit_fairness` prints one line per finding with the article and exits 1;
`--clauses-file` audits a draft; the back office refuses such text, naming the article."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import Client

from fairdesk.core import text_audit
from fairdesk.transparency import clauses
from fairdesk.transparency.clauses import CATEGORIES, audit_text

FLAGGED = {
    "final_interpretation": [
        "本公司保留最终解释权。",
        "本活动最终解释权归本公司所有",
        "最 终 解 释 权 归 本 公 司 所 有",
        "本活动的解释权归商家",
        "如有争议，最终由本店负责解释。",
        "最终·解释权，归本店。",
        "The company reserves the final right of interpretation.",
        "Our interpretation of these terms is final and binding.",
        "ＦＩＮＡＬ   right of   interpretation belongs to us",
    ],
    "no_returns": [
        "本店商品一经售出，概不退换。",
        "不退不换",
        "售出不退！",
        "开通后不支持退款。",
        "本店不退款",
        "No refunds, no exchanges.",
        "All sales are final.",
        "This service is NON-REFUNDABLE.",
    ],
    "injury_liability_excluded": [
        "施工中如发生人身伤害，本公司概不负责。",
        "上门期间客户受伤的，本公司不承担任何责任",
        "We are not liable for any personal injury during the visit.",
        "Injuries on site: the company accepts no liability.",
    ],
    "own_fault_excluded": [
        "开锁造成的财产损失本公司不承担任何责任。",
        "本公司不承担任何责任。",
        "即使因技师过错造成损坏，本公司也不予赔偿。",
        "We are not liable for any damage to your property.",
        "In no event shall we be liable for anything.",
    ],
    "unilateral_change": [
        "本公司有权随时调整价格，无需通知。",
        "我们保留随时调整价格的权利。",
        "本公司可单方变更服务内容。",
        "套餐权益如有变更，恕不另行通知。",
        "We may change prices at any time without notice.",
        "We reserve the right to change our fees at any time.",
    ],
    "prepaid_forfeit": [
        "会员卡余额不退。",
        "预付款不予退还。",
        "次卡过期作废！",
        "充值金额一经充值，不予退还",
        "Unused balance is non-refundable.",
        "Prepaid credit expires after 12 months.",
        "Any deposit is forfeited if you cancel.",
    ],
    "complaint_or_suit_limited": [
        "顾客不得向任何部门投诉。",
        "您同意放弃起诉的权利。",
        "购买即表示您同意不得 向 12315 投诉",
        "争议只能由本公司所在地法院管辖。",
        "You waive the right to sue us.",
        "You may not complain to any regulator.",
    ],
    "important_term_not_prominent": [
        "具体以店内公告为准。",
        "价格以实际为准",
        "其他事项另行规定。",
        "Terms and conditions apply.",
        "Prices subject to change.",
    ],
}

CLEAN = [
    "我们没有最终解释权：条款有歧义时，按有利于您的理解。",
    "本公司不享有最终解释权。",
    "退款总是退回原支付方式。",
    "取消和开通一样简单，三步完成，不用打电话也不会被挽留。",
    "在“我的预约”里打开这次预约，点“取消”即可，一步完成，不需要说明理由，也不用打电话。",
    "技师上门造成的损坏由我们照价赔偿。",
    "我们不得拒绝您的投诉，您可以随时拨打 12315。",
    "价格调整会提前 30 天公告，公告前开通的在下次续费前不变。",
    "您可以随时变更套餐。",
    "所有变更都等到已付周期结束时生效，当下不收费也不退款。",
    "未用完的部分和账户余额全部退回原支付方式。",
    "永不退缩。",
    "You can change your plan at any time.",
    "Refunds always go back to the original payment method.",
    "We never refuse a complaint, and you can go to 12315 at any time.",
    "If we damage your property we pay for the repair.",
    "Auto-renew is off unless you turn it on.",
]


@pytest.mark.parametrize(
    ("category", "text"), [(category, text) for category, texts in FLAGGED.items() for text in texts]
)
def test_each_forbidden_clause_is_found_in_a_draft(category, text):
    findings = audit_text(text)
    assert [f.category for f in findings] == [category], findings
    finding = findings[0]
    assert finding.id.startswith(category + ".")
    assert finding.article.startswith("《合同行政监督管理办法》第")
    assert finding.article_en.startswith("SAMR Measures")
    assert finding.sentence.strip("。！!.") in text


def test_every_category_has_chinese_and_english_patterns():
    assert set(FLAGGED) == set(CATEGORIES)
    languages = {(p.category, p.lang) for p in clauses.patterns()}
    assert languages == {(c, lang) for c in CATEGORIES for lang in ("zh", "en")}


@pytest.mark.parametrize("text", CLEAN)
def test_fair_text_passes(text):
    assert audit_text(text) == []


def test_one_finding_per_category_and_sentence_in_text_order():
    text = "欢迎光临。本店商品售出不退，最终解释权归本店所有！\n余额过期作废。"
    found = [(f.category, f.sentence) for f in audit_text(text)]
    assert found == [
        ("final_interpretation", "本店商品售出不退，最终解释权归本店所有！"),
        ("no_returns", "本店商品售出不退，最终解释权归本店所有！"),
        ("prepaid_forfeit", "余额过期作废。"),
    ]
    starts = [f.start for f in audit_text(text)]
    assert text[starts[0] :].startswith("本店商品") and text[starts[2] :].startswith("余额")


def test_the_core_registry_calls_the_auditor():
    assert [f.category for f in text_audit.audit("本公司保留最终解释权")] == ["final_interpretation"]
    assert text_audit.audit("") == []


# The demo's customer-facing texts and the command.


@pytest.fixture
def demo(db, settings, payment_sandbox):
    from fairdesk.plans.demo import plans_load_demo
    from fairdesk.support.demo import load_demo as support_load_demo
    from fairdesk.transparency.demo import rules_load_demo

    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    plans_load_demo()
    support_load_demo()
    rules_load_demo()


def run(capsys, *args):
    try:
        call_command("audit_fairness", *args)
    except SystemExit as exit_info:
        code = exit_info.code
    else:
        code = 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_demo_texts_pass(demo, capsys):
    from fairdesk.plans.fairness import text_findings
    from fairdesk.support.models import BotAnswer
    from fairdesk.transparency.models import RuleDocument

    assert BotAnswer.objects.exists() and RuleDocument.objects.exists()
    held = list(text_audit.texts())
    models = {h.model for h in held}
    assert {"plans.Plan", "support.BotAnswer", "transparency.RuleDocument", "locale.en.django.po"} <= models
    assert text_findings() == []
    code, out, _err = run(capsys)
    assert (code, out.strip()) == (0, "audit_fairness: no unfair terms found")


def test_an_unfair_text_held_as_data_is_reported_with_where_and_the_article(demo, capsys):
    from fairdesk.plans.models import Plan
    from fairdesk.support.models import BotAnswer

    plan = Plan.objects.get(code="basic")
    Plan.objects.filter(pk=plan.pk).update(description="每年一次上门保养。本公司保留最终解释权。")
    answer = BotAnswer.objects.order_by("pk").first()
    BotAnswer.objects.filter(pk=answer.pk).update(answer_en="No refunds. We may change prices at any time.")
    code, out, err = run(capsys)
    assert code == 1
    lines = out.splitlines()
    article8 = "《合同行政监督管理办法》第八条：格式条款不得规定经营者单方享有解释权或者最终解释权"
    assert lines[0] == (
        f"UNFAIR [clause:final_interpretation.zh.right] plans.Plan #{plan.pk} description: "
        f"本公司保留最终解释权。 ({article8})"
    )
    assert f"UNFAIR [clause:no_returns.en] support.BotAnswer #{answer.pk} answer_en: No refunds. (" in out
    assert f"UNFAIR [clause:unilateral_change.en.any_time] support.BotAnswer #{answer.pk} answer_en: " in out
    assert len(lines) == 3 and "3 finding(s)" in err

    code, out, _err = run(capsys, "--json")
    first = json.loads(out.splitlines()[0])
    assert first["code"] == "clause:final_interpretation.zh.right"
    assert first["where"] == f"plans.Plan #{plan.pk} description"


DRAFT = """会员服务协议（草稿）
1. 会员费一经支付，概不退还，过期作废。
2. 本公司有权随时调整价格，无需通知。
3. 上门服务时间为每天 8:00-20:00。
4. 本协议最终解释权归本公司所有。
5. Members may not complain to any regulator.
"""


def test_a_draft_file_is_audited_line_by_line(tmp_path, capsys):
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    code, out, _err = run(capsys, "--clauses-file", str(draft))
    assert code == 1
    lines = out.splitlines()
    assert [line.split("]")[0] for line in lines] == [
        "UNFAIR [clause:prepaid_forfeit.zh.balance",
        "UNFAIR [clause:unilateral_change.zh.no_notice",
        "UNFAIR [clause:final_interpretation.zh.right",
        "UNFAIR [clause:complaint_or_suit_limited.en",
    ]
    assert lines[0].startswith(f"UNFAIR [clause:prepaid_forfeit.zh.balance] {draft}:2: 1. 会员费一经支付")
    assert lines[0].endswith("（预付余额不退、过期作废）)")
    assert f"{draft}:3: " in lines[1] and f"{draft}:5: " in lines[2] and f"{draft}:6: " in lines[3]
    assert all("《合同行政监督管理办法》第" in line for line in lines)


def test_a_clean_draft_passes_and_an_unreadable_one_is_an_error(tmp_path, capsys):
    clean = tmp_path / "clean.txt"
    clean.write_text("\n".join(CLEAN), encoding="utf-8")
    code, out, _err = run(capsys, "--clauses-file", str(clean))
    assert (code, out.strip()) == (0, f"audit_fairness: no forbidden clauses in {clean}")

    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit_fairness", "--clauses-file", str(tmp_path / "missing.txt"))


def test_the_command_exit_status_from_a_shell(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("本店商品一经售出概不退换\n", encoding="utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text("退款总是退回原支付方式。\n", encoding="utf-8")
    manage = [sys.executable, "-m", "django", "audit_fairness", "--settings", "fairdesk.test_settings"]
    bad = subprocess.run([*manage, "--clauses-file", str(draft)], capture_output=True, text=True)
    assert bad.returncode == 1, bad.stderr
    expected = f"UNFAIR [clause:no_returns.zh.phrase] {draft}:1: 本店商品一经售出概不退换 ("
    assert bad.stdout.startswith(expected)
    good = subprocess.run([*manage, "--clauses-file", str(clean)], capture_output=True, text=True)
    assert good.returncode == 0 and "no forbidden clauses" in good.stdout, good.stderr


# The back office refuses such text, with the article.

PASSWORD = "a-long-staff-password"


@pytest.fixture
def manager(db):
    from fairdesk.accounts.services import staff_create

    user = staff_create(phone="13900000001", name="经理", role="manager", password=PASSWORD)
    user.is_superuser = True  # as the demo's manager
    user.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(user)
    return client


def _plan_form(plan, **changes) -> dict:
    data = {
        "code": plan.code,
        "name": plan.name,
        "name_en": plan.name_en,
        "description": plan.description,
        "description_en": plan.description_en,
        "rank": plan.rank,
        "benefits": json.dumps(plan.benefits),
        "is_active": "on",
        "prices-TOTAL_FORMS": "0",
        "prices-INITIAL_FORMS": "0",
        "prices-MIN_NUM_FORMS": "0",
        "prices-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_the_admin_refuses_a_plan_description_with_a_forbidden_clause(manager):
    from fairdesk.plans.models import Plan

    plan = Plan.objects.create(code="trial", name="试用", name_en="Trial", description="每年一次保养")
    url = f"/admin/plans/plan/{plan.pk}/change/"
    response = manager.post(url, _plan_form(plan, description="每年一次保养。本公司保留最终解释权"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "含有不公平的格式条款“本公司保留最终解释权”" in page
    assert "《合同行政监督管理办法》第八条" in page
    plan.refresh_from_db()
    assert plan.description == "每年一次保养"

    benefits = json.dumps({"note": "No refunds after the first visit."})
    response = manager.post(url, _plan_form(plan, benefits=benefits), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    english = "SAMR Measures on the Administrative Supervision of Contracts (2023), Art. 7"
    assert english in response.content.decode()

    response = manager.post(url, _plan_form(plan, description="每年两次保养，维修 9 折"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.description == "每年两次保养，维修 9 折"


def test_the_admin_refuses_a_bot_answer_with_a_forbidden_clause(manager):
    from fairdesk.support.models import BotAnswer

    response = manager.post(
        "/admin/support/botanswer/add/",
        {
            "questions": "能退吗",
            "answer": "套餐开通后概不退款。",
            "answer_en": "Plans cannot be refunded once started.",
            "links": "[]",
            "active": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "《合同行政监督管理办法》第七条" in page
    assert not BotAnswer.objects.exists()


def test_the_rule_document_admin_refuses_a_forbidden_clause(db):
    import datetime as dt

    from fairdesk.core import clock
    from fairdesk.transparency.admin import RuleDocumentForm

    form = RuleDocumentForm(
        data={
            "code": "draft_rule",
            "version": 1,
            "title": "草稿规则",
            "title_en": "Draft",
            "body": "本活动最终解释权归本公司所有。",
            "body_en": "",
            "effective_from": (clock.now() + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S"),
            "stats_anchor": "support",
            "recorded_in": "",
            "params": "{}",
        }
    )
    assert not form.is_valid()
    assert "body" in form.errors and "第" in str(form.errors["body"])
