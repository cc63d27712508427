"""The public transparency report page (`/transparency/`) and its CSV (`/transparency/report.csv`).

A half-year chooser (H1 and H2 of every year from the first event's to this one; the default is the last
complete half-year, the running one is marked provisional), each section as a table and a bar chart drawn
here as SVG (with <title> and <desc>; every number is also in the table), the event count and SHA-256, the
CSV and a link to the JSON API. Numbers come only from `report.report_for`, the bytes the API publishes."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.transparency import report

API_PATH = "/api/v1/transparency/report"
JOIN, LEAVE, OTHER = "#0b6e4f", "#b5542c", "#5b6675"


@dataclass(frozen=True)
class Half:
    code: str  # "2026-H1"
    date_from: dt.date
    date_to: dt.date
    provisional: bool  # the running half-year (its numbers still move)

    @property
    def label(self) -> str:
        half = _("上半年") if self.code.endswith("H1") else _("下半年")
        return f"{self.date_from.year} {half}"


def _half_of(year: int, second: bool, today: dt.date) -> Half:
    start = dt.date(year, 7 if second else 1, 1)
    end = dt.date(year, 12, 31) if second else dt.date(year, 6, 30)
    return Half(f"{year}-H{2 if second else 1}", start, end, provisional=start <= today <= end)


def halves(today: dt.date | None = None) -> list[Half]:
    """Every half-year from the first event's to today's, newest first (none in the future)."""
    today = today or clock.local(clock.now()).date()
    first = Event.objects.order_by("at", "id").values_list("at", flat=True).first()
    first_year = clock.local(first).year if first is not None else today.year
    found = []
    for year in range(min(first_year, today.year), today.year + 1):
        for second in (False, True):
            half = _half_of(year, second, today)
            if half.date_from <= today:
                found.append(half)
    return list(reversed(found))


def default_half(options: list[Half]) -> Half:
    """The last complete half-year (the running one when there is no other)."""
    return next((h for h in options if not h.provisional), options[0])


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value) -> str:
    return "—" if value is None else str(value)


def _duration(seconds) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return _("%(n)s 秒") % {"n": seconds}
    if seconds < 7200:
        return _("%(n)s 分钟") % {"n": round(seconds / 60)}
    if seconds < 172800:
        return _("%(n)s 小时") % {"n": round(seconds / 3600, 1)}
    return _("%(n)s 天") % {"n": round(seconds / 86400, 1)}


def bar_chart(*, ident: str, title: str, desc: str, bars: list[tuple[str, float | None, str, str]]) -> dict:
    """A horizontal bar chart: {"title", "svg"} with the SVG markup; bars are (label, value, shown text,
    colour); no value → no bar. Accessible: role="img" named by its <title> and <desc>."""
    width, label_w, value_w, row_h = 340, 112, 70, 28
    bar_w = width - label_w - value_w
    top = max((v for _l, v, _t, _c in bars if v is not None), default=0) or 1
    height = row_h * len(bars) + 8
    parts = [
        f'<svg class="report-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg" '
        f'data-testid="chart-{ident}">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]
    for i, (label, value, shown, colour) in enumerate(bars):
        y = 4 + i * row_h
        length = 0 if value is None else max(1, round(bar_w * value / top)) if value > 0 else 0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="13" fill="#1c2430">'
            f"{escape(label)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="{row_h - 8}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_w + length + 4}" y="{y + 17}" font-size="13" fill="#1c2430">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return {"title": title, "svg": mark_safe("".join(parts))}  # noqa: S308 - every text above is escaped


def direction_names() -> dict[str, str]:
    return {
        "up": _("升级"),
        "down": _("降级"),
        "period": _("切换周期"),
        "cancel": _("取消"),
        "refund": _("退款"),
    }


def _colour(direction: str) -> str:
    return JOIN if direction == "up" else OTHER if direction == "period" else LEAVE


def sections(data: dict) -> list[dict]:
    """Each section's title, rows (metric, shown value) and charts, in the page's language."""
    names = direction_names()
    plan = data["plan_changes"]
    plan_rows = []
    for d, name in names.items():
        item = plan[d]
        plan_rows.append(
            {
                "name": name,
                "count": item["count"],
                "self_service": _pct(item["self_service_share"]),
                "p50": _duration(item["effect_delay_seconds"]["p50"]),
                "p95": _duration(item["effect_delay_seconds"]["p95"]),
                "steps": _num(item["steps"]),
            }
        )
    steps_note = (
        _("步骤数取自当前公布的办理流程（事件中不记录步骤）。")
        if any(plan[d]["steps_source"] for d in names)
        else ""
    )

    def per_direction(key, title, desc, value, shown) -> str:
        return bar_chart(
            ident=key,
            title=title,
            desc=desc,
            bars=[(names[d], value(plan[d]), shown(plan[d]), _colour(d)) for d in names],
        )

    delay_bars = []
    for d in names:
        p50, p95 = plan[d]["effect_delay_seconds"]["p50"], plan[d]["effect_delay_seconds"]["p95"]
        delay_bars.append((f"{names[d]} p50", p50, _duration(p50), _colour(d)))
        delay_bars.append((f"{names[d]} p95", p95, _duration(p95), _colour(d)))
    plan_charts = [
        per_direction(
            "plan-count",
            _("套餐变更次数"),
            _("按方向的变更次数：升级（加入）与降级、取消、退款（离开）并列。"),
            lambda i: i["count"],
            lambda i: str(i["count"]),
        ),
        per_direction(
            "plan-self",
            _("客户自助办理的比例"),
            _("客户在自己的页面或接口办理（而非客服代办）的比例，按方向。"),
            lambda i: i["self_service_share"],
            lambda i: _pct(i["self_service_share"]),
        ),
        bar_chart(
            ident="plan-delay",
            title=_("从申请到生效的时间"),
            desc=_("每个方向的中位数（p50）与第95百分位（p95）。"),
            bars=delay_bars,
        ),
        per_direction(
            "plan-steps",
            _("客户需要的步骤数"),
            _("每种办理从开始到确认的步骤数，按方向。"),
            lambda i: i["steps"],
            lambda i: _num(i["steps"]),
        ),
    ]

    s = data["support"]
    wait = s["wait_to_first_human_reply_seconds"]
    hows = {
        "button": _("按钮"),
        "keyword": _("关键词"),
        "bot_failure": _("机器人故障"),
        "always_human": _("总是转人工"),
        "agent_opened": _("客服发起"),
        "callback": _("预约回电"),
    }
    support_rows = [
        (_("转人工请求"), _num(s["human_requests"])),
        *[
            (_("其中：%(how)s") % {"how": hows.get(how, how)}, _num(n))
            for how, n in sorted(s["by_how"].items())
        ],
        (_("等待首次人工回复 p50"), _duration(wait["p50"])),
        (_("等待首次人工回复 p90"), _duration(wait["p90"])),
        (_("仅由机器人结束的会话比例"), _pct(s["closed_by_bot_alone_share"])),
        (_("评价数"), _num(s["rated"])),
        (_("平均评分（1–5）"), _num(s["rating_mean"])),
    ]
    support_chart = bar_chart(
        ident="support-wait",
        title=_("等待首次人工回复"),
        desc=_("从点击转人工到客服第一次回复的时间，p50 与 p90。"),
        bars=[
            ("p50", wait["p50"], _duration(wait["p50"]), JOIN),
            ("p90", wait["p90"], _duration(wait["p90"]), OTHER),
        ],
    )

    c = data["complaints"]
    complaint_shares = [
        (_("按时首次联系"), c["first_contact_on_time_share"]),
        (_("按时最终答复"), c["final_response_on_time_share"]),
        (_("投诉成立"), c["upheld_share"]),
        (_("转外部处理"), c["escalated_outside_share"]),
    ]
    complaint_rows = [
        (_("投诉数"), _num(c["count"])),
        (_("每10万客户投诉数"), _num(c["per_100k_customers"])),
        (_("绿色通道"), _num(c["green_channel"])),
        *[(label, _pct(value)) for label, value in complaint_shares],
        (_("处理时长中位数"), _duration(c["resolution_seconds_median"])),
    ]
    complaint_chart = bar_chart(
        ident="complaints",
        title=_("投诉处理的比例"),
        desc=_("按时首次联系、按时最终答复、成立与转外部处理的比例。"),
        bars=[(label, value, _pct(value), OTHER) for label, value in complaint_shares],
    )

    e = data["emergencies"]
    arrival = e["arrival_minutes"]
    emergency_rows = [
        (_("紧急求助数"), _num(e["count"])),
        (_("30分钟内到场比例"), _pct(e["on_site_within_30_min_share"])),
        (_("到场时间 p50（分钟）"), _num(arrival["p50"])),
        (_("到场时间 p90（分钟）"), _num(arrival["p90"])),
        (_("服务方取消（拒单、超时、转单）"), _num(e["provider_cancellations"])),
    ]
    emergency_chart = bar_chart(
        ident="emergencies",
        title=_("紧急求助到场时间（分钟）"),
        desc=_("从求助到技师到场的分钟数，p50 与 p90；公开承诺为30分钟。"),
        bars=[
            (_("承诺"), 30, "30", OTHER),
            ("p50", arrival["p50"], _num(arrival["p50"]), JOIN),
            ("p90", arrival["p90"], _num(arrival["p90"]), LEAVE),
        ],
    )

    b = data["bookings"]
    booking_rows = [
        (_("预约数"), _num(b["count"])),
        (_("按约完成比例"), _pct(b["kept_share"])),
        (_("商家取消"), _num(b["cancelled_by_business"])),
        (_("客户取消"), _num(b["cancelled_by_customer"])),
        (_("其他取消"), _num(b["cancelled_other"])),
    ]
    booking_chart = bar_chart(
        ident="bookings",
        title=_("预约的取消"),
        desc=_("商家取消与客户取消的次数。"),
        bars=[
            (_("商家取消"), b["cancelled_by_business"], _num(b["cancelled_by_business"]), LEAVE),
            (_("客户取消"), b["cancelled_by_customer"], _num(b["cancelled_by_customer"]), OTHER),
            (_("其他取消"), b["cancelled_other"], _num(b["cancelled_other"]), OTHER),
        ],
    )
    return [
        {
            "id": "plan_changes",
            "title": _("套餐变更"),
            "plan_rows": plan_rows,
            "note": steps_note,
            "charts": plan_charts,
        },
        {"id": "support", "title": _("在线客服"), "rows": support_rows, "charts": [support_chart]},
        {"id": "complaints", "title": _("投诉"), "rows": complaint_rows, "charts": [complaint_chart]},
        {"id": "emergencies", "title": _("紧急求助"), "rows": emergency_rows, "charts": [emergency_chart]},
        {"id": "bookings", "title": _("预约"), "rows": booking_rows, "charts": [booking_chart]},
    ]


def _chosen(request) -> tuple[Half, list[Half]]:
    options = halves()
    wanted = request.GET.get("half", "")
    chosen = next((h for h in options if h.code == wanted), None) or default_half(options)
    return chosen, options


@require_GET
def report_page(request):
    chosen, options = _chosen(request)
    data = report.report_for(chosen.date_from, chosen.date_to)
    query = f"from={chosen.date_from.isoformat()}&to={chosen.date_to.isoformat()}"
    return render(
        request,
        "transparency/report.html",
        {
            "chosen": chosen,
            "options": options,
            "data": data,
            "sections": sections(data),
            "csv_url": f"{request.path}report.csv?{query}",
            "api_url": f"{API_PATH}?{query}",
        },
    )


def csv_rows(data: dict) -> list[tuple[str, str, str]]:
    """(section, metric, value) for every number in the report, in sorted order (nested keys joined by
    '.'); null is an empty value. The same report always gives the same rows."""
    rows: list[tuple[str, str, str]] = []

    def walk(section: str, prefix: str, value) -> None:
        if isinstance(value, dict):
            for key in sorted(value):
                walk(section, f"{prefix}.{key}" if prefix else key, value[key])
        else:
            rows.append(
                (
                    section,
                    prefix,
                    "" if value is None else str(value).lower() if isinstance(value, bool) else str(value),
                )
            )

    for key in sorted(data):
        value = data[key]
        if isinstance(value, dict):
            walk(key, "", value)
        else:
            rows.append(("report", key, str(value)))
    return rows


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@require_GET
def report_csv(request):
    chosen, _options = _chosen(request)
    start = _date_or_none(request.GET.get("from", "")) or chosen.date_from
    end = _date_or_none(request.GET.get("to", "")) or chosen.date_to
    problem = report.check_range(start, end)
    if problem is not None or end >= dt.date.max or start <= dt.date.min:
        message = {
            "range_invalid": _("结束日期早于开始日期。"),
            "range_too_long": _("报告期最长十年。"),
        }.get(problem or "", _("日期超出范围。"))
        return HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
    data = report.report_for(start, end)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "metric", "value"])
    writer.writerows(csv_rows(data))
    response = HttpResponse(out.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparency-{start}-{end}.csv"'
    return response
