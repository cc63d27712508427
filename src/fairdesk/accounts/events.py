"""The event kinds accounts records (declared for core.events; see `manage.py event_kinds`)."""

from fairdesk.core.events import declare

PHONE_CODE_SENT = declare(
    "phone_code.sent",
    app="accounts",
    description="A one-time code was sent to a phone (subject: the code record; the client's IP address).",
    payload={"ip": "code?"},
)
PHONE_CODE_FAILED = declare(
    "phone_code.failed",
    app="accounts",
    description=(
        "A wrong one-time code was entered (subject: the code record): attempts so far, and whether the code"
        " is now burnt (the last guess allowed)."
    ),
    payload={"attempts": "int", "burnt": "bool"},
)
PHONE_CODE_VERIFIED = declare(
    "phone_code.verified",
    app="accounts",
    description="A one-time code was entered correctly (subject: the code record).",
)
STAFF_CREATED = declare(
    "staff.created",
    app="accounts",
    description="A staff account was created with a role (agent, technician, dispatcher, manager).",
    payload={"role": "code"},
)
CUSTOMER_CREATED = declare(
    "customer.created",
    app="accounts",
    description="A customer account was created the first time their verified phone number was seen.",
)
API_TOKEN_CREATED = declare(
    "api_token.created",
    app="accounts",
    description="An API token was issued to a staff user (subject: the token record; its label stays there).",
    payload={"user": "int"},
)
STAFF_LOGIN_FAILED = declare(
    "staff.login_failed",
    app="accounts",
    description="A staff sign-in failed (subject: the account tried; the client's address or empty).",
    payload={"address": "code"},
)
STAFF_LOGIN_THROTTLED = declare(
    "staff.login_throttled",
    app="accounts",
    description="Staff sign-in was refused for too many failures; limit is account or address.",
    payload={"address": "code", "limit": "code", "failures": "int"},
)
