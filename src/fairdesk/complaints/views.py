"""Complaint pages: filing (the phone is asked for after the text, never before), the customer's case page
with its receipt, deadlines, timeline, reply / accept / dispute and the 12315 guidance with a downloadable
record, "My complaints", and the staff desk (queue by deadline, case, actions; the auditor reads). Every form
works without JavaScript; htmx only sends the SMS code in place. Thin: the rules live in services."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fairdesk.accounts import permissions, verification
from fairdesk.accounts.phone import mask_phone
from fairdesk.accounts.sessions import session_customer, verified_phone, verify_session
from fairdesk.complaints import calendar, rules, selectors, services
from fairdesk.complaints.models import OPEN_STATUSES, TEXT_MAX, Category, Outcome, Status, SubjectType
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.events import label_for
from fairdesk.core.money import format_fen
from fairdesk.core.pages import error_page

OPEN = OPEN_STATUSES
REFERRAL_SITE = "www.12315.cn"
REFERRAL_PHONE = "12315"


def _not_found():
    return NotFound(_("没有找到这件投诉。"))


def _missing(request, back: str):
    return error_page(request, _not_found(), back=back, title=_("找不到这个页面"))


def _rule():
    return rules.RULES[rules.RULE_VERSION]


def _promises() -> dict:
    """The deadlines as published, for the form (the green channel's first)."""
    rule = _rule()
    return {
        "green_contact_hours": int(rule.green_first_contact.total_seconds() // 3600),
        "green_final_days": rule.green_final_working_days,
        "contact_hours": int(rule.first_contact.total_seconds() // 3600),
        "final_days": rule.final_calendar_days,
        "hard_days": rule.hard_limit_working_days,
    }


def _categories() -> list[dict]:
    green = {Category.PLAN_CHANGE}
    ordered = sorted(Category.choices, key=lambda c: c[0] not in green)  # the green channel first
    return [{"value": value, "label": label, "green": value in green} for value, label in ordered]


def _safe_next(request, value: str, default: str) -> str:
    if (
        value
        and value.startswith("/complaints/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return default


# ------------------------------------------------------------------------------------------------ filing


def _form(data) -> dict:
    """What the complaint form carries (step 1 and, as hidden fields, step 2)."""
    subject_type = (data.get("subject_type") or "").strip()
    return {
        "category": (data.get("category") or "").strip(),
        "text": (data.get("text") or "").strip(),
        "subject_type": subject_type if subject_type in SubjectType.values else "",
        "subject": (data.get("subject") or "").strip()[:32],
    }


def _subject_label(form: dict) -> str:
    if not form["subject_type"]:
        return ""
    label = str(SubjectType(form["subject_type"]).label)
    if form["subject_type"] == SubjectType.SUBSCRIPTION and not form["subject"]:
        return _("您当前的套餐")
    return f"{label} {form['subject']}".strip()


def _new_context(request, form: dict, **extra) -> dict:
    return {
        "form": form,
        "categories": _categories(),
        "promises": _promises(),
        "subject_label": _subject_label(form),
        "text_max": TEXT_MAX,
        "signed_in_phone": mask_phone(verified_phone(request)) if session_customer(request) else "",
        **extra,
    }


def _check_step_one(form: dict) -> None:
    """Before the phone is asked for: the same checks the service makes on what was written."""
    if form["category"] not in Category.values:
        raise InvalidInput(_("请选择投诉类别。"), code="category_invalid")
    if not form["text"]:
        raise InvalidInput(_("请写下内容。"), code="text_empty")
    if len(form["text"]) > TEXT_MAX:
        raise InvalidInput(_("内容太长（最多 %(n)d 个字）。") % {"n": TEXT_MAX}, code="text_too_long")


def _subject_for(customer, form: dict) -> tuple[str, str]:
    """The subject as filed: "subscription" without a number means the customer's current plan (the link
    on "My plan" before signing in), or nothing when they have none."""
    if form["subject_type"] == SubjectType.SUBSCRIPTION and not form["subject"]:
        from fairdesk.plans.selectors import subscription_active

        current = subscription_active(customer=customer)
        return (SubjectType.SUBSCRIPTION, str(current.pk)) if current else ("", "")
    if not form["subject"]:
        return "", ""
    return form["subject_type"], form["subject"]


def complaint_new(request):
    """Step 1: category, text (and the subject from the link). Step 2, only without a verified phone: phone
    and SMS code, what was written kept in hidden fields (nothing is stored before the phone is verified)."""
    if permissions.staff_role(request.user) is not None:
        return redirect("complaints:desk")
    if request.method != "POST":
        form = _form(request.GET)
        if form["category"] not in Category.values:
            form["category"] = ""
        form["text"] = ""
        return render(request, "complaints/new.html", _new_context(request, form))
    form = _form(request.POST)
    try:
        _check_step_one(form)
    except DomainError as exc:
        context = _new_context(request, form, error=str(exc.message))
        return render(request, "complaints/new.html", context, status=exc.status)
    customer = session_customer(request, create=True)
    if customer is None:
        phone = request.POST.get("phone", "")
        if request.POST.get("step") != "phone" or not phone.strip():
            return render(request, "complaints/new_phone.html", _new_context(request, form))
        try:
            verify_session(request, phone, request.POST.get("code", ""))
        except DomainError as exc:
            context = _new_context(request, form, error=str(exc.message), phone_input=phone)
            return render(request, "complaints/new_phone.html", context, status=exc.status)
        customer = session_customer(request, create=True)
        if customer is None:  # a staff phone never signs in here (verify_session refuses it first)
            return _missing(request, reverse("complaints:new"))
    subject_type, subject = _subject_for(customer, form)
    try:
        complaint = services.complaint_file(
            customer=customer,
            category=form["category"],
            text=form["text"],
            subject_type=subject_type,
            subject_reference=subject,
            actor=customer,
        )
    except DomainError as exc:
        if str(getattr(exc, "code", "")).startswith("subject_"):
            form.update(subject_type="", subject="")  # file it without the subject if they send again
        context = _new_context(request, form, error=str(exc.message))
        return render(request, "complaints/new.html", context, status=exc.status)
    return redirect(reverse("complaints:detail", args=[complaint.reference]) + "?filed=1")


@require_POST
def send_code(request):
    """Without JavaScript: send the SMS code, then the same step again with everything typed kept (the
    complaint's second step, or the sign-in form of "My complaints" / a case page)."""
    phone = request.POST.get("phone", "")
    try:
        verification.phone_code_send(
            phone=phone, client_ip=request.META.get("REMOTE_ADDR"), language=request.LANGUAGE_CODE
        )
        code_error, status = "", 200
    except DomainError as exc:
        code_error, status = str(exc.message), exc.status
    extra = {"phone_input": phone, "code_sent": not code_error, "code_error": code_error}
    if request.POST.get("step") == "phone":
        form = _form(request.POST)
        try:
            _check_step_one(form)
        except DomainError as exc:
            context = _new_context(request, form, error=str(exc.message))
            return render(request, "complaints/new.html", context, status=exc.status)
        return render(
            request, "complaints/new_phone.html", _new_context(request, form, **extra), status=status
        )
    next_url = _safe_next(request, request.POST.get("next", ""), reverse("complaints:mine"))
    return render(request, "complaints/sign_in.html", {"next": next_url, **extra}, status=status)


# ------------------------------------------------------------------------------------- the customer's side


def complaints_mine(request):
    """ "My complaints" by verified phone, else the sign-in form (POST signs in, then back to `next`)."""
    if permissions.staff_role(request.user) is not None:
        return redirect("complaints:desk")
    next_url = _safe_next(
        request, request.POST.get("next", "") or request.GET.get("next", ""), reverse("complaints:mine")
    )
    if request.method == "POST":
        phone = request.POST.get("phone", "")
        try:
            verify_session(request, phone, request.POST.get("code", ""))
        except DomainError as exc:
            context = {"next": next_url, "error": str(exc.message), "phone_input": phone}
            return render(request, "complaints/sign_in.html", context, status=exc.status)
        return redirect(next_url)
    customer = session_customer(request)
    if customer is None:
        return render(request, "complaints/sign_in.html", {"next": next_url})
    rows = [
        {"complaint": c, "overdue": selectors.is_overdue(c)}
        for c in selectors.complaints_of(customer=customer)
    ]
    return render(
        request,
        "complaints/mine.html",
        {"rows": rows, "phone": mask_phone(customer.phone)},
    )


def _customer_complaint(request, reference: str):
    """(complaint, None) for its own customer; otherwise (None, the answer): staff who read customers' records
    to the desk, other staff a 403, a visitor without a verified phone the sign-in form (403), anyone else a
    404."""
    if permissions.has(request.user, permissions.READ_CUSTOMERS):
        return None, redirect("complaints:desk_detail", complaint=reference)
    if permissions.staff_role(request.user) is not None:
        return None, error_page(request, permissions.Forbidden(_("您的角色不能打开这个页面。")))
    customer = session_customer(request)
    if customer is None:
        context = {"next": reverse("complaints:detail", args=[reference])[:200], "case_sign_in": True}
        return None, render(request, "complaints/sign_in.html", context, status=403)
    complaint = selectors.complaint_for_customer(customer=customer, reference=reference)
    if complaint is None:
        return None, _missing(request, reverse("complaints:mine"))
    return complaint, None


def _timeline_rows(complaint, *, staff: bool = False) -> list[dict]:
    rows = []
    for item in selectors.timeline(complaint, staff=staff):
        message, event = item["message"], item["event"]
        if message is not None:
            words = {
                "info_request": _("我们请您补充信息"),
                "reply": _("您补充的信息") if not staff else _("客户补充的信息"),
                "response": _("正式答复"),
                "dispute": _("您不同意的理由") if not staff else _("客户不同意的理由"),
            }.get(message.kind, message.get_author_display())
            rows.append({"at": item["at"], "kind": item["kind"], "label": words, "text": message.text})
        else:
            rows.append(
                {
                    "at": item["at"],
                    "kind": item["kind"],
                    "label": label_for(event.kind, event.payload),
                    "text": "",
                }
            )
    return rows


def _case_context(complaint) -> dict:
    return {
        "complaint": complaint,
        "timeline": _timeline_rows(complaint),
        "is_open": complaint.status in OPEN,
        "responded": complaint.status == Status.RESPONDED,
        "referral": complaint.status == Status.DISPUTED or complaint.referred_at is not None,
        "referral_site": REFERRAL_SITE,
        "referral_phone": REFERRAL_PHONE,
        "overdue": selectors.is_overdue(complaint),
        "paused": complaint.paused_since is not None,
        "redress": format_fen(complaint.redress_fen) if complaint.redress_fen else "",
        "rule_text": rules.RULES[complaint.rule_version].description()
        if complaint.rule_version in rules.RULES
        else "",
        "promises": _promises(),
    }


def complaint_detail(request, complaint: str):
    found, answer = _customer_complaint(request, complaint)
    if answer is not None:
        return answer
    context = _case_context(found)
    context["filed"] = request.GET.get("filed") == "1"
    return render(request, "complaints/detail.html", context)


def _customer_post(request, reference: str, action):
    found, answer = _customer_complaint(request, reference)
    if answer is not None:
        if answer.status_code == 302:  # staff: customers' buttons are not theirs
            return error_page(request, permissions.Forbidden(_("只有投诉人本人可以这样操作。")))
        return answer
    back = reverse("complaints:detail", args=[found.reference])
    try:
        action(found, found.customer)
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect(back)


@require_POST
def complaint_reply(request, complaint: str):
    return _customer_post(
        request,
        complaint,
        lambda c, customer: services.complaint_reply(
            complaint=c, customer=customer, text=request.POST.get("text", "")
        ),
    )


@require_POST
def complaint_accept(request, complaint: str):
    return _customer_post(
        request, complaint, lambda c, customer: services.complaint_accept(complaint=c, customer=customer)
    )


@require_POST
def complaint_dispute(request, complaint: str):
    return _customer_post(
        request,
        complaint,
        lambda c, customer: services.complaint_dispute(
            complaint=c, customer=customer, text=request.POST.get("text", "")
        ),
    )


def _when(moment) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}" if moment else "-"


def record_text(complaint) -> str:
    """The case as plain text (what was filed, the deadlines, every timeline item), local times, in the
    active language: what the customer takes to 12315."""
    zone = str(clock.local_zone())
    lines = [
        _("投诉记录 %(ref)s") % {"ref": complaint.reference},
        "",
        f"{_('投诉编号')}: {complaint.reference}",
        f"{_('类别')}: {complaint.get_category_display()}"
        + (f" ({_('绿色通道')})" if complaint.green_channel else ""),
        f"{_('受理时间')}: {_when(complaint.received_at)} ({zone})",
        f"{_('状态')}: {complaint.get_status_display()}",
    ]
    if complaint.subject_type:
        lines.append(f"{_('涉及')}: {complaint.get_subject_type_display()} {complaint.subject_reference}")
    lines += [
        f"{_('首次联系期限')}: {_when(complaint.first_contact_by)}",
        f"{_('答复期限')}: {_when(complaint.final_response_by)}",
        f"{_('最终期限')}: {_when(complaint.hard_limit_by)}",
        f"{_('规则版本')}: {complaint.rule_version}",
    ]
    if complaint.outcome:
        lines.append(f"{_('结果')}: {complaint.get_outcome_display()}")
        lines.append(f"{_('补偿')}: {format_fen(complaint.redress_fen)}")
    lines += ["", _("投诉内容") + ":", complaint.text, "", _("经过") + ":"]
    for row in _timeline_rows(complaint):
        lines.append(f"{_when(row['at'])}  {row['label']}")
        for text_line in row["text"].splitlines():
            lines.append(f"    {text_line}")
    lines += [
        "",
        _("如对处理不满意，可向全国 12315 平台投诉：%(site)s 或拨打 %(phone)s，并提供投诉编号 %(ref)s。")
        % {"site": REFERRAL_SITE, "phone": REFERRAL_PHONE, "ref": complaint.reference},
        _("本记录生成于 %(at)s。") % {"at": _when(clock.now())},
    ]
    return "\n".join(lines) + "\n"


def complaint_record(request, complaint: str):
    """The case record (text/plain, UTF-8, an attachment): the customer's own, or staff who read customers'
    records."""
    if permissions.has(request.user, permissions.READ_CUSTOMERS):
        found = selectors.complaint_by_reference(complaint)
        if found is None:
            return _missing(request, reverse("complaints:desk"))
    else:
        found, answer = _customer_complaint(request, complaint)
        if answer is not None:
            return answer
    response = HttpResponse(record_text(found), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaint-{found.reference}.txt"'
    return response


# -------------------------------------------------------------------------------------------------- staff


@permissions.page_requires(permissions.READ_CUSTOMERS)
def desk(request):
    """Open complaints by their next deadline (never by who the customer is); overdue and escalation marked;
    managers also see the working-day calendar's warnings."""
    wanted = (request.GET.get("reference") or "").strip()
    if wanted:
        found = selectors.complaint_by_reference(wanted)
        if found is not None:
            return redirect("complaints:desk_detail", complaint=found.reference)
    rows = [
        {"complaint": c, "deadline": selectors.next_deadline(c), "overdue": selectors.is_overdue(c)}
        for c in selectors.staff_queue()
    ]
    warnings = []
    if permissions.has(request.user, permissions.MANAGE):
        warnings = calendar.coverage_warnings(today=clock.local(clock.now()).date())
    return render(
        request,
        "complaints/desk.html",
        {"rows": rows, "warnings": warnings, "not_found": wanted if wanted else ""},
    )


@permissions.page_requires(permissions.READ_CUSTOMERS)
def desk_detail(request, complaint: str):
    found = selectors.complaint_by_reference(complaint)
    if found is None:
        return _missing(request, reverse("complaints:desk"))
    context = _case_context(found)
    context.update(
        timeline=_timeline_rows(found, staff=True),
        history=[_history_row(e) for e in selectors.subject_history(found)],
        can_work=permissions.has(request.user, permissions.HOTLINE),
        outcomes=Outcome.choices,
        customer_phone=found.customer.phone,
        deadline=selectors.next_deadline(found),
    )
    return render(request, "complaints/desk_detail.html", context)


def _shown(name: str, value) -> str:
    """A payload value for people: money in yuan, times in local time, the rest as recorded."""
    if isinstance(value, int) and not isinstance(value, bool) and name.endswith("_fen"):
        return format_fen(value)
    if isinstance(value, str) and ISO_TIME.match(value):
        try:
            return _when(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return "-" if value is None else str(value)


ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _history_row(event) -> dict:
    """One event of the complaint's subject (for a plan change: each quote and change of the plan)."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    return {
        "at": event.at,
        "kind": event.kind,
        "label": label_for(event.kind, event.payload),
        "facts": [(name, _shown(name, value)) for name, value in payload.items()],
    }


YUAN = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def yuan_to_fen(value: str) -> int:
    """ "12.5" → 1250: yuan as people type them (at most two decimals), integer fen; a clear 422 otherwise."""
    value = (value or "").strip().replace(",", "").replace("¥", "").replace("￥", "") or "0"
    if not YUAN.match(value):
        raise InvalidInput(_("补偿金额请填写元，例如 50 或 12.50（最多两位小数）。"), code="redress_invalid")
    return int(Decimal(value) * 100)


def _desk_post(request, reference: str, action):
    found = selectors.complaint_by_reference(reference)
    if found is None:
        return _missing(request, reverse("complaints:desk"))
    back = reverse("complaints:desk_detail", args=[found.reference])
    try:
        action(found)
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect(back)


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_contact(request, complaint: str):
    return _desk_post(
        request, complaint, lambda c: services.complaint_contact(complaint=c, staff=request.user)
    )


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_request_info(request, complaint: str):
    return _desk_post(
        request,
        complaint,
        lambda c: services.complaint_request_info(
            complaint=c, staff=request.user, text=request.POST.get("text", "")
        ),
    )


@permissions.page_requires(permissions.HOTLINE)
@require_POST
def desk_respond(request, complaint: str):
    return _desk_post(
        request,
        complaint,
        lambda c: services.complaint_respond(
            complaint=c,
            staff=request.user,
            outcome=request.POST.get("outcome", ""),
            redress_fen=yuan_to_fen(request.POST.get("redress_yuan", "")),
            text=request.POST.get("text", ""),
        ),
    )


def hotline_panel(request) -> str:
    """The hotline console's complaints box: how many are open (and overdue), the caller's complaints when
    the console has a phone, and the desk."""
    from fairdesk.accounts.phone import normalize_phone
    from fairdesk.accounts.selectors import user_by_phone

    if not permissions.has(getattr(request, "user", None), permissions.READ_CUSTOMERS):
        return ""
    queue = selectors.staff_queue()
    caller = []
    phone = request.GET.get("phone", "").strip()
    if phone:
        try:
            customer = user_by_phone(phone=normalize_phone(phone))
        except Exception:  # the console itself says what is wrong with the number
            customer = None
        if customer is not None and permissions.staff_role(customer) is None:
            caller = selectors.complaints_of(customer=customer)[:10]
    return render_to_string(
        "complaints/_hotline_panel.html",
        {
            "open_count": len(queue),
            "overdue_count": sum(1 for c in queue if selectors.is_overdue(c)),
            "phone": phone,
            "caller_complaints": caller,
        },
        request=request,
    )
