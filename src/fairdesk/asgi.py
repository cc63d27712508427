"""ASGI entry point: HTTP (the same Django app as fairdesk.wsgi) and the live channel's WebSocket `/ws/live/`.

Production serves HTTP with gunicorn (fairdesk.wsgi) and runs this module in a separate `live` process
(`uvicorn fairdesk.asgi:application`, deploy/live.sh) that the reverse proxy sends `/ws/` to;
`manage.py serve` (`make run`) serves both from this module in one process, so the in-memory channel layer
works there.
"""

import os
import warnings
from types import SimpleNamespace

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairdesk.settings")
# WhiteNoise (core/static.py) hands Django a file iterator that the ASGI handler reads in a thread: fine for
# the static files `make run` serves this way (production serves them from gunicorn or nginx).
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
# Sets Django up (apps loaded) before anything below imports models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib import auth  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from fairdesk.accounts.sessions import page_actor  # noqa: E402
from fairdesk.core import live  # noqa: E402


def live_actor(scope: dict):
    """Who is on the socket now: the page's actor (staff member or verified-phone customer) from the Django
    session, read afresh for each subscription, so a sign-out or a changed session counts at once."""
    key = getattr(scope.get("session"), "session_key", None)
    session = import_string(settings.SESSION_ENGINE + ".SessionStore")(session_key=key)
    user = auth.get_user(SimpleNamespace(session=session))
    return page_actor(SimpleNamespace(session=session, user=user))


websocket_urlpatterns = [path("ws/live/", live.LiveConsumer.as_asgi(resolve_actor=live_actor))]

live.serving()  # this process holds the sockets: its in-memory layer is the one to publish on
application = ProtocolTypeRouter(
    {
        # Under `manage.py serve` the workers' messages come in through the relay (core/live.py).
        "http": live.relay_application(django_application),
        # The browser's Origin must be in ALLOWED_HOSTS (a cross-site page cannot ride the session cookie).
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
