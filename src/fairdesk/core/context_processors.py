from django.conf import settings


def business(request) -> dict:
    return {"NATIONAL_HOTLINE": settings.FAIRDESK_NATIONAL_HOTLINE}
