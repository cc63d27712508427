from fairdesk.accounts.permissions import staff_role


def staff(request) -> dict:
    """The signed-in staff member's role for the navigation (None for customers and visitors)."""
    return {"staff_role": staff_role(getattr(request, "user", None))}
