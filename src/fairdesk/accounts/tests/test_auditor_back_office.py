"""The auditor reads everything an audit needs in the back office and can change nothing there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(world):
    client = Client()
    client.force_login(world["staff"]["auditor"])
    return client


def test_the_auditor_sees_every_model_in_the_index(auditor_client):
    page = auditor_client.get("/admin/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "没有查看或编辑的权限" not in text and "permission to view or edit" not in text
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert url in text, url


def test_the_auditor_opens_every_list_and_record_read_only(auditor_client, world):
    for model in admin.site._registry:
        meta = model._meta
        listing = auditor_client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert listing.status_code == 200, meta.label
        assert f"/admin/{meta.app_label}/{meta.model_name}/add/" not in listing.content.decode()
        assert auditor_client.get(f"/admin/{meta.app_label}/{meta.model_name}/add/").status_code == 403
    booking = world["booking"]
    change = auditor_client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    assert change.status_code == 200
    assert booking.reference in change.content.decode()
    assert 'name="_save"' not in change.content.decode()


def test_the_auditor_cannot_write_through_the_back_office(auditor_client, world):
    service_type = world["booking"].service_type
    url = f"/admin/bookings/servicetype/{service_type.pk}/change/"
    response = auditor_client.post(url, {"name": "改名", "code": service_type.code})
    assert response.status_code == 403
    service_type.refresh_from_db()
    assert service_type.name != "改名"
    assert (
        auditor_client.post(
            f"/admin/bookings/servicetype/{service_type.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_technician_gets_no_back_office_view_from_the_role(world):
    client = Client()
    client.force_login(world["staff"]["technician"])
    assert client.get("/admin/bookings/booking/").status_code == 403
