"""Every customer message goes through `notify.services.customer_notify` / `customer_messages_build`, which
honour the customer's channel choice. A new sender that schedules a message by hand (say SMS regardless)
fails here; the written exceptions are listed with their reason."""

import ast
from pathlib import Path

import fairdesk

SRC = Path(fairdesk.__file__).parent
LOW_LEVEL = {"message_schedule", "message_build", "messages_schedule_many"}
# (file, function) → why it may schedule by hand.
ALLOWED = {
    ("dispatch/services.py", "_tell_technician"): "a job offer to staff (a technician), not to a customer",
    ("accounts/verification.py", "phone_code_send"): "a one-time code verifies the phone: always SMS",
    ("bookings/messages.py", "_flush"): "writes what customer_messages_build built, in one INSERT",
    ("support/messages.py", "sms_reply"): "a conversation the customer started by SMS is answered by SMS, "
    "to the number that wrote (they chose the channel by writing from it)",
    ("complaints/messages.py", "escalated"): "an escalation alert to staff (team leads), not to a customer",
}


def _senders() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("notify/") or "/tests/" in relative or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                sms = any(
                    k.arg == "channel" and isinstance(k.value, ast.Constant) and k.value.value == "sms"
                    for k in node.keywords
                )
                if name in LOW_LEVEL or sms:
                    found.setdefault((relative, function.name), []).append(f"{name} line {node.lineno}")
    return found


def test_customer_messages_are_scheduled_only_through_the_channel_honouring_function():
    by_hand = {where: calls for where, calls in _senders().items() if where not in ALLOWED}
    assert by_hand == {}, "schedule customer messages with notify.services.customer_notify"


def test_the_guard_sees_the_senders_it_allows():
    """The scan is not blind: it finds the allowed senders (a renamed one must be listed again)."""
    assert set(ALLOWED) <= set(_senders())
