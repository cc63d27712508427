"""Static files served by the application itself (WhiteNoise): compressed copies made by collectstatic, and
a year of caching for files under a content-hashed name (they never change; a new version has a new name)."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise with `Cache-Control: max-age=31536000, public, immutable` on hashed names (its default
    is ten years; a year is what HTTP caches are asked to honour)."""

    FOREVER = ONE_YEAR
