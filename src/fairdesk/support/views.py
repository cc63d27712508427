"""Support pages: the customer's chat (a page, and the panel every customer page opens with htmx) and the
agents'
desk. Every form works without JavaScript (post, then back to the page); with it, htmx swaps the chat in place
and core.live brings the other party's messages within a second (support/static/support/chat.js)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from fairdesk.accounts import permissions
from fairdesk.accounts.models import Role, User
from fairdesk.accounts.phone import mask_phone
from fairdesk.accounts.sessions import page_code_send, session_customer, verify_session
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.pages import error_page, form_id
from fairdesk.support import bot, selectors, services
from fairdesk.support.models import Channel, HumanHow, Resolution, SafetyClass, Status

QUICK_REPLIES = (
    gettext_noop("您好，我是人工客服，请问有什么可以帮您？"),
    gettext_noop("请稍等，我马上为您查询。"),
    gettext_noop("已为您处理好了，还有其他需要吗？"),
    gettext_noop("为了安全，技师开锁前会核对您的身份证和住址证明。"),
    gettext_noop("您可以在“我的预约”里自己改约或取消，不收任何费用。"),
    gettext_noop("降级、取消和退款与升级的步骤一样，在“我的套餐”里两步完成。"),
)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _chat_context(request, customer) -> dict:
    conversation = selectors.conversation_latest_for(customer=customer) if customer else None
    view = selectors.conversation_view(conversation) if conversation else None
    return {
        "customer": customer,
        "phone": mask_phone(customer.phone) if customer and customer.phone else "",
        "conversation": conversation,
        "view": view,
        "always_human": view["always_human"]
        if view
        else bool(customer and selectors.always_human(customer=customer)),
        "human_topic": request.GET.get("human", ""),
        "safety_rules": bot.SAFETY_CLASS_RULES,
        "queue_rule": bot.QUEUE_RULE,
        "callback_min": clock.local(clock.now() + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "callback_max": clock.local(clock.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }


def home(request):
    """The chat: sign in with the phone (a one-time code), then write; the bot answers, a human is one tap
    away."""
    if permissions.staff_role(request.user) is not None:
        return redirect("support:desk")
    customer = session_customer(request)
    if request.method == "POST" and request.POST.get("action") == "send_code":  # without JavaScript
        extra, status = page_code_send(request)
        context = {**_chat_context(request, None), **extra}
        return render(request, "support/home.html", context, status=status)
    if request.method == "POST":  # sign in with phone + code
        try:
            verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
        except DomainError as exc:
            context = _chat_context(request, None)
            context.update(error=str(exc.message), phone_input=request.POST.get("phone", ""))
            return render(request, "support/home.html", context, status=exc.status)
        return redirect(reverse("support:home") + _human_query(request.POST.get("human", "")))
    context = _chat_context(request, customer)
    if request.GET.get("part") == "log":
        return render(request, "support/_log.html", context)
    template = "support/_chat.html" if _is_htmx(request) else "support/home.html"
    return render(request, template, context)


def _human_query(value: str) -> str:
    return "?human=complaint" if value == "complaint" else ""


def _after(request, customer, *, error: DomainError | None = None):
    """After a customer's post: the chat again (htmx swaps it; without JavaScript, back to the page)."""
    if _is_htmx(request):
        context = _chat_context(request, customer)
        if error is not None:
            context["error"] = str(error.message)
        return render(request, "support/_chat.html", context, status=error.status if error else 200)
    if error is not None:
        return error_page(request, error, back=reverse("support:home"))
    return redirect(reverse("support:home") + "#chat-latest")


def _customer_or_sign_in(request):
    """The verified-phone customer; anyone else (not signed in, or staff) is refused with a way to sign in."""
    customer = session_customer(request, create=True)
    if customer is None:
        refusal = permissions.Forbidden(_("请先用手机号验证，再使用在线客服。"))
        return None, error_page(request, refusal, back=reverse("support:home"))
    return customer, None


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "zh-hans")


@require_POST
def send(request):
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    try:
        conversation = services.conversation_start(
            customer=customer,
            text=request.POST.get("text", ""),
            channel=Channel.WEB,
            language=_language(request),
        )
        if request.POST.get("human") == "complaint" and conversation.status == Status.BOT:
            services.human_request(conversation=conversation, actor=customer)
    except DomainError as exc:
        return _after(request, customer, error=exc)
    return _after(request, customer)


def _own_conversation(request, customer):
    conversation = selectors.conversation_for_customer(
        customer=customer, conversation_id=form_id(request.POST.get("conversation"))
    )
    if conversation is None:
        raise NotFound(_("没有找到这个会话。"))
    return conversation


@require_POST
def human(request):
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    try:
        conversation = selectors.conversation_open_for(customer=customer)
        if conversation is None:  # "talk to a human" before writing anything: a conversation just for that
            services.conversation_start(
                customer=customer,
                text=_("我想找人工客服。"),
                channel=Channel.WEB,
                language=_language(request),
                human_how=HumanHow.BUTTON,
            )
        else:
            services.human_request(conversation=conversation, actor=customer)
    except DomainError as exc:
        return _after(request, customer, error=exc)
    return _after(request, customer)


@require_POST
def callback(request):
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    try:
        at = _local_datetime(request.POST.get("at", ""))
        conversation = selectors.conversation_open_for(customer=customer) or services.conversation_start(
            customer=customer, text=_("请给我回电。"), channel=Channel.WEB, language=_language(request)
        )
        services.human_request(conversation=conversation, actor=customer, callback_at=at)
    except DomainError as exc:
        return _after(request, customer, error=exc)
    return _after(request, customer)


def _local_datetime(value: str) -> dt.datetime:
    """A datetime-local field (the business's time zone) as UTC; a clear 422 for anything else."""
    try:
        parsed = parse_datetime((value or "").strip()[:40]) if value else None
    except ValueError:  # well-formed but impossible (month 13)
        parsed = None
    if parsed is None:
        raise InvalidInput(_("请选择回电的日期和时间。"), code="callback_time_invalid")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=clock.local_zone())
    return parsed.astimezone(dt.UTC)


@require_POST
def always_human(request):
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    services.always_human_set(customer=customer, on=request.POST.get("on") == "1")
    return _after(request, customer)


@require_POST
def rate(request):
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    try:
        conversation = _own_conversation(request, customer)
        score = form_id(request.POST.get("score"))
        if score is None or not 1 <= score <= 5:
            raise InvalidInput(_("评分须为 1 到 5 之间的整数。"), code="score_invalid")
        services.conversation_rate(conversation=conversation, customer=customer, score=score)
    except DomainError as exc:
        return _after(request, customer, error=exc)
    return _after(request, customer)


@require_POST
def end(request):
    """The customer ends the conversation themselves (it can be rated then)."""
    customer, refuse = _customer_or_sign_in(request)
    if refuse:
        return refuse
    try:
        conversation = _own_conversation(request, customer)
        if conversation.status in (Status.BOT, Status.WAITING_HUMAN):
            services.conversation_close(
                conversation=conversation, actor=customer, resolution=Resolution.ANSWERED, by="customer"
            )
        elif conversation.status == Status.WITH_AGENT:
            raise InvalidInput(_("客服正在为您处理，请让客服结束会话，或直接离开本页。"), code="with_agent")
    except DomainError as exc:
        return _after(request, customer, error=exc)
    return _after(request, customer)


# ---------------------------------------------------------------- agents


def _desk_context(request) -> dict:
    agent = request.user
    duty = selectors.duty_of(agent=agent)
    return {
        "queue": selectors.queue_rows(),
        "mine": selectors.assigned_to(agent=agent),
        "callbacks": selectors.callbacks_scheduled(),
        "duty": duty,
        "on_duty_agents": selectors.agents_on_duty(),
        "can_work": permissions.has(agent, permissions.HOTLINE),
        "safety_labels": dict(SafetyClass.choices),
        "wait": selectors.wait_stats(since=clock.now() - dt.timedelta(hours=24)),
    }


@permissions.page_requires(permissions.READ_CUSTOMERS)
def desk(request):
    """The queue (in order, with waiting times), the agent's own conversations, duty and "take next"."""
    context = _desk_context(request)
    if request.GET.get("part") == "queue":
        return render(request, "support/_desk_queue.html", context)
    return render(request, "support/desk.html", context)


def _desk_back(request) -> str:
    return reverse("support:desk")


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_next(request):
    conversation = services.queue_take_next(agent=request.user)
    if conversation is None:
        return error_page(request, _("现在没有人在排队。"), back=_desk_back(request), status=409)
    return redirect("support:desk_conversation", conversation_id=conversation.pk)


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_duty(request):
    try:
        capacity = form_id(request.POST.get("capacity")) if request.POST.get("capacity") else None
        services.duty_set(agent=request.user, on_duty=request.POST.get("on") == "1", capacity=capacity)
    except DomainError as exc:
        return error_page(request, exc, back=_desk_back(request))
    return redirect("support:desk")


def _caller_context(customer) -> dict:
    """The caller's bookings, emergencies and plan, read-only beside the conversation."""
    from fairdesk.bookings.selectors import bookings_for_customer
    from fairdesk.dispatch.models import UrgentRequest
    from fairdesk.plans.selectors import subscription_active

    return {
        "bookings": list(bookings_for_customer(customer_id=customer.pk)[:10]),
        "urgents": list(UrgentRequest.objects.filter(phone=customer.phone).order_by("-created_at")[:5])
        if customer.phone
        else [],
        "subscription": subscription_active(customer=customer),
        "caller_phone": customer.phone,
    }


@permissions.page_requires(permissions.READ_CUSTOMERS)
def desk_conversation(request, conversation_id: int):
    conversation = selectors.conversation_by_id(conversation_id)
    if conversation is None:
        return error_page(request, NotFound(_("没有找到这个会话。")), back=_desk_back(request))
    context = {
        "conversation": conversation,
        "view": selectors.conversation_view(conversation, staff=True),
        "mine": conversation.assigned_to_id == request.user.pk and conversation.status == Status.WITH_AGENT,
        "can_work": permissions.has(request.user, permissions.HOTLINE),
        "quick_replies": [_(q) for q in QUICK_REPLIES],
        "resolutions": Resolution.choices,
        "colleagues": User.objects.filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True)
        .exclude(pk=request.user.pk)
        .order_by("name"),
        "safety_labels": dict(SafetyClass.choices),
        **_caller_context(conversation.customer),
    }
    if request.GET.get("part") == "log":
        return render(request, "support/_desk_log.html", context)
    return render(request, "support/desk_conversation.html", context)


def _agent_post(request, conversation_id: int, action):
    conversation = selectors.conversation_by_id(conversation_id)
    back = reverse("support:desk_conversation", args=[conversation_id])
    if conversation is None:
        return error_page(request, NotFound(_("没有找到这个会话。")), back=_desk_back(request))
    try:
        action(conversation)
    except DomainError as exc:
        return error_page(request, exc, back=back)
    if _is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Trigger": "support-refresh"})
    return redirect(back + "#chat-latest")


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_reply(request, conversation_id: int):
    return _agent_post(
        request,
        conversation_id,
        lambda c: services.agent_reply(conversation=c, agent=request.user, text=request.POST.get("text", "")),
    )


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_transfer(request, conversation_id: int):
    def action(conversation):
        target = User.objects.filter(pk=form_id(request.POST.get("to")), is_active=True).first()
        services.conversation_transfer(
            conversation=conversation, agent=request.user, to_agent=target, note=request.POST.get("note", "")
        )

    response = _agent_post(request, conversation_id, action)
    return redirect("support:desk") if response.status_code == 302 else response


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_close(request, conversation_id: int):
    response = _agent_post(
        request,
        conversation_id,
        lambda c: services.conversation_close(
            conversation=c,
            actor=request.user,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", ""),
        ),
    )
    return redirect("support:desk") if response.status_code == 302 else response


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_open(request):
    """From the hotline console: a written conversation with the caller, taken by this agent."""
    phone = request.POST.get("phone", "")
    back = reverse("bookings:hotline") + "?" + urlencode({"phone": phone})
    try:
        customer = permissions.acting_customer(request.user, phone, write=True)
        conversation = services.conversation_open_for_caller(
            agent=request.user, customer=customer, text=request.POST.get("text", "").strip()
        )
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect("support:desk_conversation", conversation_id=conversation.pk)
