"""Writes of transparency: publishing a rule version and the provider score's appeals (each one event)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from fairdesk.accounts import permissions
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.services import event_record
from fairdesk.transparency import events
from fairdesk.transparency.models import AppealOutcome, RuleDocument, ScoreAppeal

TEXT_MAX = 2000


@transaction.atomic
def rule_document_publish(
    *,
    code: str,
    version: int,
    title: str,
    title_en: str,
    body: str,
    body_en: str,
    effective_from: dt.datetime,
    stats_anchor: str = "",
    recorded_in: str = "",
    params: dict | None = None,
    actor=None,
    check: bool = True,
) -> RuleDocument:
    """Write a new version (full_clean: a later version never takes effect before now or before an earlier
    version). `check=False` only for a rule's first version written by the demo/fixture loader."""
    doc = RuleDocument(
        code=code,
        version=version,
        title=title,
        title_en=title_en,
        body=body,
        body_en=body_en,
        effective_from=effective_from,
        stats_anchor=stats_anchor,
        recorded_in=recorded_in,
        params=params or {},
    )
    if check:
        doc.full_clean()
    doc.save()
    event_record(
        kind=events.RULE_PUBLISHED,
        subject=doc,
        actor=actor,
        actor_label="" if actor else "system",
        payload={"code": code, "version": version, "effective_from": effective_from},
    )
    return doc


@transaction.atomic
def score_appeal_record(
    *,
    station,
    period_from: dt.date,
    period_to: dt.date,
    rule_version: int,
    score: int | None,
    reason: str,
    actor,
) -> ScoreAppeal:
    """A manager records a station's appeal against its score for a period."""
    permissions.require(actor, permissions.MANAGE, _("只有经理可以登记网点的申诉。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请写明申诉理由。"), code="reason_required")
    if len(reason) > TEXT_MAX:
        raise InvalidInput(_("申诉理由太长（最多 2000 字）。"), code="too_long")
    if period_from > period_to:
        raise InvalidInput(_("期间的开始不能晚于结束。"), code="bad_period")
    appeal = ScoreAppeal.objects.create(
        station=station,
        period_from=period_from,
        period_to=period_to,
        rule_version=rule_version,
        score=score,
        reason=reason,
        recorded_by=actor,
        created_at=clock.now(),
    )
    event_record(
        kind=events.SCORE_APPEALED,
        subject=appeal,
        actor=actor,
        payload={
            "station": station.pk,
            "period_from": period_from,
            "period_to": period_to,
            "rule_version": rule_version,
            "score": score,
        },
    )
    return appeal


@transaction.atomic
def score_appeal_answer(*, appeal_id: int, outcome: str, answer: str, actor) -> ScoreAppeal:
    """A manager answers an appeal once (upheld: the score will be corrected; rejected: why, in words)."""
    permissions.require(actor, permissions.MANAGE, _("只有经理可以答复申诉。"))
    appeal = ScoreAppeal.objects.select_for_update().filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound(_("没有这条申诉。"))
    if appeal.answered_at is not None:
        raise DomainError(_("这条申诉已经答复过了。"), code="already_answered")
    if outcome not in AppealOutcome.values:
        raise InvalidInput(_("请选择答复结果。"), code="outcome_required")
    answer = (answer or "").strip()
    if len(answer) > TEXT_MAX:
        raise InvalidInput(_("答复太长（最多 2000 字）。"), code="too_long")
    if outcome == AppealOutcome.REJECTED and not answer:
        raise InvalidInput(_("驳回申诉时请写明理由。"), code="answer_required")
    appeal.outcome, appeal.answer = outcome, answer
    appeal.answered_by, appeal.answered_at = actor, clock.now()
    appeal.save(update_fields=["outcome", "answer", "answered_by", "answered_at"])
    event_record(
        kind=events.SCORE_APPEAL_ANSWERED,
        subject=appeal,
        actor=actor,
        payload={"station": appeal.station_id, "outcome": outcome, "has_note": bool(answer)},
    )
    return appeal
