"""The event catalog (SPEC S2): categories, subcategories, actions and the capability each needs.

The one source of truth for what may be recorded and how it is labelled. Codes are stored in the
event table; labels are translated at display time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.entitlements import Capability, Entitlements
from accounts.models import SessionTimeout


@dataclass(frozen=True)
class Action:
    code: str
    label: Promise


@dataclass(frozen=True)
class Subcategory:
    code: str
    label: Promise


@dataclass(frozen=True)
class Category:
    code: str
    label: Promise
    subcategories: tuple[Subcategory, ...]
    capability: Capability = Capability.ALL_CATEGORIES
    note: Promise | None = None
    subcategory_index: dict[str, Subcategory] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "subcategory_index", {s.code: s for s in self.subcategories})


class UnknownEntry(ValueError):
    """A category, subcategory or action that the catalog does not hold."""

    def __init__(self, field_name: str, value: str, *, within: str = "") -> None:
        self.field_name = field_name
        self.value = value
        super().__init__(f"unknown {field_name}: {value!r}" + (f" in {within}" if within else ""))


ACTIONS: tuple[Action, ...] = (
    Action("create", _("Create")),
    Action("update", _("Update")),
    Action("delete", _("Delete")),
    Action("restore", _("Restore")),
    Action("export", _("Export")),
    Action("import", _("Import")),
    Action("login", _("Login")),
    Action("logout", _("Logout")),
    Action("enable", _("Enable")),
    Action("disable", _("Disable")),
    Action("add", _("Add")),
    Action("remove", _("Remove")),
    Action("view", _("View")),
    Action("download", _("Download")),
    Action("approve", _("Approve")),
    Action("reject", _("Reject")),
    Action("send", _("Send")),
    Action("resolve", _("Resolve")),
    Action("reopen", _("Reopen")),
    Action("accept", _("Accept")),
    Action("revoke", _("Revoke")),
    Action("start", _("Start")),
    Action("verify", _("Verify")),
)


def _subs(*pairs: tuple[str, Promise]) -> tuple[Subcategory, ...]:
    return tuple(Subcategory(code, label) for code, label in pairs)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "login",
        _("Login"),
        _subs(
            ("login_succeeded", _("Login succeeded")),
            ("login_failed", _("Login failed")),
            ("logout", _("Logout")),
        ),
        capability=Capability.BASIC_CATEGORIES,
    ),
    Category(
        "security_activity",
        _("Security activity"),
        _subs(
            ("sso", _("Single sign-on")),
            ("two_factor", _("Two-factor authentication")),
            ("import", _("Import")),
            ("export", _("Export")),
            ("user", _("Users")),
            ("admin_rights", _("Admin rights")),
            ("super_admin_rights", _("Super admin rights")),
            ("audit_log_access", _("Audit-log access")),
            ("impersonation", _("Impersonation")),
            ("user_status", _("User deactivation and reactivation")),
            ("email_tracking", _("Email tracking")),
            ("attachment_logging", _("Attachment logging")),
            ("never_log", _("Never log list")),
            ("contact_permanent_delete", _("Permanent contact deletion")),
            ("integration", _("Integration installs")),
            ("manual_email", _("Registration and password-reset emails")),
            ("payments", _("Payments account")),
            ("sandbox", _("Sandboxes")),
            ("login_settings", _("Login settings")),
            ("employee_access", _("Employee access")),
            ("password_reset", _("Password reset")),
            ("invitation", _("Invitations")),
            ("team", _("Teams")),
        ),
        capability=Capability.BASIC_CATEGORIES,
    ),
    Category(
        "approvals",
        _("Approvals"),
        _subs(
            ("approval_request", _("Approval request")),
            ("approval_decision", _("Approval decision")),
        ),
    ),
    Category(
        "communication_preferences",
        _("Communication preferences"),
        _subs(
            ("subscription_type", _("Subscription type")),
            ("subscription_status", _("Subscription status")),
        ),
        note=_("Subscription-type logs exist from 15 April 2025; language variants are not shown."),
    ),
    Category(
        "content_activity",
        _("Content activity"),
        _subs(
            ("page", _("Pages")),
            ("blog_post", _("Blog posts")),
            ("email", _("Marketing emails")),
            ("file", _("Files")),
            ("template", _("Templates")),
        ),
    ),
    Category(
        "crm_objects",
        _("CRM objects"),
        _subs(
            ("contact", _("Contact")),
            ("company", _("Company")),
            ("deal", _("Deal")),
            ("ticket", _("Ticket")),
            ("custom_object", _("Custom object")),
        ),
    ),
    Category(
        "crm_object_association",
        _("CRM object association"),
        _subs(
            ("association", _("Association")),
        ),
    ),
    Category(
        "crm_association_definition",
        _("CRM object association definition updated"),
        _subs(
            ("association_definition", _("Association definition")),
        ),
    ),
    Category(
        "custom_object_association",
        _("Custom object association"),
        _subs(
            ("custom_association", _("Custom object association")),
        ),
    ),
    Category(
        "customer_agent",
        _("Customer agent actions"),
        _subs(
            ("agent_configuration", _("Agent configuration")),
            ("agent_knowledge", _("Agent knowledge sources")),
        ),
    ),
    Category(
        "privacy_requests",
        _("Privacy requests"),
        _subs(
            ("data_access", _("Data access request")),
            ("data_deletion", _("Data deletion request")),
        ),
    ),
    Category(
        "lists",
        _("Lists"),
        _subs(("static_list", _("Static list")), ("active_list", _("Active list"))),
    ),
    Category(
        "meetings",
        _("Meetings"),
        _subs(("meeting_link", _("Meeting link")), ("meeting", _("Meeting"))),
    ),
    Category(
        "multi_account",
        _("Multi-account management"),
        _subs(
            ("linked_account", _("Linked account")),
            ("shared_asset", _("Shared asset")),
        ),
    ),
    Category(
        "pipeline_changes",
        _("Pipeline changes"),
        _subs(("pipeline", _("Pipeline")), ("pipeline_stage", _("Pipeline stage"))),
    ),
    Category(
        "property_updates",
        _("Property updates"),
        _subs(
            ("property_definition", _("Property definition")),
            ("property_group", _("Property group")),
        ),
    ),
    Category(
        "value_updates",
        _("Value updates"),
        _subs(
            ("property_value", _("Property value")),
        ),
    ),
    Category(
        "record_creation_form",
        _("Record creation form"),
        _subs(
            ("creation_form", _("Creation form")),
        ),
    ),
    Category(
        "salesforce_activity",
        _("Salesforce activity"),
        _subs(
            ("salesforce_sync", _("Salesforce sync")),
            ("salesforce_settings", _("Salesforce settings")),
        ),
    ),
    Category(
        "sensitive_properties",
        _("Sensitive properties"),
        _subs(
            ("sensitive_value_view", _("Sensitive value viewed")),
            ("sensitive_setting", _("Sensitive data setting")),
        ),
    ),
    Category(
        "settings",
        _("Settings"),
        _subs(
            ("account_defaults", _("Account defaults")),
            ("user_preferences", _("User preferences")),
            ("notifications", _("Notification settings")),
        ),
    ),
    Category(
        "workflows",
        _("Workflows"),
        _subs(("workflow", _("Workflow")), ("workflow_action", _("Workflow action"))),
    ),
    # The console's own activity: opening and filtering the log, managing views.
    Category(
        "audit_logs",
        _("Audit log activity"),
        _subs(
            ("log_view", _("Audit log viewed")),
            ("saved_view", _("Saved view")),
            ("comment", _("Comment")),
            ("log_verification", _("Log verification")),
        ),
    ),
)

# What an event acted on. The platform may send other types too; those show as their code,
# humanised ("payments_account" → "Payments account").
OBJECT_TYPES: dict[str, Promise] = {
    "contact": _("Contact"),
    "company": _("Company"),
    "deal": _("Deal"),
    "ticket": _("Ticket"),
    "custom_object": _("Custom object"),
    "quote": _("Quote"),
    "list": _("List"),
    "user": _("User"),
    "meeting": _("Meeting"),
    "meeting_link": _("Meeting link"),
    "workflow": _("Workflow"),
    "email": _("Marketing email"),
    "email_address": _("Email address"),
    "page": _("Page"),
    "blog_post": _("Blog post"),
    "file": _("File"),
    "template": _("Template"),
    "property": _("Property"),
    "property_group": _("Property group"),
    "pipeline": _("Pipeline"),
    "pipeline_stage": _("Pipeline stage"),
    "import": _("Import"),
    "crm_export": _("CRM export"),
    "audit_log_export": _("Audit log export"),
    "employee_access_export": _("Employee access history export"),
    "audit_log_view": _("Audit log view"),
    "saved_view": _("Saved view"),
    "comment": _("Comment"),
    "log_verification": _("Log verification"),
    "knowledge_source": _("Knowledge source"),
    "customer_agent": _("Customer agent"),
    "creation_form": _("Record creation form"),
    "subscription_type": _("Subscription type"),
    "association_definition": _("Association definition"),
    "account": _("Account"),
    "linked_account": _("Linked account"),
    "integration": _("Integration"),
    "app": _("App"),
    "sandbox": _("Sandbox"),
    "shared_asset": _("Shared asset"),
    "setting": _("Setting"),
    "payments_account": _("Payments account"),
    "sso": _("Single sign-on"),
    "login_settings": _("Login settings"),
    "invitation": _("Invitation"),
    "team": _("Team"),
}

CATEGORY_INDEX: dict[str, Category] = {c.code: c for c in CATEGORIES}
ACTION_INDEX: dict[str, Action] = {a.code: a for a in ACTIONS}
# The 22 categories of the platform around the console (the seed's list); the rest are its own.
PLATFORM_CATEGORIES: tuple[str, ...] = tuple(c.code for c in CATEGORIES if c.code != "audit_logs")

# The actions each subcategory records: what recording accepts, and what the Action filter offers
# once a category (or subcategory) is chosen.
_RECORDED_ACTIONS: dict[str, dict[str, str]] = {
    "login": {"login_succeeded": "login", "login_failed": "login", "logout": "logout"},
    "security_activity": {
        "sso": "enable disable update",
        "two_factor": "enable disable update",
        "import": "import",
        "export": "export download",
        "user": "add remove",
        "admin_rights": "add remove update",
        "super_admin_rights": "add remove",
        "audit_log_access": "add remove",
        "impersonation": "login logout",
        "user_status": "enable disable",
        "email_tracking": "enable disable",
        "attachment_logging": "enable disable",
        "never_log": "add remove",
        "contact_permanent_delete": "delete",
        "integration": "add remove update",
        "manual_email": "send",
        "payments": "create update send",
        "sandbox": "create update delete",
        "login_settings": "update",
        "password_reset": "send update",
        "employee_access": "enable disable",
        "invitation": "send accept revoke",
        "team": "create update delete add remove",
    },
    "approvals": {"approval_request": "create send", "approval_decision": "approve reject"},
    "communication_preferences": {
        "subscription_type": "create update delete",
        "subscription_status": "update",
    },
    "content_activity": {
        "page": "create update delete",
        "blog_post": "create update delete",
        "email": "create update delete send",
        "file": "add remove download",
        "template": "create update delete",
    },
    "crm_objects": {
        sub: "create update delete restore"
        for sub in ("contact", "company", "deal", "ticket", "custom_object")
    },
    "crm_object_association": {"association": "add remove"},
    "crm_association_definition": {"association_definition": "create update delete"},
    "custom_object_association": {"custom_association": "add remove"},
    "customer_agent": {
        "agent_configuration": "enable disable update",
        "agent_knowledge": "add remove update",
    },
    "privacy_requests": {
        "data_access": "create export",
        "data_deletion": "create approve reject delete",
    },
    "lists": {
        "static_list": "create update delete add remove",
        "active_list": "create update delete",
    },
    "meetings": {"meeting_link": "create update delete", "meeting": "create update delete"},
    "multi_account": {"linked_account": "add remove", "shared_asset": "add remove update"},
    "pipeline_changes": {
        "pipeline": "create update delete",
        "pipeline_stage": "create update delete",
    },
    "property_updates": {
        "property_definition": "create update delete",
        "property_group": "create update delete",
    },
    "value_updates": {"property_value": "update"},
    "record_creation_form": {"creation_form": "create update"},
    "salesforce_activity": {
        "salesforce_sync": "update import export",
        "salesforce_settings": "enable disable update",
    },
    "sensitive_properties": {
        "sensitive_value_view": "view",
        "sensitive_setting": "enable disable update",
    },
    "settings": {
        "account_defaults": "update",
        "user_preferences": "update",
        "notifications": "update",
    },
    "workflows": {
        "workflow": "create update delete enable disable",
        "workflow_action": "add remove update enable disable",
    },
    "audit_logs": {
        "log_view": "view",
        "saved_view": "create update delete",
        "comment": "create update delete resolve reopen",
        # A super admin starts a verification of the chain; its outcome is recorded when done.
        "log_verification": "start verify",
    },
}
RECORDED_ACTIONS: dict[tuple[str, str], frozenset[str]] = {
    (category_code, sub): frozenset(actions.split())
    for category_code, subs in _RECORDED_ACTIONS.items()
    for sub, actions in subs.items()
}


def category(code: str) -> Category:
    try:
        return CATEGORY_INDEX[code]
    except KeyError:
        raise UnknownEntry("category", code) from None


def validate(*, category_code: str, subcategory_code: str, action_code: str) -> Category:
    """Check an event's classification against the catalog; raise UnknownEntry naming the field."""
    cat = category(category_code)
    if subcategory_code not in cat.subcategory_index:
        raise UnknownEntry("subcategory", subcategory_code)
    if action_code not in ACTION_INDEX:
        raise UnknownEntry("action", action_code)
    if action_code not in RECORDED_ACTIONS.get((category_code, subcategory_code), ()):
        raise UnknownEntry("action", action_code, within=subcategory_code)
    return cat


@functools.lru_cache(maxsize=256)
def actions_for(category_code: str = "", subcategory_code: str = "") -> tuple[Action, ...]:
    """The actions recorded in a category, or in one of its subcategories, in the catalog's
    order; every action when no category is chosen (an unknown code has none)."""
    if not category_code:
        return ACTIONS
    cat = CATEGORY_INDEX.get(category_code)
    if cat is None:
        return ()
    subs = [subcategory_code] if subcategory_code else list(cat.subcategory_index)
    recorded = set().union(*(RECORDED_ACTIONS.get((category_code, sub), ()) for sub in subs))
    return tuple(a for a in ACTIONS if a.code in recorded)


def label_of(kind: str, code: str) -> str:
    """The translated label of a stored code; an unknown code shows as itself."""
    return _label_in(kind, code, get_language())


@functools.lru_cache(maxsize=4096)
def _label_in(kind: str, code: str, language: str | None) -> str:
    # Every row of every page shows several labels; each is translated once per language.
    if kind == "object_type":
        known = OBJECT_TYPES.get(code)
        return str(known) if known else code.replace("_", " ").capitalize()
    if kind == "field":
        field_label = FIELD_LABELS.get(code)
        return str(field_label) if field_label else as_words(code)
    if kind == "login_type":
        login_type = LOGIN_TYPES.get(code)
        return str(login_type) if login_type else code
    entry: Category | Subcategory | Action | None
    if kind == "category":
        entry = CATEGORY_INDEX.get(code)
    elif kind == "action":
        entry = ACTION_INDEX.get(code)
    else:
        entry = next(
            (c.subcategory_index[code] for c in CATEGORIES if code in c.subcategory_index), None
        )
    return str(entry.label) if entry else code


def categories_for(entitlements: Entitlements) -> list[tuple[Category, bool, str]]:
    """Each category with whether the account's tier allows it and, if not, why."""
    return [
        (c, entitlements.allows(c.capability), entitlements.reason(c.capability))
        for c in CATEGORIES
    ]


def value_label(key: str, value: str) -> str | None:
    """The translated name of a stored metadata value that has one (an export's kind, a deal
    stage), else None: the value shows as it was recorded."""
    known = VALUE_LABELS.get((key, value))
    return str(known) if known is not None else None


def as_words(code: str) -> str:
    """A key the catalog does not name, as words: "payout_account" and "payoutAccount" become
    "Payout account"; acronyms stay as they are."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", " ", code).replace("_", " ").replace("-", " ")
    words = [word if word.isupper() else word.lower() for word in spaced.split()]
    if not words:
        return code
    text = " ".join(words)
    return text[0].upper() + text[1:]


# How sign-ins were made, as events store them (the sign-in form stores "Email and password").
# Brand names (Google, Microsoft) are not listed: they show as stored.
LOGIN_TYPES: dict[str, Promise] = {
    "Email and password": _("Email and password"),
    "Employee access": _("Employee access"),
    "SSO": _("Single sign-on"),
}

# The keys of events' metadata and the properties a change names, as the Details tab shows them.
# Keys are stored, never labels; a key not listed here shows as words (`as_words`).
FIELD_LABELS: dict[str, Promise] = {
    # Written by the console itself
    "view": pgettext_lazy("a saved view of the log", "View"),
    "view_name": pgettext_lazy("a saved view of the log", "View"),
    "filters": _("Filters"),
    "export_job_id": pgettext_lazy("an export job", "Export"),
    "downloaded_export_job_id": _("Downloaded export"),
    "kind": _("Type"),
    "whole_log": _("Whole log"),
    "period_start": _("From"),
    "period_end": _("To"),
    "rows_estimate": _("Estimated rows"),
    "rows": _("Rows"),
    "content_excluded": _("Content activity left out"),
    "attempted_email": _("Email address tried"),
    "delete_event_id": _("Deletion event"),
    "event_id": _("Commented event"),
    "thread_id": _("Thread"),
    "body": _("Comment"),
    "resolved": _("Resolved"),
    "name": _("Name"),
    "sharing": _("Sharing"),
    "full_name": _("Full name"),
    "language": _("Language"),
    "time_zone": _("Time zone"),
    "multiple_exports": _("Multiple exports"),
    "multiple_exports_threshold": _("Exports per day"),
    "removed_admin_rights": _("Removed admin rights"),
    "audit_log_access": _("Audit-log access"),
    "teams": _("Teams"),
    "members": _("Members"),
    "member": _("Member"),
    "member_email": _("Member's email"),
    "invitation_id": _("Invitation"),
    "invited_by": _("Invited by"),
    "expires_at": _("Expires"),
    "resent": _("Sent again"),
    "associations_restored": _("Associations restored"),
    "deleted_at": _("Deleted at"),
    "deleted_by": _("Deleted by"),
    "deleted_from": _("Deleted from"),
    "properties": _("Properties"),
    # Sent by the platform with its events
    "source": _("Source"),
    "reason": _("Reason"),
    "remember_me": _("Remember me"),
    "two_factor": _("Two-factor authentication"),
    "association": _("Association"),
    "to_label": _("Associated with"),
    "to_type": _("Associated object type"),
    "to_id": _("Associated object"),
    "salesforce_id": _("Salesforce ID"),
    "direction": _("Direction"),
    "attendees": _("Attendees"),
    "starts_at": _("Starts at"),
    "object": _("Object"),
    "legal_basis": _("Legal basis"),
    "type": _("Type"),
    "size": _("Size"),
    "format": _("Format"),
    "property": _("Property"),
    "step": _("Step"),
    "contacts": _("Contacts"),
    "approver": _("Approver"),
    "duration_minutes": _("Duration (minutes)"),
    "file": _("File"),
    "created": _("Created"),
    "updated": _("Updated"),
    "errors": _("Errors"),
    "calendar": _("Calendar"),
    "method": _("Method"),
    "scope": _("Scope"),
    "scopes": _("Scopes"),
    "request_id": _("Request ID"),
    "received_via": _("Received via"),
    "recipient": _("Recipient"),
    "recipients": _("Recipients"),
    "email_type": _("Email type"),
    "pages": _("Pages"),
    "list": _("List"),
    "purpose": _("Purpose"),
    "role": _("Role"),
    "app": _("App"),
    "channel": _("Channel"),
    "shared_with": _("Shared with"),
    "object_sync": _("Synced object"),
    "objects_synced": _("Objects synced"),
    "operation": _("Operation"),
    "account": _("Account"),
    "impersonated": _("Impersonated user"),
    "processor": _("Processor"),
    "provider": _("Provider"),
    "required": _("Required"),
    # Properties of records and settings
    "lifecyclestage": _("Lifecycle stage"),
    "dealstage": _("Deal stage"),
    "dealname": _("Deal name"),
    "lead_status": _("Lead status"),
    "closedate": _("Close date"),
    "amount": _("Amount"),
    "annualrevenue": _("Annual revenue"),
    "numberofemployees": _("Number of employees"),
    "jobtitle": _("Job title"),
    "firstname": _("First name"),
    "lastname": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "company": _("Company"),
    "city": _("City"),
    "country": _("Country"),
    "state": _("State"),
    "status": _("Status"),
    "owner": _("Owner"),
    "industry": _("Industry"),
    "domain": _("Domain"),
    "pipeline": _("Pipeline"),
    "priority": _("Priority"),
    "subject": _("Subject"),
    "currency": _("Currency"),
    "title": _("Title"),
    "label": _("Label"),
    "options": _("Options"),
    "tone": _("Tone"),
    "probability": _("Probability"),
    "origin": _("Origin"),
    "destination": _("Destination"),
    "carrier": _("Carrier"),
    "weight_kg": _("Weight (kg)"),
    "cover_sheet": _("Cover sheet"),
    "enrollment_trigger": _("Enrollment trigger"),
    "approval_status": _("Approval status"),
    "required_fields": _("Required fields"),
    "email_tracking": _("Email tracking"),
    "attachment_logging": _("Attachment logging"),
    "default_home_page": _("Default home page"),
    "daily_digest": _("Daily digest"),
    "deal_won_alert": _("Deal won alert"),
    "email_on_mention": _("Email when mentioned"),
    "number_format": _("Number format"),
    "date_format": _("Date format"),
    "sync_frequency": _("Sync frequency"),
    "fiscal_year_start": _("Fiscal year start"),
    "company_domain": _("Company domain"),
    "employee_access_allowed": _("Employee access allowed"),
    "session_timeout": _("Session timeout"),
    "two_factor_required": _("Two-factor authentication required"),
}

# Stored values that are codes rather than words, per key. Other values show as recorded.
VALUE_LABELS: dict[tuple[str, str], Promise] = {
    ("kind", "audit_log"): _("Audit log"),
    ("kind", "employee_access"): _("Employee access history"),
    ("sharing", "private"): _("Private"),
    ("sharing", "everyone"): _("Everyone in the account"),
    ("language", "en"): _("English"),
    ("language", "nl"): _("Dutch"),
    # Sign-ins: how the second factor was given, and why an attempt failed or a session ended.
    ("two_factor", "authenticator_app"): _("Authenticator app"),
    ("two_factor", "backup_code"): _("Backup code"),
    ("reason", "locked out"): _("Locked out after too many failed attempts"),
    ("reason", "wrong code"): _("Wrong two-factor code"),
    ("reason", "code already used"): _("Two-factor code already used"),
    ("reason", "too many attempts"): _("Too many two-factor codes in a row"),
    ("reason", "session timeout"): _("Session timed out"),
    ("session_timeout", "none"): _("No timeout"),
    **{("session_timeout", str(choice.value)): choice.label for choice in SessionTimeout},
    ("role", "super_admin"): _("Super admin"),
    ("role", "admin"): _("Admin"),
    ("role", "member"): _("Member"),
    ("status", "active"): _("Active"),
    ("status", "deactivated"): _("Deactivated"),
    ("email_type", "password_reset"): _("Password reset"),
    ("lifecyclestage", "subscriber"): _("Subscriber"),
    ("lifecyclestage", "lead"): _("Lead"),
    ("lifecyclestage", "marketingqualifiedlead"): _("Marketing qualified lead"),
    ("lifecyclestage", "salesqualifiedlead"): _("Sales qualified lead"),
    ("lifecyclestage", "opportunity"): _("Opportunity"),
    ("lifecyclestage", "customer"): _("Customer"),
    ("lifecyclestage", "evangelist"): _("Evangelist"),
    ("lifecyclestage", "other"): _("Other"),
    ("dealstage", "appointmentscheduled"): _("Appointment scheduled"),
    ("dealstage", "qualifiedtobuy"): _("Qualified to buy"),
    ("dealstage", "presentationscheduled"): _("Presentation scheduled"),
    ("dealstage", "decisionmakerboughtin"): _("Decision maker bought in"),
    ("dealstage", "contractsent"): _("Contract sent"),
    ("dealstage", "closedwon"): _("Closed won"),
    ("dealstage", "closedlost"): _("Closed lost"),
}
