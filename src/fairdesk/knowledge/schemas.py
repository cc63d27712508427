from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class HitOut(Schema):
    slug: str
    title: str
    snippet: str
    score: float
    url: str


class ArticleOut(Schema):
    slug: str
    title: str
    body_html: str
    version: int
    reviewed_at: dt.datetime
    service_types: list[str]


class FeedbackIn(Schema):
    helpful: bool = Field(..., strict=True)
    comment: str = Field("", max_length=1000)


class FeedbackOut(Schema):
    id: int
    slug: str
    helpful: bool
    version: int | None
