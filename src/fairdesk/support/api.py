"""Written support over JSON. Customers use their verified-phone session; staff with a Bearer token act for a
caller with `customer_phone` (as in the plans API); agents work the queue. Statuses: bot, waiting_human,
with_agent, closed. Every POST honours Idempotency-Key."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.accounts.models import User
from fairdesk.core.errors import NotFound
from fairdesk.core.idempotency import idempotent_response
from fairdesk.support import selectors, services
from fairdesk.support.models import Channel
from fairdesk.support.schemas import (
    CloseIn,
    ConversationOut,
    DutyIn,
    DutyOut,
    HumanIn,
    MessageIn,
    PreferenceIn,
    PreferenceOut,
    QueueRowOut,
    RatingIn,
    ReplyIn,
    StartIn,
    TransferIn,
)

router = Router(tags=["support"])
KEY = Header(None, alias="Idempotency-Key")


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "zh-hans")


def _own(request, conversation_id: int, phone: str, *, write: bool):
    """The conversation of the customer acting (themselves, or the caller staff name by phone); someone
    else's is "not found"."""
    user = request.api_user
    if not permissions.is_customer(user) and not phone and not write:
        permissions.require(user, permissions.READ_CUSTOMERS)
        conversation = selectors.conversation_by_id(conversation_id)
    else:
        customer = permissions.acting_customer(user, phone, write=write)
        conversation = selectors.conversation_for_customer(customer=customer, conversation_id=conversation_id)
    if conversation is None:
        raise NotFound(_("没有找到这个会话。"))
    return conversation


def _staff(request) -> bool:
    return not permissions.is_customer(request.api_user)


def _out(request, conversation) -> dict:
    return selectors.conversation_view(conversation, staff=_staff(request))


def _agent_conversation(request, conversation_id: int):
    permissions.require(request.api_user, permissions.HOTLINE, _("只有客服可以接待会话。"))
    conversation = selectors.conversation_by_id(conversation_id)
    if conversation is None:
        raise NotFound(_("没有找到这个会话。"))
    return conversation


@router.post(
    "/support/conversations",
    auth=api_auth,
    response={201: ConversationOut, 409: dict, 422: dict},
    summary="Write to support: the open conversation gets the message, or a new one begins",
)
def conversation_start(request, body: StartIn, idempotency_key: str | None = KEY):
    def handler():
        customer = permissions.acting_customer(request.api_user, body.customer_phone, write=True)
        conversation = services.conversation_start(
            customer=customer,
            text=body.message,
            channel=Channel.WEB if permissions.is_customer(request.api_user) else Channel.API,
            language=_language(request),
            actor=request.api_user,
        )
        return 201, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.get(
    "/support/conversations/{conversation_id}",
    auth=api_auth,
    response={200: ConversationOut},
    summary="A conversation with its messages (someone else's is 404)",
)
def conversation_get(request, conversation_id: int, customer_phone: str = ""):
    return _out(request, _own(request, conversation_id, customer_phone, write=False))


@router.post(
    "/support/conversations/{conversation_id}/messages",
    auth=api_auth,
    response={201: ConversationOut, 409: dict, 422: dict},
    summary="The customer writes (the bot answers while no human was asked for)",
)
def message_post(request, conversation_id: int, body: MessageIn, idempotency_key: str | None = KEY):
    def handler():
        conversation = _own(request, conversation_id, body.customer_phone, write=True)
        conversation = services.message_post(
            conversation=conversation,
            text=body.text,
            channel=conversation.channel if conversation.channel != Channel.SMS else Channel.WEB,
            actor=request.api_user,
        )
        return 201, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/conversations/{conversation_id}/human",
    auth=api_auth,
    response={200: ConversationOut, 409: dict, 422: dict},
    summary="Talk to a human: join the queue (or ask for a call-back at a chosen time)",
)
def human(request, conversation_id: int, body: HumanIn, idempotency_key: str | None = KEY):
    def handler():
        conversation = _own(request, conversation_id, body.customer_phone, write=True)
        conversation = services.human_request(
            conversation=conversation, actor=request.api_user, callback_at=body.callback_at
        )
        return 200, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/conversations/{conversation_id}/rating",
    auth=api_auth,
    response={200: ConversationOut, 409: dict, 422: dict},
    summary="The customer rates the help (1–5) once the conversation is closed",
)
def rating(request, conversation_id: int, body: RatingIn, idempotency_key: str | None = KEY):
    def handler():
        if not permissions.is_customer(request.api_user):
            raise permissions.Forbidden(_("只有客户本人可以评分。"))
        conversation = _own(request, conversation_id, body.customer_phone, write=True)
        conversation = services.conversation_rate(
            conversation=conversation, customer=request.api_user, score=body.score
        )
        return 200, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/preferences",
    auth=api_auth,
    response={200: PreferenceOut, 422: dict},
    summary='"Always a human": skip the bot from now on (or stop)',
)
def preferences(request, body: PreferenceIn, idempotency_key: str | None = KEY):
    def handler():
        customer = permissions.acting_customer(request.api_user, body.customer_phone, write=True)
        pref = services.always_human_set(customer=customer, on=body.always_human)
        return 200, {"always_human": pref.always_human}

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


# ---------------------------------------------------------------- agents


@router.get(
    "/support/queue",
    auth=api_auth,
    response={200: list[QueueRowOut]},
    summary="The human queue in order (safety class, then time of request; nothing else)",
)
def queue(request):
    permissions.require(request.api_user, permissions.READ_CUSTOMERS, _("只有客服、经理和审计可以查看队列。"))
    return selectors.queue_rows()


@router.post(
    "/support/queue/next",
    auth=api_auth,
    response={200: ConversationOut, 204: None},
    summary="Take the next conversation (the head of the queue; 204 when nobody waits)",
)
def queue_next(request, idempotency_key: str | None = KEY):
    def handler():
        permissions.require(request.api_user, permissions.HOTLINE, _("只有客服可以接待会话。"))
        conversation = services.queue_take_next(agent=request.api_user)
        if conversation is None:
            return 204, {}
        return 200, _out(request, conversation)

    response = idempotent_response(request, body=None, key=idempotency_key, handler=handler)
    if response.status_code == 204:
        return HttpResponse(status=204)
    return response


@router.post(
    "/support/conversations/{conversation_id}/reply",
    auth=api_auth,
    response={201: ConversationOut, 409: dict, 422: dict},
    summary="The assigned agent replies",
)
def reply(request, conversation_id: int, body: ReplyIn, idempotency_key: str | None = KEY):
    def handler():
        conversation = _agent_conversation(request, conversation_id)
        conversation = services.agent_reply(conversation=conversation, agent=request.api_user, text=body.text)
        return 201, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/conversations/{conversation_id}/close",
    auth=api_auth,
    response={200: ConversationOut, 409: dict, 422: dict},
    summary="The assigned agent closes the conversation with a resolution",
)
def close(request, conversation_id: int, body: CloseIn, idempotency_key: str | None = KEY):
    def handler():
        conversation = _agent_conversation(request, conversation_id)
        conversation = services.conversation_close(
            conversation=conversation, actor=request.api_user, resolution=body.resolution, note=body.note
        )
        return 200, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/conversations/{conversation_id}/transfer",
    auth=api_auth,
    response={200: ConversationOut, 409: dict, 422: dict},
    summary="The assigned agent hands the conversation to a colleague, with a note for them",
)
def transfer(request, conversation_id: int, body: TransferIn, idempotency_key: str | None = KEY):
    def handler():
        conversation = _agent_conversation(request, conversation_id)
        to_agent = User.objects.filter(pk=body.to_agent, is_active=True).first()
        conversation = services.conversation_transfer(
            conversation=conversation, agent=request.api_user, to_agent=to_agent, note=body.note
        )
        return 200, _out(request, conversation)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/support/duty",
    auth=api_auth,
    response={200: DutyOut, 422: dict},
    summary="An agent starts or stops answering written support (and how many at once)",
)
def duty(request, body: DutyIn, idempotency_key: str | None = KEY):
    def handler():
        permissions.require(request.api_user, permissions.HOTLINE, _("只有客服可以值班。"))
        row = services.duty_set(agent=request.api_user, on_duty=body.on_duty, capacity=body.capacity)
        return 200, {"on_duty": row.on_duty, "capacity": row.capacity}

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)
