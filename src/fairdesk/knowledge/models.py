"""Articles of the help centre: an article (its slug, topic and the service types it relates to) has language
versions; a version is written, then reviewed by a manager, and only then published. Older versions are kept
(the history); what readers see is the highest published version of their language.

`SearchEntry` is the search index: one row per article and language, holding the published version's
segmented title and body (space-separated terms, knowledge/search.py). On PostgreSQL the table carries a
generated `document` tsvector (simple configuration, title weight A over body B) with a GIN index; on SQLite
an FTS5 table `knowledge_searchentry_fts` mirrors it through triggers (migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock


class Language(models.TextChoices):
    ZH = "zh-hans", _("简体中文")
    EN = "en", _("English")


class Topic(models.TextChoices):
    # What the help page's "browse by topic" groups articles by.
    LOCKOUT = "lockout", _("进不了门")
    KEYS = "keys", _("钥匙问题")
    SAFES = "safes", _("保险柜")
    CARE = "care", _("日常保养")
    CHOOSING = "choosing", _("选购建议")
    PRICES = "prices", _("价格与收费")
    PLANS = "plans", _("套餐变更与取消")
    COMPLAINTS = "complaints", _("投诉与维权")
    LAWFUL = "lawful", _("合法开锁")


class Article(models.Model):
    slug = models.SlugField(_("网址名"), max_length=80, unique=True)
    topic = models.CharField(_("主题"), max_length=20, choices=Topic.choices)
    # bookings.ServiceType codes (a list of codes: the knowledge base outlives a service type's row).
    service_types = models.JSONField(_("相关服务类型"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("帮助文章")
        verbose_name_plural = _("帮助文章")
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("语言"), max_length=8, choices=Language.choices)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文（Markdown）"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published = models.BooleanField(_("已发布"), default=False)
    created_at = models.DateTimeField(_("提交时间"), default=clock.now)

    class Meta:
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        ordering = ("article", "language", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "version"], name="knowledge_version_unique"
            ),
            # Published only after review: never a published version without its review date.
            models.CheckConstraint(
                condition=Q(published=False) | Q(reviewed_at__isnull=False),
                name="knowledge_published_after_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} {self.language} v{self.version}"


class SearchEntry(models.Model):
    """The index row of an article's published version in one language (rewritten on each publication)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, choices=Language.choices)
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    plain = models.TextField()  # the body as plain text, for snippets
    title_terms = models.TextField()
    body_terms = models.TextField()
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="knowledge_entry_unique"),
        ]
        indexes = [models.Index(fields=["language"], name="knowledge_entry_language")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ArticleFeedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(ArticleVersion, on_delete=models.SET_NULL, null=True, related_name="+")
    language = models.CharField(_("语言"), max_length=8, choices=Language.choices)
    helpful = models.BooleanField(_("有帮助"))
    comment = models.TextField(_("意见"), blank=True, max_length=1000)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("文章反馈")
        verbose_name_plural = _("文章反馈")
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"
