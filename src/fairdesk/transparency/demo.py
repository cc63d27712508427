"""The published rules' first versions (zh-Hans and en), written by the demo loader `transparency.rules`
(`manage.py load_demo`, also `make run`) and by tests through `rules_load_demo`. Idempotent: a rule that has
any version is left alone (later versions are published, never rewritten).

The facts come from the code that applies each rule: plans (ChangeRule, PlanSettings, `GET
/api/v1/plans/terms`), support (bot.SAFETY_CLASS_RULES, QUEUE_RULE), complaints (rules.RULES), dispatch
(assignment.TechnicianIndex.choose) and transparency.score."""

from __future__ import annotations

import datetime as dt

from fairdesk.complaints import rules as complaint_rules
from fairdesk.core import clock
from fairdesk.transparency import score
from fairdesk.transparency.models import RuleDocument
from fairdesk.transparency.services import rule_document_publish


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=clock.local_zone()).astimezone(dt.UTC)


def _score_text() -> tuple[str, str]:
    w = score.DEFAULT_PARAMS["weights"]
    zh = (
        "每个服务网点（以及每位技师，本人和经理可见）按一个期间（默认最近 90 天）的事件记录计算服务评分，满"
        "分 100。\n"
        "输入：\n"
        "1. 紧急报修守约率：技师到场（job.on_site）中，在报修后 30 分钟内到达、或在如实告知的较晚时间前到达"
        "的比例。"
        f"权重 {w['emergency_promise']}。\n"
        "2. 预约上门守时率：预约上门到场（visit.on_site）中，在告知客户的时间窗口内到达的比例。权重 "
        f"{w['visit_window']}。\n"
        "3. 成立的投诉：涉及该网点预约或紧急报修、答复结果为“成立”的投诉计 1 件，“部分成立”计 0.5 件；"
        f"按每 100 单计算，每 100 单 0 件得满分，10 件及以上得 0。权重 {w['complaints']}。\n"
        "4. 网点取消：因“无法上门服务”取消的预约，按每 100 单计算，0 件得满分，10 件及以上得 0。"
        f"权重 {w['cancellations']}。技师拒绝或未及时回应的紧急派单会显示，但不计分：系统会立即派给下一位技"
        "师，迟到已计入守约率。\n"
        "5. 客户评分：目前还没有针对上门服务本身的评分。现有的是在线客服会话的 1–5 分评分，只作显示，权重 "
        f"{w['ratings']}，"
        "因为它评价的是客服，不是网点。\n"
        "单数 = 紧急报修到场 + 预约上门到场 + 网点取消。\n"
        "评分 = 100 × Σ(权重 × 分项) ÷ Σ(有数据分项的权重)，四舍五入到整数；没有数据的分项不计入（既不算 0 "
        "也不算满分）。\n"
        "期间内少于 30 单时不显示评分，只显示“单数还不够”。\n"
        "计算时使用期间开始时生效的公式版本；新版本不会用于之前的期间。网点可以通过经理对评分提出申诉，申诉"
        "和答复都记入事件。"
    )
    en = (
        "Every service station (and every technician, visible to them and to managers) gets a score out of "
        "100 "
        "computed from the event log over a period (by default the last 90 days).\n"
        "Inputs:\n"
        "1. Emergency promise kept: of the technicians' arrivals (job.on_site), the share within 30 minutes"
        " of "
        f"the request or by the honest later time the customer was told. Weight {w['emergency_promise']}.\n"
        "2. Visit windows kept: of the booked visits' arrivals (visit.on_site), the share inside the window"
        " the "
        f"customer was given. Weight {w['visit_window']}.\n"
        "3. Upheld complaints: complaints about a booking or an emergency of the station whose final respon"
        "se "
        "was upheld count 1, partly upheld 0.5; per 100 jobs, 0 scores full marks and 10 or more scores 0. "
        f"Weight {w['complaints']}.\n"
        "4. Cancellations by the station: bookings cancelled as 'unable to serve', per 100 jobs; 0 scores f"
        "ull "
        f"marks and 10 or more scores 0. Weight {w['cancellations']}. Emergency offers a technician declined"
        " or "
        "did not answer are shown but not scored: the next technician is offered at once and a late arrival "
        "already counts against the promise.\n"
        "5. Customer ratings: there is no rating of the visit itself yet. What exists is the 1-5 rating of a "
        f"support conversation; it is shown only, with weight {w['ratings']}, because it rates the support d"
        "esk, "
        "not the station.\n"
        "Jobs = emergency arrivals + visit arrivals + cancellations by the station.\n"
        "Score = 100 × Σ(weight × part) ÷ Σ(weights of the parts with data), rounded to a whole number; a p"
        "art "
        "without data is left out (neither 0 nor full marks).\n"
        "With fewer than 30 jobs in the period no score is shown, only 'not enough jobs yet'.\n"
        "A period is scored with the formula version in force when it began; a new version never applies to "
        "an earlier period. A station can appeal its score through a manager; the appeal and its answer are "
        "recorded as events."
    )
    return zh, en


def documents() -> list[dict]:
    """Every rule's first version."""
    complaint_rule = complaint_rules.RULES["2026-11"]
    score_zh, score_en = _score_text()
    return [
        {
            "code": "plan_change",
            "title": "套餐变更规则",
            "title_en": "Plan change rule",
            "stats_anchor": "plan_changes",
            "recorded_in": "subscription.*: rule, rule_id",
            "body": (
                "升级、降级、切换月付/年付和取消，适用同一条规则，不因方向不同而不同，也不限定只能在周期的"
                "最后几天办理。\n"
                "现行规则为“立即生效”：当前周期在办理的这一秒结束，新套餐从现在开始一个完整周期，先用未使用"
                "部分抵扣。\n"
                "已使用部分 = 价格 × 已经过的整秒数 ÷ 周期总秒数，向下取整到分，因此退回的未使用部分向上取"
                "整；其他步骤不再分摊金额。\n"
                "应退的钱按您的选择退回原支付方式或转为账户余额，绝不会默默转为余额。\n"
                "另一种规则“周期结束时生效”：所有变更都等到已付周期结束时生效，当下不收费也不退款。\n"
                "每一次变更的事件都记录当时使用的规则（字段 rule 和 rule_id）。"
            ),
            "body_en": (
                "Upgrades, downgrades, switching between monthly and yearly, and cancelling all follow one "
                "rule: "
                "it never depends on the direction of the change, and no change is limited to the last days"
                " of "
                "a period.\n"
                "The rule in force is 'immediate': the current period closes at this second and the new plan "
                "starts a full period now, paid first from the unused part.\n"
                "Consumed value = price × whole seconds elapsed ÷ seconds in the period, rounded down to th"
                "e fen, "
                "so the unused part given back rounds up; no other step divides money.\n"
                "Money back goes, as you choose, to the original payment method or to account credit, never "
                "silently to credit.\n"
                "The other possible rule, 'end of period', makes every change wait for the end of the paid "
                "period; nothing is charged or refunded now.\n"
                "The event of every change records the rule it was made under (fields rule and rule_id)."
            ),
        },
        {
            "code": "refund_terms",
            "title": "退款条款",
            "title_en": "Refund terms",
            "stats_anchor": "plan_changes",
            "recorded_in": "subscription.refund: rule, rule_id, refund_to",
            "body": (
                "您可以随时申请退款：套餐立即停止，未使用部分和全部账户余额退回原支付方式。\n"
                "未使用部分按套餐变更规则计算（已使用部分向下取整，退回部分向上取整）。\n"
                "退款和订阅一样，是同一行里的一个按钮：选择 → 预览 → 确认，步骤不比订阅多。\n"
                "退款事件记录所用规则（rule、rule_id）和退款去向（refund_to）。"
            ),
            "body_en": (
                "You can ask for a refund at any time: the plan stops now and the unused part and all your "
                "account credit go back to the original payment method.\n"
                "The unused part is computed as in the plan change rule (consumed value rounds down, what c"
                "omes "
                "back rounds up).\n"
                "Refund is a button in the same row as subscribe: choose → preview → confirm, no more steps"
                " than "
                "subscribing.\n"
                "The refund's event records the rule used (rule, rule_id) and where the money went (refund_"
                "to)."
            ),
        },
        {
            "code": "renewal_notice",
            "title": "续费提醒与自动续费",
            "title_en": "Renewal notice and auto-renew",
            "stats_anchor": "plan_changes",
            "recorded_in": "subscription.renewal_notice: price, renews_at; subscription.ended: reason",
            "body": (
                "自动续费默认关闭，只有您本人明确开启才会生效。\n"
                "续费前 7 天（不少于 5 天）我们会通知您续费日期和价格，并附一键关闭自动续费的链接。\n"
                "没有按时发出提醒的，到期不扣款，套餐按期结束（subscription.ended，reason = no_notice）。\n"
                "新价格只在公布满提醒期之后的续费中才对已订阅的客户生效。"
            ),
            "body_en": (
                "Auto-renew is off unless you turn it on yourself.\n"
                "7 days (never fewer than 5) before a renewal we tell you its date and price, with a one-tap "
                "link to turn auto-renew off.\n"
                "Without that notice nothing is charged: the plan simply ends (subscription.ended, reason "
                "no_notice).\n"
                "A new price reaches a subscriber only at a renewal at least the notice period after it was "
                "announced."
            ),
        },
        {
            "code": "support_queue",
            "title": "人工客服排队规则",
            "title_en": "Support queue order",
            "stats_anchor": "support",
            "recorded_in": "support.human_requested, support.assigned: rule (support_queue:1), safety_class, "
            "requested_at",
            "body": (
                "请求人工客服后，排队顺序只看三件事：公开的安全等级、请求人工的时间、会话编号。\n"
                "1 级 安全风险：被锁在门外、有人（孩子、老人）被困在屋内、闻到燃气味、着火或冒烟、门锁被撬"
                "或家中进了小偷。"
                "根据您写的内容自动判断，排在队列最前面。\n"
                "2 级 服务进行中：您今天有上门预约，或有一个正在处理的紧急报修。由系统根据预约状态判断，与"
                "您写的内容无关。\n"
                "3 级 一般咨询：其他所有问题。\n"
                "同一等级内，按您请求人工的先后顺序接待。您的套餐、消费金额或客户等级从不影响排队顺序。"
            ),
            "body_en": (
                "Once you ask for a person, the queue is ordered by three things only: the published safety "
                "class, the time you asked, and the conversation number.\n"
                "Class 1, safety risk: locked out, someone (a child, an elderly person) trapped inside, a s"
                "mell "
                "of gas, fire or smoke, a forced lock or a break-in. Judged from your own words; first in t"
                "he "
                "queue.\n"
                "Class 2, service under way: you have a visit today or an open emergency. Judged from the "
                "bookings, not from what you write.\n"
                "Class 3, general: everything else.\n"
                "Within a class, people are served in the order they asked. Your plan, what you spent or any "
                "customer tier never changes your place."
            ),
        },
        {
            "code": "complaint_deadlines",
            "title": "投诉处理期限",
            "title_en": "Complaint deadlines",
            "stats_anchor": "complaints",
            "recorded_in": "complaint.received: rule_version (2026-11)",
            "params": {"rule_version": "2026-11"},
            "body": complaint_rule.description_zh
            + "\n每件投诉在受理时记录计算期限所用的规则版本（complaint.received 的 rule_version，现行为 20"
            "26-11）。",
            "body_en": complaint_rule.description_en
            + "\nEvery complaint records the rule version that computed its deadlines when it is received "
            "(complaint.received, rule_version; today 2026-11).",
        },
        {
            "code": "emergency_allocation",
            "title": "紧急报修派单规则",
            "title_en": "Emergency allocation",
            "stats_anchor": "emergencies",
            "recorded_in": "urgent.offered: rule (emergency_allocation:2), technician, eta_minutes, "
            "promised_at, within_promise",
            "body": (
                "紧急报修提交后立即排队，不需要先等验证码。\n"
                "在岗、具备所需技能的技师中，如果有人能在 30 分钟内到达，派其中预计到达最晚、但仍在 30 分钟"
                "内的那一位："
                "离得最近的技师留给附近的下一位紧急客户，您仍然按时得到服务。\n"
                "如果没有人能在 30 分钟内到达，派空闲技师中预计到达最早的一位（都不空闲时，派预计到达最早的"
                "一位），"
                "并如实告诉您预计到达时间。预计时间包括技师手头工作的剩余时间。\n"
                "附近的技师都在忙时也照样派单：排在最早能到的技师手头工作之后，不会无人服务。"
                "已等待 5 分钟以上（被拒绝或未回应后再次派单）的报修，直接派预计到达最早的技师，"
                "并提醒调度员。\n"
                "技师有 3 分钟时间接单，拒绝或未回应就派给下一位最合适的技师。调度员可以改派。\n"
                "您的套餐和消费金额不影响派单。每次派单的事件记录承诺的到达时间（promised_at）和是否在承诺"
                "内（within_promise）。"
            ),
            "body_en": (
                "An emergency is queued at once, without waiting for a code.\n"
                "Among qualified technicians on shift, if some can arrive within 30 minutes, the one of them "
                "arriving latest within the 30 minutes goes: the nearest stay free for the next emergency n"
                "ear "
                "them, and you are still reached in time.\n"
                "If nobody can arrive within 30 minutes, the idle technician with the earliest arrival goes"
                " (if "
                "none is idle, the earliest arrival overall), and you are told the real expected time. Expe"
                "cted "
                "times include what the technician is finishing.\n"
                "When everyone near you is busy you are still served: queued behind the technician who can "
                "arrive first. A request that has already waited 5 minutes (offered "
                "again after a refusal or no answer) gets the earliest arrival whatever the rule above says, "
                "and the dispatcher is alerted.\n"
                "A technician has 3 minutes to accept; a refusal or no answer sends the offer to the next b"
                "est "
                "one. A dispatcher may send another technician.\n"
                "Your plan and what you spent never change who is sent. Each offer's event records the prom"
                "ised "
                "arrival (promised_at) and whether it keeps the 30-minute promise (within_promise)."
            ),
        },
        {
            "code": "provider_score",
            "title": "服务商信用评分公式",
            "title_en": "Provider credit score formula",
            "stats_anchor": "emergencies",
            "recorded_in": "provider_score.appealed: rule_version",
            "params": score.DEFAULT_PARAMS,
            "body": score_zh,
            "body_en": score_en,
        },
    ]


EFFECTIVE = {"complaint_deadlines": _at(2026, 11, 1)}
DEFAULT_EFFECTIVE = (2026, 1, 1)


def rules_load_demo(*, verbosity: int = 1) -> list[str]:
    lines = []
    for doc in documents():
        if RuleDocument.objects.filter(code=doc["code"]).exists():
            continue
        rule_document_publish(
            version=1,
            effective_from=EFFECTIVE.get(doc["code"]) or _at(*DEFAULT_EFFECTIVE),
            check=False,
            **doc,
        )
        lines.append(f"rule {doc['code']} v1")
    return lines or ["rules: already published"]
