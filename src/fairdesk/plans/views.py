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
from fairdesk.accounts.sessions import session_customer, verify_session
from fairdesk.core import periodic
from fairdesk.core.errors import DomainError
from fairdesk.core.idempotency import run_idempotent
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
    if request.method == "POST":  # sign in with phone + code, like "my appointments"
        try:
            verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
        except DomainError as exc:
            return render(request, "plans/my_plan.html", {"error": str(exc.message)})
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
        entries=selectors.ledger_for(customer=customer, latest=20),
        done=LABELS.get(request.GET.get("done", "")),
        done_effective=request.GET.get("effective", "")[:16],
    )
    return render(request, "plans/my_plan.html", context)


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
    return redirect(reverse("plans:my_plan") + "?" + urlencode({"done": action, "effective": effective}))


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
