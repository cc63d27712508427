"""`audit_fairness` passes on the demo configuration and names every deliberately unfair term; the same rules
refuse those terms in model validation, the admin and the API."""

import datetime as dt
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from fairdesk.plans.models import ChangeRule, PlanPrice, PlanSettings
from fairdesk.plans.selectors import plan_settings

pytestmark = pytest.mark.django_db


def run_audit(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_fairness")
    return exit_info.value.code, capsys.readouterr().out


def test_the_demo_configuration_passes(catalog, capsys):
    call_command("audit_fairness")
    assert "no unfair terms found" in capsys.readouterr().out


def unfair_downgrade_rule():
    ChangeRule.objects.update(applies_to="downgrade", effective="end_of_period")
    ChangeRule.objects.create(applies_to="upgrade", effective="immediate", is_active=False)


def unfair_last_days():
    ChangeRule.objects.update(only_in_last_days=3)


def unfair_two_rules():
    ChangeRule.objects.create(applies_to="all", effective="end_of_period", is_active=False)
    ChangeRule.objects.update(is_active=False)


def unfair_auto_renew():
    PlanSettings.objects.update(auto_renew_default=True)


def unfair_late_notice():
    PlanSettings.objects.update(renewal_notice_days=2)


def unfair_long_cancel():
    terms = plan_settings()
    terms.flows["cancel"] = ["choose", "survey", "preview"]
    PlanSettings.objects.filter(pk=terms.pk).update(flows=terms.flows)


def unfair_credit_only():
    PlanSettings.objects.update(refund_methods=["credit"])


def unfair_price_without_notice():
    price = PlanPrice.objects.get(plan__code="basic", period="month", version=1)
    now = dt.datetime.now(dt.UTC)
    PlanPrice.objects.create(
        plan=price.plan, period="month", version=2, amount_fen=2_900, announced_at=now, effective_from=now
    )


@pytest.mark.parametrize(
    ("make_unfair", "code"),
    [
        (unfair_downgrade_rule, "direction_rule"),
        (unfair_last_days, "timing_rule"),
        (unfair_two_rules, "rule_count"),
        (unfair_auto_renew, "auto_renew_default"),
        (unfair_late_notice, "late_renewal_notice"),
        (unfair_long_cancel, "unequal_path"),
        (unfair_credit_only, "refund_forced_to_credit"),
        (unfair_price_without_notice, "price_without_notice"),
    ],
)
def test_each_unfair_term_is_found(catalog, capsys, make_unfair, code):
    make_unfair()  # written past validation, as a bad import or raw SQL would
    status, out = run_audit(capsys)
    assert status == 1 and f"[{code}]" in out and "plans." in out


def test_validation_refuses_unfair_rules_and_terms(catalog):
    with pytest.raises(ValidationError):
        ChangeRule(applies_to="downgrade", effective="end_of_period", is_active=False).full_clean()
    with pytest.raises(ValidationError):
        ChangeRule(applies_to="all", effective="immediate", only_in_last_days=3, is_active=False).full_clean()
    terms = plan_settings()
    terms.refund_methods = ["credit"]
    with pytest.raises(ValidationError):
        terms.full_clean()
    terms.refund_methods, terms.auto_renew_default = ["original", "credit"], True
    with pytest.raises(ValidationError):
        terms.full_clean()


def test_the_admin_refuses_a_direction_rule(client, catalog):
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import staff_create

    manager = staff_create(
        phone="13500000099", name="王经理", role=Role.MANAGER, password="a-long-password-1"
    )
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    rule = ChangeRule.objects.get()
    response = client.post(
        f"/admin/plans/changerule/{rule.pk}/change/",
        {
            "applies_to": "cancel",
            "effective": "end_of_period",
            "only_in_last_days": "",
            "is_active": "on",
            "updated_at_0": "2026-12-01",
            "updated_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert ChangeRule.objects.get().applies_to == "all"


def test_the_command_exits_non_zero_as_a_process(catalog, tmp_path):
    """The exit status is what a CI job or an auditor's script reads (checked on a fresh demo database)."""
    import os

    db = tmp_path / "audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "true"}
    from fairdesk.testing.liveserver import REPO

    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "shell", "-c", "from fairdesk.plans.demo import plans_load_demo; plans_load_demo()"],
        env=env,
        check=True,
    )
    assert subprocess.run([*manage, "audit_fairness"], env=env).returncode == 0
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from fairdesk.plans.models import PlanSettings as S; S.objects.update(auto_renew_default=True)",
        ],
        env=env,
        check=True,
    )
    result = subprocess.run([*manage, "audit_fairness"], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "auto_renew_default" in result.stdout


def test_the_api_refuses_a_direction_or_timing_rule(client, catalog):
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import api_token_create, staff_create

    manager = staff_create(
        phone="13500000098", name="赵经理", role=Role.MANAGER, password="a-long-password-1"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=manager)}"}

    def post(body):
        return client.post("/api/v1/plans/change-rule", body, content_type="application/json", **headers)

    refused = post({"effective": "end_of_period", "applies_to": "downgrade"})
    assert refused.status_code == 422 and refused.json()["code"] == "unfair_rule"
    assert post({"effective": "immediate", "only_in_last_days": 3}).status_code == 422
    assert ChangeRule.objects.get(is_active=True).effective == "immediate"
    accepted = post({"effective": "end_of_period"})
    assert accepted.status_code == 200 and ChangeRule.objects.get(is_active=True).effective == "end_of_period"
