from __future__ import annotations

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create


@pytest.fixture
def support_world(db):
    """The demo answers, two customers, two agents with API tokens, a JSON client for each."""
    from django.test import Client

    from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
    from fairdesk.support.demo import load_demo

    load_demo()
    a = customer_get_or_create(phone="13800000011", name="A")
    b = customer_get_or_create(phone="13800000012", name="B")
    agents = [
        staff_create(
            phone=f"1390000001{n}", name=f"agent{n}", role=Role.AGENT, password="a-long-staff-password"
        )
        for n in (1, 2)
    ]
    tokens = [api_token_create(user=agent) for agent in agents]

    def customer_client(customer):
        client = Client()
        session = client.session
        session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
        session.save()
        return client

    return {
        "a": a,
        "b": b,
        "agents": agents,
        "tokens": tokens,
        "client_a": customer_client(a),
        "client_b": customer_client(b),
        "customer_client": customer_client,
    }


def post(client, url, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def agent_post(world, n, url, body=None):
    """A POST with agent n's Bearer token (no session)."""
    from django.test import Client

    return post(Client(), url, body, Authorization=f"Bearer {world['tokens'][n]}")
