"""The audit-log page: who may open it, and which events it shows (status codes and data only;
the page's markup is not this suite's business)."""

from __future__ import annotations

import pytest

from accounts.models import Product, Role, Tier
from auditlog.services import Actor, EventInput, event_record
from tests.factories import EmployeeFactory, MembershipFactory, account_with_tier, member_of

pytestmark = pytest.mark.django_db


def page_url(account) -> str:
    return f"/a/{account.pk}/audit-logs/"


def test_anonymous_is_redirected_to_sign_in(client, account, super_admin, record_event):
    record_event(account, actor=super_admin, object_label="Quarterly forecast")

    response = client.get(page_url(account))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert b"Quarterly forecast" not in response.content


def test_a_member_of_another_account_gets_404(client_for, account, other_account, record_event):
    theirs = member_of(other_account, role=Role.SUPER_ADMIN)
    record_event(other_account, actor=theirs, object_label="Globex merger")
    ours = member_of(account, role=Role.SUPER_ADMIN)

    response = client_for(ours).get(page_url(other_account))

    assert response.status_code == 404
    assert b"Globex merger" not in response.content


def test_an_account_that_does_not_exist_gets_404(client_for, super_admin):
    assert client_for(super_admin).get("/a/987654321/audit-logs/").status_code == 404


def test_a_member_without_audit_log_access_gets_the_no_access_page(
    client_for, account, super_admin, member_without_access, record_event
):
    record_event(account, actor=super_admin, object_label="Board minutes")

    response = client_for(member_without_access).get(page_url(account))

    assert response.status_code == 403
    assert "accounts/no_access.html" in [t.name for t in response.templates]
    assert b"Board minutes" not in response.content


def test_a_member_granted_access_sees_the_log(
    client_for, account, super_admin, member, record_event
):
    record_event(account, actor=super_admin, object_label="Board minutes")

    response = client_for(member).get(page_url(account))

    assert response.status_code == 200
    assert b"Board minutes" in response.content


def test_a_super_admin_sees_their_events_and_never_another_accounts(
    client_for, account, other_account, super_admin, record_event
):
    record_event(account, actor=super_admin, object_label="Northwind renewal", ip="81.2.69.142")
    # The same person is super admin of both accounts: still, each page shows its own account.
    MembershipFactory(account=other_account, user=super_admin, role=Role.SUPER_ADMIN)
    record_event(other_account, actor=super_admin, object_label="Globex takeover")

    client = client_for(super_admin)
    ours = client.get(page_url(account))
    theirs = client.get(page_url(other_account))

    assert ours.status_code == 200 and theirs.status_code == 200
    assert b"Northwind renewal" in ours.content
    assert b"United Kingdom" in ours.content
    assert b"Globex takeover" not in ours.content
    assert b"Globex takeover" in theirs.content
    assert b"Northwind renewal" not in theirs.content


@pytest.mark.parametrize("tier", [Tier.STARTER, Tier.PROFESSIONAL], ids=["starter", "professional"])
def test_below_enterprise_the_page_never_shows_gated_categories(client_for, tier):
    account = account_with_tier(tier, products=(Product.SALES, Product.MARKETING))
    admin = member_of(account, role=Role.SUPER_ADMIN)
    employee = EmployeeFactory()

    def record(actor: Actor, category: str, subcategory: str, action: str, label: str) -> None:
        event_record(
            account=account,
            entry=EventInput(
                category=category,
                subcategory=subcategory,
                action=action,
                actor=actor,
                object_label=label,
            ),
        )

    record(Actor.of_user(admin), "login", "login_succeeded", "login", "Visible login")
    record(Actor.of_user(admin), "security_activity", "two_factor", "enable", "Visible 2FA")
    record(Actor.of_employee(employee), "login", "login_succeeded", "login", "Visible staff login")
    record(Actor.of_user(admin), "crm_objects", "deal", "delete", "Hidden deal")
    record(Actor.of_user(admin), "workflows", "workflow", "update", "Hidden workflow")
    record(Actor.of_employee(employee), "security_activity", "user", "add", "Hidden staff action")

    response = client_for(admin).get(page_url(account))

    assert response.status_code == 200
    content = response.content.decode()
    for label in ("Visible login", "Visible 2FA", "Visible staff login"):
        assert label in content
    for label in ("Hidden deal", "Hidden workflow", "Hidden staff action"):
        assert label not in content


def test_enterprise_shows_every_category_and_employee_actions(
    client_for, account, super_admin, record_event
):
    employee = EmployeeFactory()
    record_event(
        account,
        actor=super_admin,
        category="workflows",
        subcategory="workflow",
        object_label="Lead routing",
    )
    event_record(
        account=account,
        entry=EventInput(
            category="security_activity",
            subcategory="user",
            action="add",
            actor=Actor.of_employee(employee),
            object_label="Staff added a user",
        ),
    )

    content = client_for(super_admin).get(page_url(account)).content.decode()

    assert "Lead routing" in content
    assert "Staff added a user" in content
