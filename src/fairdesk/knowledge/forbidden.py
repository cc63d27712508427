"""Topics no help article may cover: how to open or get round a lock (several provinces forbid teaching
开锁技术). Checked when a version is submitted (`article_version_submit` refuses it) and over the demo
content by tests/test_demo_content.py. Chinese words are matched with spaces removed, English ones as words
(case ignored)."""

from __future__ import annotations

import re

FORBIDDEN_TOPICS = (
    "开锁技术",
    "开锁技巧",
    "开锁教程",
    "技术开锁",
    "锡纸开锁",
    "锡纸",
    "插片",
    "单钩",
    "双钩",
    "万能钥匙",
    "拨片",
    "猫眼开锁",
    "撬锁方法",
    "破解",
    "解码器",
    "开锁工具",
    "bump key",
    "bumping",
    "lock picking",
    "lockpicking",
    "pick a lock",
    "picking a lock",
    "lock pick",
    "tension wrench",
    "rake",
    "shim",
    "bypass",
    "decoder",
    "skeleton key",
    "master key",
)

_PATTERNS = [
    (
        word,
        re.compile(r"\b" + re.escape(word).replace(r"\ ", r"\s+"), re.IGNORECASE) if word.isascii() else None,
    )
    for word in FORBIDDEN_TOPICS
]


def forbidden_in(text: str) -> list[str]:
    """The forbidden topics a text mentions, in the list's order."""
    text = text or ""
    squeezed = re.sub(r"\s+", "", text)
    return [
        word
        for word, pattern in _PATTERNS
        if (pattern.search(text) if pattern is not None else word in squeezed)
    ]
