"""Plans over JSON: the catalog and its terms, subscribe, change (every direction), refund, auto-renew.
Customers call with their verified-phone session; staff with a Bearer token and `customer_phone`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Header, Router

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.core.errors import InvalidInput, NotFound
from fairdesk.core.idempotency import idempotent_response
from fairdesk.plans import selectors, services
from fairdesk.plans.schemas import (
    AutoRenewIn,
    ChangeIn,
    ChangeRuleIn,
    ChangeRuleOut,
    PlanOut,
    QuoteOut,
    RefundIn,
    SubscribeIn,
    SubscribeOut,
    SubscriptionOut,
    TermsOut,
)

router = Router(tags=["plans"])


def plan_out(plan, prices: dict) -> dict:
    return {
        "code": plan.code,
        "name": plan.display_name,
        "description": plan.display_description,
        "rank": plan.rank,
        "benefits": plan.benefits,
        "prices": [
            {"period": p.period, "amount_fen": p.amount_fen, "currency": p.currency, "version": p.version}
            for p in prices.get(plan.pk, {}).values()
        ],
    }


def subscription_out(sub) -> dict:
    account = getattr(sub.customer, "plan_account", None)
    return {
        "id": sub.pk,
        "plan": sub.plan.code,
        "period": sub.period,
        "status": sub.status,
        "period_start": sub.period_start.isoformat(),
        "period_end": sub.period_end.isoformat(),
        "auto_renew": sub.auto_renew,
        "price_fen": sub.price.amount_fen,
        "pending_plan": sub.pending_plan.code if sub.pending_plan_id else None,
        "pending_cancel": sub.pending_cancel,
        "credit_fen": account.credit_fen if account else 0,
    }


@router.get("/plans", response=list[PlanOut], summary="The plan catalog with current prices")
def plans(request):
    prices = selectors.prices_by_plan()
    return [plan_out(p, prices) for p in selectors.plans_active()]


@router.get("/plans/terms", response=TermsOut, summary="The published change rule and terms")
def terms(request):
    rule = selectors.change_rule()
    settings_row = selectors.plan_settings()
    return {
        "change_rule": rule.effective if rule else "",
        "auto_renew_default": settings_row.auto_renew_default,
        "renewal_notice_days": settings_row.renewal_notice_days,
        "refund_methods": settings_row.refund_methods,
        "steps_per_action": {a: len(s) + 1 for a, s in settings_row.flows.items()},
        "rounding": "consumed = floor(price × seconds elapsed ÷ seconds in period); unused rounds up",
    }


@router.post(
    "/plans/change-rule",
    auth=api_auth,
    response={200: ChangeRuleOut, 403: dict, 422: dict},
    summary="Managers: set the one change rule (direction- or timing-dependent rules are refused)",
)
def change_rule(
    request, body: ChangeRuleIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    def handler():
        permissions.require(request.api_user, permissions.MANAGE, _("只有经理可以修改变更规则。"))
        rule = services.change_rule_set(
            effective=body.effective,
            applies_to=body.applies_to,
            only_in_last_days=body.only_in_last_days,
            actor=request.api_user,
        )
        return 200, {"effective": rule.effective, "applies_to": rule.applies_to}

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


def _customer(request, phone: str, *, write: bool = True):
    """Whose plan: a customer acts for themselves; staff name the customer by phone (the permissions module
    says which roles may read and which may act)."""
    return permissions.acting_customer(request.api_user, phone, write=write)


@router.post(
    "/subscriptions",
    auth=api_auth,
    response={201: SubscribeOut, 200: SubscribeOut, 402: dict, 409: dict, 422: dict},
    summary="Subscribe (or preview it)",
)
def subscribe(
    request, body: SubscribeIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    def handler():
        customer = _customer(request, body.customer_phone)
        plan = selectors.plan_by_code(body.plan)
        if plan is None:
            raise InvalidInput(_("没有这个套餐：%(code)s") % {"code": body.plan}, code="unknown_plan")
        sub, quote = services.subscription_create(
            customer=customer,
            plan=plan,
            period=body.period,
            auto_renew=body.auto_renew,
            provider=body.provider,
            payment_token=body.payment_token,
            actor=request.api_user,
            preview=body.preview,
        )
        out = {"subscription": subscription_out(sub) if sub else None, "quote": quote.as_dict()}
        return (200 if body.preview else 201), out

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


def _own_subscription(request, subscription_id: int, phone: str):
    customer = _customer(request, phone, write=True)
    sub = selectors.subscription_of(customer=customer, subscription_id=subscription_id)
    if sub is None:
        raise NotFound(_("没有找到这个套餐订阅。"))
    return sub


@router.post(
    "/subscriptions/{subscription_id}/change",
    auth=api_auth,
    response={200: QuoteOut, 402: dict, 404: dict, 409: dict, 422: dict},
    summary="Change a subscription: upgrade, downgrade, switch period, or cancel (to_plan null)",
)
def change(
    request,
    subscription_id: int,
    body: ChangeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    def handler():
        sub = _own_subscription(request, subscription_id, body.customer_phone)
        target = None
        if body.to_plan is not None:
            target = selectors.plan_by_code(body.to_plan)
            if target is None:
                raise InvalidInput(_("没有这个套餐：%(code)s") % {"code": body.to_plan}, code="unknown_plan")
        quote = services.subscription_change(
            subscription=sub,
            to_plan=target,
            period=body.period,
            refund_to=body.refund_to,
            preview=body.preview,
            actor=request.api_user,
        )
        return 200, quote.as_dict()

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/refunds",
    auth=api_auth,
    response={200: QuoteOut, 409: dict, 422: dict},
    summary="Stop now and get the unused part and all credit back to the original payment method",
)
def refund(request, body: RefundIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    def handler():
        customer = _customer(request, body.customer_phone)
        quote = services.account_refund(customer=customer, actor=request.api_user, preview=body.preview)
        return 200, quote.as_dict()

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/subscriptions/{subscription_id}/auto-renew",
    auth=api_auth,
    response={200: SubscriptionOut, 404: dict, 409: dict},
    summary="Turn automatic renewal on or off",
)
def auto_renew(
    request,
    subscription_id: int,
    body: AutoRenewIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    def handler():
        sub = _own_subscription(request, subscription_id, body.customer_phone)
        sub = services.subscription_auto_renew_set(subscription=sub, on=body.on, actor=request.api_user)
        return 200, subscription_out(sub)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.get("/subscriptions", auth=api_auth, response=list[SubscriptionOut], summary="My subscriptions")
def subscriptions(request, customer_phone: str = ""):
    customer = _customer(request, customer_phone, write=False)
    return [subscription_out(s) for s in selectors.subscriptions_for(customer=customer)]
