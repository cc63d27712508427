"""“My plan”: the current plan and every choice — subscribe, upgrade, downgrade, switch period, cancel,
refund — as the same button in the same row. Each goes through the same pages (PlanSettings.flows: choose,
preview by default) and one confirm click. Thin: the services decide and compute."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fairdesk.accounts.phone import mask_phone
from fairdesk.accounts.sessions import page_code_send, session_customer, verify_session
from fairdesk.core import periodic
from fairdesk.core.errors import DomainError
from fairdesk.core.idempotency import run_idempotent
from fairdesk.core.money import format_fen
from fairdesk.core.pages import error_page
from fairdesk.core.services import demo_clock_advance
from fairdesk.plans import quotes, selectors, services
from fairdesk.plans.models import ACTIONS, Period
from fairdesk.plans.providers import SANDBOX_CARD

LABELS = {
    "subscribe": gettext_lazy("订阅"),
    "upgrade": gettext_lazy("升级"),
    "downgrade": gettext_lazy("降级"),
    "switch_period": gettext_lazy("切换周期"),
    "cancel": gettext_lazy("取消"),
    "refund": gettext_lazy("退款"),
}


# The confirm button says what it does, as a verb phrase in each language ("确认降级" / "Downgrade now").
CONFIRM_LABELS = {
    "subscribe": gettext_lazy("确认订阅"),
    "upgrade": gettext_lazy("确认升级"),
    "downgrade": gettext_lazy("确认降级"),
    "switch_period": gettext_lazy("确认切换周期"),
    "cancel": gettext_lazy("确认取消套餐"),
    "refund": gettext_lazy("确认退款"),
}

# The ledger in people's words, from the customer's side (the accounting names stay in the back office).
LEDGER_WORDS = {
    "payment": gettext_lazy("您付款"),
    "charge": gettext_lazy("本期套餐费用"),
    "consumption": gettext_lazy("本期已使用（余额不变）"),
    "unused_back": gettext_lazy("未用部分转入账户余额"),
    "refund": gettext_lazy("退回您的银行卡"),
    "refund_returned": gettext_lazy("银行卡退款未成功，已转回账户余额"),
}


def payment_method_label() -> str:
    """The card a charge is taken from and a card refund goes back to. The sandbox has one test card;
    a real provider's checkout would hand back the card's brand and last four digits."""
    return _("测试卡 ****4242")


def _done_notice(action: str, params) -> str:
    """The success notice's money sentence: how much comes back, where to and when, or what was charged."""
    try:
        back = max(int(params.get("back", "0")), 0)
        paid = max(int(params.get("paid", "0")), 0)
    except ValueError:
        return ""
    when = params.get("effective", "")[:16]
    sentences = []
    if paid:
        sentences.append(
            _("已从%(card)s扣款 %(amount)s。") % {"card": payment_method_label(), "amount": format_fen(paid)}
        )
    if back and params.get("to") == "credit":
        text = _("%(amount)s 已转入您的账户余额，立即可用于续费，也可随时退回银行卡。")
        sentences.append(text % {"amount": format_fen(back)})
    elif back:
        text = _(
            "%(amount)s 于 %(when)s 退回您的银行卡（%(card)s），到账时间取决于发卡银行，通常 1–3 个工作日。"
        )
        sentences.append(text % {"amount": format_fen(back), "when": when, "card": payment_method_label()})
    elif action in ("cancel", "refund", "downgrade"):
        sentences.append(_("没有要退回的钱。"))
    return "".join(sentences)


def _customer(request):
    return session_customer(request, create=request.method == "POST")


def _sign_in_again(request):
    """A form posted without a verified phone (the session ended): say so, nothing is changed."""
    message = _("请先验证手机号（会话已过期），什么都没有改变。")
    return error_page(request, message, back=reverse("plans:my_plan"), status=403)


def _options(action: str, sub, prices: dict) -> list[dict]:
    """What the customer can pick for an action (each a button on the choose page)."""
    options = []
    if action == "cancel":
        terms = selectors.plan_settings()
        for method in terms.refund_methods:
            label = _("未用部分退回原支付方式") if method == "original" else _("未用部分转为账户余额")
            options.append({"refund_to": method, "label": label})
        return options
    if action == "refund":
        return [{"refund_to": "original", "label": _("退回原支付方式")}]
    for plan in selectors.plans_active():
        for period, price in prices.get(plan.pk, {}).items():
            if sub is None:
                kind = "subscribe"
            elif plan.pk == sub.plan_id and period == sub.period:
                continue
            else:
                kind = quotes.change_direction(sub, plan, period)
            if kind == action:
                options.append({"plan": plan, "period": period, "price": price})
    return options


def my_plan(request):
    customer = _customer(request)
    if request.method == "POST" and request.POST.get("action") == "send_code":  # without JavaScript
        extra, status = page_code_send(request)
        return render(request, "plans/my_plan.html", {**_common(), **extra}, status=status)
    if request.method == "POST":  # sign in with phone + code, like "my appointments"
        try:
            verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
        except DomainError as exc:
            context = {**_common(), "error": str(exc.message), "phone_input": request.POST.get("phone", "")}
            return render(request, "plans/my_plan.html", context, status=exc.status)
        return redirect("plans:my_plan")
    context = _common()
    if customer is None:
        return render(request, "plans/my_plan.html", context)
    sub = selectors.subscription_active(customer=customer)
    account = getattr(customer, "plan_account", None)
    prices = selectors.prices_by_plan()
    credit = account.credit_fen if account else 0
    actions = []
    shown = {"subscribe", "refund"} if sub is None else set(ACTIONS) - {"subscribe"}
    for action in (a for a in ACTIONS if a in shown):
        if action == "refund":
            available = sub is not None or credit > 0
        else:
            available = action == "cancel" or bool(_options(action, sub, prices))
        actions.append({"code": action, "label": LABELS[action], "available": available})
    context.update(
        customer=customer,
        phone=mask_phone(customer.phone),
        sub=sub,
        credit=credit,
        actions=actions,
        ledger=_ledger(customer, request.GET.get("page", "1")),
        done=LABELS.get(request.GET.get("done", "")),
        done_effective=request.GET.get("effective", "")[:16],
        done_money=_done_notice(request.GET.get("done", ""), request.GET),
        card=payment_method_label(),
    )
    if sub is not None and (sub.auto_renew or sub.pending_plan_id) and not sub.pending_cancel:
        # What the renewal will take (renewals.py): a scheduled change's price, else the announced one.
        terms = selectors.plan_settings()
        renewal = sub.renewal_price or selectors.price_for_renewal(
            subscription=sub, notice_days=terms.renewal_notice_days
        )
        renewal_plan = sub.pending_plan or sub.plan
        if sub.pending_plan_id:
            pending = selectors.price_current(
                plan=sub.pending_plan, period=sub.pending_period or sub.period, at=sub.period_end
            )
            renewal = pending or renewal
        context["next_charge"] = {
            "at": sub.period_end,
            "amount_fen": max(renewal.amount_fen - credit, 0),
            "plan": renewal_plan.display_name,
        }
    return render(request, "plans/my_plan.html", context)


def _ledger(customer, page: str) -> dict:
    try:
        number = int(page)
    except ValueError:
        number = 1
    ledger = selectors.ledger_page(customer=customer, page=number)
    for line in ledger["lines"]:
        line["words"] = LEDGER_WORDS.get(line["entry"].kind, line["entry"].get_kind_display())
    return ledger


def _common() -> dict:
    rule = selectors.change_rule()
    terms = selectors.plan_settings()
    return {
        "rule": rule,
        "terms": terms,
        "test_clock": settings.FAIRDESK_TEST_CLOCK,
    }


def _flow(action: str) -> list[str]:
    return list(selectors.plan_settings().flows.get(action, ["choose", "preview"]))


def action_page(request, action: str):
    """One page per step of an action: choose → (survey) → preview; the confirm is a POST."""
    if action not in ACTIONS:
        raise Http404
    customer = _customer(request)
    if customer is None:
        return redirect("plans:my_plan")
    sub = selectors.subscription_active(customer=customer)
    steps = _flow(action)
    try:
        index = min(max(int(request.GET.get("step", "0")), 0), len(steps) - 1)
    except ValueError:
        index = 0
    step = steps[index]
    choice = {k: request.GET.get(k, "") for k in ("plan", "period", "refund_to", "reason")}
    context = {
        **_common(),
        "action": action,
        "label": LABELS[action],
        "sub": sub,
        "step": step,
        "step_number": index + 1,
        "steps": len(steps) + 1,  # the confirm click is the last step
        "next_step": index + 1,
        "choice": choice,
        "confirm_label": CONFIRM_LABELS[action],
        "card": payment_method_label(),
    }
    if step == "choose":
        context["options"] = _options(action, sub, selectors.prices_by_plan())
    elif step == "preview":
        try:
            quote = _quote(customer, sub, action, choice, preview=True)
        except DomainError as exc:
            context["error"] = str(exc.message)
        else:
            target = selectors.plan_by_code(quote.to_plan) if quote.to_plan else None
            context.update(
                quote=quote,
                target=f"{target.display_name} · {Period(quote.to_period).label}" if target else "",
                loses=_("、").join(quote.loses),
            )
        context["key"] = uuid.uuid4().hex
    return render(request, "plans/action.html", context)


def _quote(customer, sub, action: str, choice: dict, *, preview: bool, auto_renew: bool = False):
    if action == "subscribe":
        plan = selectors.plan_by_code(choice["plan"])
        if plan is None:
            raise DomainError(_("请先选择套餐。"), code="no_plan")
        _sub, quote = services.subscription_create(
            customer=customer,
            plan=plan,
            period=choice["period"] or "month",
            auto_renew=auto_renew,
            payment_token=SANDBOX_CARD,
            actor=customer,
            preview=preview,
        )
        return quote
    if action == "refund":
        return services.account_refund(customer=customer, actor=customer, preview=preview)
    if sub is None:
        raise DomainError(_("您现在没有生效中的套餐。"), code="no_subscription")
    if action == "cancel":
        return services.subscription_change(
            subscription=sub,
            to_plan=None,
            refund_to=choice["refund_to"] or "original",
            preview=preview,
            actor=customer,
        )
    plan = selectors.plan_by_code(choice["plan"])
    if plan is None:
        raise DomainError(_("请先选择套餐。"), code="no_plan")
    return services.subscription_change(
        subscription=sub,
        to_plan=plan,
        period=choice["period"] or sub.period,
        refund_to="original",
        preview=preview,
        actor=customer,
    )


@require_POST
def action_confirm(request, action: str):
    if action not in ACTIONS:
        raise Http404
    customer = _customer(request)
    if customer is None:
        return _sign_in_again(request)
    choice = {k: request.POST.get(k, "") for k in ("plan", "period", "refund_to", "reason")}
    auto_renew = request.POST.get("auto_renew") == "on"

    def handler():
        sub = selectors.subscription_active(customer=customer)
        quote = _quote(customer, sub, action, choice, preview=False, auto_renew=auto_renew)
        return 200, quote.as_dict()

    status, body = run_idempotent(
        key=request.POST.get("key") or None,
        scope=f"user:{customer.pk}",
        payload={"path": request.path, "body": {**choice, "auto_renew": auto_renew}},
        handler=handler,
    )
    if status >= 400:
        back = reverse("plans:my_plan")
        return error_page(request, body["message"], back=back, status=status)

    effective = quotes.local_minute(body["effective_at"])
    done = {
        "done": action,
        "effective": effective,
        "paid": body.get("amount_due_fen", 0),
        "back": body.get("amount_back_fen", 0),
        "to": body.get("refund_to", "original"),
    }
    return redirect(reverse("plans:my_plan") + "?" + urlencode(done))


@require_POST
def auto_renew(request):
    customer = _customer(request)
    if customer is None:
        return _sign_in_again(request)
    sub = selectors.subscription_active(customer=customer)
    if sub is None:
        return redirect("plans:my_plan")
    try:
        services.subscription_auto_renew_set(
            subscription=sub, on=request.POST.get("on") == "1", actor=customer
        )
    except DomainError as exc:
        return error_page(request, exc, back=reverse("plans:my_plan"))
    return redirect("plans:my_plan")


def auto_renew_off(request, token: str):
    """The one-tap link in the renewal reminder: tapping it turns automatic renewal off, nothing else."""
    try:
        sub = services.subscription_auto_renew_off_by_token(token=token)
    except DomainError as exc:
        return error_page(request, exc, back=reverse("plans:my_plan"))
    return render(request, "plans/auto_renew_off.html", {"sub": sub})


@require_POST
def demo_clock(request):
    """Demo only (FAIRDESK_TEST_CLOCK): move time forward and run what falls due, like Kill Bill's clock."""
    if not settings.FAIRDESK_TEST_CLOCK:
        raise Http404
    try:
        days = min(max(int(request.POST.get("days", "1")), 1), 400)
    except ValueError:
        days = 1
    demo_clock_advance(seconds=days * 86_400, actor=request.user if request.user.is_authenticated else None)
    periodic.run_all()
    return redirect("plans:my_plan")
