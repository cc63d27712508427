"""The event kinds the knowledge base records (declared for core.events; see `manage.py event_kinds`).

Subject: the article (the version, the search, the conversation where said). Never the text a person typed:
a search records how many terms it had and whether the spelling fallback ran, not the words; feedback says
whether a comment was written (the comment stays on ArticleFeedback)."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

VERSION_SUBMITTED = declare(
    "kb.version_submitted",
    app="knowledge",
    description="A new version of an article was written and waits for review.",
    payload={"article": "int", "slug": "code", "language": "code", "version": "int"},
    label=_("文章新版本待审核"),
)
ARTICLE_PUBLISHED = declare(
    "kb.article_published",
    app="knowledge",
    description="A reviewer approved a version: it is what readers of that language see from now on.",
    payload={
        "article": "int",
        "slug": "code",
        "language": "code",
        "version": "int",
        "reviewer": "int?",
        "reviewed_at": "datetime",
    },
    label=_("文章已审核发布"),
)
FEEDBACK_RECORDED = declare(
    "kb.feedback_recorded",
    app="knowledge",
    description="A reader said whether an article helped (helpful true = the article helped; comment: a "
    "comment was written, kept on the feedback row).",
    payload={"article": "int", "version": "int?", "language": "code", "helpful": "bool", "comment": "bool"},
    label=_("文章反馈"),
)
SEARCH_NO_RESULT = declare(
    "kb.search_no_result",
    app="knowledge",
    description="A search of the help centre found nothing, even with the spelling fallback (terms: how "
    "many search terms the query had; channel: page|api|suggest).",
    payload={"language": "code", "terms": "int", "channel": "code"},
    label=_("帮助搜索无结果"),
)
LOCKOUT_PAGE_OPENED = declare(
    "kb.lockout_page_opened",
    app="knowledge",
    description="Someone opened “Locked out? What to do now” (source: home|help_now|help|bot|direct).",
    payload={"language": "code", "source": "code"},
    label=_("打开“进不了门怎么办”"),
)
HUMAN_AFTER_ARTICLE = declare(
    "kb.human_after_article",
    app="knowledge",
    description="A customer asked for a person in a support conversation after the bot had linked them "
    "articles: that conversation is not counted as solved by self-service.",
    payload={"conversation": "int", "articles": "int[]", "language": "code"},
    label=_("阅读文章后仍请求人工"),
)
