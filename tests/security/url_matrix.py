"""AZ-1: the expected answer of every URL pattern to every role, for a GET and for an empty
POST. The test (test_authorization_matrix.py) fails when a pattern is missing here or an entry
names a pattern that is gone, so a new URL needs a decision about who may use it.

Keys are "namespace:name", or the route itself for an unnamed pattern. Each role's value is
"<GET> <POST>", each one of:

- ok: 2xx, or a redirect to a page other than the login page;
- login: a redirect to the login page;
- denied: 403 or 404 (404 where even the existence of the record is need-to-know);
- method: 405, the method is not accepted;
- invalid: 400, the request got through the access checks and its content was refused.

"moderator" may be left out: it then expects the member's answer (url_matrix.DEFAULTS).

"path" fills the URL's parameters with objects of the test's world: the worker's side lives in
the outreach worker's hotspot, so `other_worker` (another hotspot) asks for records that exist
but are not theirs. Every URL under ADMIN is for the administrator only and is checked as a
group (test_only_the_administrator_reaches_the_admin)."""

from __future__ import annotations

from typing import Any

ROLES = ("anonymous", "member", "worker", "other_worker", "coordinator", "moderator")
# A moderator of safety alerts is a member who also moderates (of another hotspot than the
# member's): an entry that does not name the moderator expects the member's answer.
DEFAULTS = {"moderator": "member"}


def expected_for(entry: dict[str, Any], role: str) -> str:
    """An entry's "<GET> <POST>" for a role, or the answer of the role it defaults to."""
    return str(entry.get(role, entry[DEFAULTS.get(role, role)]))


OUTCOMES = {"ok", "login", "denied", "method", "invalid"}
ADMIN = "admin/"

MATRIX: dict[str, dict[str, Any]] = {
    # --- site ------------------------------------------------------------------------------------
    # Everyone logged in has a home page.
    "home": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Leaves for the neutral site, for anyone, logged in or not. Exempt from the CSRF token (a
    # stale one must never keep someone here): only a POST the browser marks as sent from this
    # site ends the session, which the CSRF test checks instead of a 403.
    "quick_exit": {
        "csrf_exempt": True,
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Public for the load balancer: says only whether the database and broker answer.
    "healthz": {
        "anonymous": "ok method",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    # The offline service worker: public, at the root, holds nothing about anyone.
    "service_worker": {
        "anonymous": "ok method",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    # Public: the language is chosen on the login page too; a GET is sent back.
    "set_language": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # --- accounts --------------------------------------------------------------------------------
    # Closed allauth pages (config/urls.py) shadow allauth's own: all lead to login.
    "accounts/signup/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "accounts/login/code/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "accounts/login/code/confirm/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "accounts/inactive/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "accounts/confirm-email/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # Reminder addresses are kept encrypted on the person's record instead (account_email).
    "accounts/email/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # --- accounts/confirm-email/<str -------------------------------------------------------------
    "accounts/confirm-email/<str:key>/": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # --- accounts --------------------------------------------------------------------------------
    "account_login": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_logout": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Shadowed by the closed page on the same path.
    "account_inactive": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # Shadowed by the closed page on the same path: nobody signs up.
    "account_signup": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "account_reauthenticate": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_request_reauthentication_code": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_confirm_reauthentication_code": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Shadowed by the closed page on the same path: reminder addresses are kept encrypted on
    # the person's record, never in allauth's plain-text table.
    "account_email": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # Shadowed by the closed page on the same path.
    "account_email_verification_sent": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "account_change_password": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_set_password": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_reset_password": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Shadowed by the closed page on the same path.
    "account_confirm_login_code": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    # Leads to login: e-mail confirmation is switched off.
    "account_confirm_email": {
        "anonymous": "login login",
        "member": "login login",
        "worker": "login login",
        "other_worker": "login login",
        "coordinator": "login login",
    },
    "account_reset_password_from_key_done": {
        "anonymous": "ok method",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    "account_reset_password_from_key": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "account_reset_password_done": {
        "anonymous": "ok method",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    "mfa_index": {
        "anonymous": "login login",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    "mfa_authenticate": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "mfa_reauthenticate": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "mfa_activate_totp": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # 404 without an authenticator; with one, reauthentication first.
    "mfa_deactivate_totp": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # No recovery codes in the world: 404 for everyone.
    "mfa_view_recovery_codes": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "denied method",
    },
    "mfa_generate_recovery_codes": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # No recovery codes in the world: 404 for everyone.
    "mfa_download_recovery_codes": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
    },
    "usersessions_list": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # --- members ---------------------------------------------------------------------------------
    "members:user_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # No role check before the method check: 405 on GET, then 404 for non-coordinators.
    "members:user_end_sessions": {
        "path": {"pk": "login"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "members:user_suspend": {
        "path": {"pk": "login"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # The spare login is active: the coordinator is told so and sent back to the list.
    "members:user_reactivate": {
        "path": {"pk": "login"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "members:person_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "members:person_find": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "members:person_register": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Need to know: the other hotspot's worker gets 404, as for a missing record.
    "outreach:person_detail": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:person_edit": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:person_consent": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # Only with a signed token from a code search: without one, 404 (403 for non-workers).
    "members:person_open_outside": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
    },
    "members:duplicate_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:duplicate_resolve": {
        "path": {"pk": "duplicate"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # Former addresses (a person's page, the inbox): a redirect for anyone logged in; the page
    # it leads to decides who may see it.
    "members:person_detail_moved": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "members:inbox_moved": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "reminders:inbox": {
        "anonymous": "login login",
        "member": "ok method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "ok method",
    },
    # The member's own reminder: 404 for everyone else.
    "reminders:inbox_done": {
        "path": {"pk": "reminder"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
        "moderator": "method denied",  # the member's reminder, not theirs
    },
    "reminders:inbox_done_all": {
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method ok",
    },
    # An empty POST is refused as invalid (400).
    "reminders:notification_preferences": {
        "anonymous": "login login",
        "member": "ok invalid",
        "worker": "ok invalid",
        "other_worker": "ok invalid",
        "coordinator": "ok invalid",
    },
    # Stops texts to one's own number (there is no other to name): any login may post.
    "reminders:sms_stop": {
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method ok",
    },
    # The gateway's opt-out callback: open to anonymous senders, exempt from the CSRF token (the
    # gateway has none), but only with the secret SMS_CALLBACK_TOKEN in the path; with any other
    # token, or none set (as here), the page does not exist for anyone, whatever the method.
    "reminders:sms_opt_out": {
        "csrf_exempt": True,
        "anonymous": "denied denied",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
    },
    "members:invitation_create": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "members:invitation_redeem": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Only staff hand out reset codes: a coordinator for any login but their own and an
    # administrator's; a worker only for a member's login of their hotspots (the spare login
    # has no record there: 404).
    "members:reset_code_create": {
        "path": {"pk": "login"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # Public, like the join page; someone logged in is sent home.
    "members:reset_code_redeem": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "members:employment_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:employment_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:employment_edit": {
        "path": {"pk": "employment"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:staffing": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:access_log_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:erasure_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "members:erasure_confirm": {
        "path": {"pk": "erasure"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # My data and its download: every login sees what is held about it, with a record or not.
    "members:own_data": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "members:own_data_download": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Consent and erasure need one's own record: the workers and coordinator of the world have
    # none.
    "members:own_consent": {
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
    },
    "members:erasure_request": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
    },
    # --- outreach --------------------------------------------------------------------------------
    "outreach:hotspot_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "outreach:hotspot_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:hotspot_detail": {
        "path": {"pk": "hotspot"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:hotspot_edit": {
        "path": {"pk": "hotspot"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:size_estimate_create": {
        "path": {"pk": "hotspot"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:assignment_create": {
        "path": {"pk": "hotspot"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:assignment_end": {
        "path": {"pk": "assignment"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:caseload": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # Coordinators may see the form; only workers save contacts.
    "outreach:contact_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok denied",
    },
    # The worker who saved the contact undoes it for a few minutes; POST only.
    "outreach:contact_undo": {
        "path": {"pk": "contact"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method denied",
    },
    "outreach:incident_create": {
        "path": {"pk": "contact"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:incident_detail": {
        "path": {"pk": "incident"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:incident_follow_up": {
        "path": {"pk": "incident"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:risk_assess": {
        "path": {"pk": "person"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # Work without a connection: only outreach workers keep forms on a phone and send what
    # was saved there; an empty sending is refused as unreadable.
    "outreach:outbox": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "denied method",
    },
    "outreach:offline_contact": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "denied method",
    },
    "outreach:offline_referral": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "denied method",
    },
    "outreach:offline_key": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "ok method",
        "other_worker": "ok method",
        "coordinator": "denied method",
    },
    "outreach:offline_send": {
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method invalid",
        "other_worker": "method invalid",
        "coordinator": "method denied",
    },
    "outreach:offline_open": {
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method invalid",
        "other_worker": "method invalid",
        "coordinator": "method denied",
    },
    "outreach:my_week": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Workers report their own day; coordinators are turned away.
    "outreach:zero_report": {
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method denied",
    },
    "outreach:partner_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "outreach:partner_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:partner_edit": {
        "path": {"pk": "partner"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:referral_create": {
        "path": {"person_pk": "person"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:referral_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "outreach:referral_detail": {
        "path": {"pk": "referral"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:referral_attended": {
        "path": {"pk": "referral"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:referral_outcome": {
        "path": {"pk": "referral"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:referral_not_completed": {
        "path": {"pk": "referral"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:tracing_create": {
        "path": {"pk": "referral"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "outreach:activity_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "outreach:activity_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "outreach:activity_detail": {
        "path": {"pk": "activity"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:activity_edit": {
        "path": {"pk": "activity"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "outreach:attendance_add": {
        "path": {"pk": "activity"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method ok",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # An empty POST names no person: 404.
    "outreach:attendance_remove": {
        "path": {"pk": "activity"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
    },
    "outreach:contact_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    # Row-level export (format=rows): coordinators only, GET only.
    "outreach:contact_export": {
        "query": "format=rows",
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    # --- programmes ------------------------------------------------------------------------------
    "programmes:need_list": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Members and workers raise needs; coordinators moderate them.
    "programmes:need_create": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "denied denied",
    },
    "programmes:need_detail": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:need_support": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method denied",
    },
    "programmes:need_unsupport": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method denied",
    },
    "programmes:comment_create": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method ok",
    },
    "programmes:need_hide": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:need_merge": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:need_shortlist": {
        "path": {"pk": "need"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:comment_hide": {
        "path": {"pk": "comment"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:round_list": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # Not on the roll: a refusal page (200), never a ballot.
    "programmes:round_vote": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:round_confirm": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:round_thanks": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:round_results": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:round_trackers": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # A teller's own page: the member is the open round's teller; for anyone else the round has
    # no teller page (404), the coordinator included.
    "programmes:round_teller": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
        "moderator": "denied denied",  # the member is the teller, not the moderator
    },
    "programmes:round_manage_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:round_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:round_manage_detail": {
        "path": {"pk": "round_draft"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:round_edit": {
        "path": {"pk": "round_draft"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:option_create": {
        "path": {"pk": "round_draft"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:option_edit": {
        "path": {"pk": "option"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:option_delete": {
        "path": {"pk": "option"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:round_open": {
        "path": {"pk": "round_draft"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:round_close": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:round_tellers": {
        "path": {"pk": "round_draft"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:round_count": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "programmes:round_in_person": {
        "path": {"pk": "round_open"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:programme_list": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:programme_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:programme_detail": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "programmes:programme_edit": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:programme_signup": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method denied",
    },
    "programmes:programme_follow": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method ok",
        "other_worker": "method ok",
        "coordinator": "method denied",
    },
    "programmes:stage_edit": {
        "path": {"pk": "stage"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:activity_add": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:budget_line_add": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:update_create": {
        "path": {"pk": "programme"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "programmes:you_asked": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # --- monitoring ------------------------------------------------------------------------------
    "monitoring:feedback_create": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "denied denied",
    },
    "monitoring:feedback_thanks": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "monitoring:feedback_with_code": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "monitoring:feedback_codes_create": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    "monitoring:complaint_create": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "denied denied",
    },
    "monitoring:complaint_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "monitoring:complaint_update": {
        "path": {"pk": "complaint"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
    },
    "monitoring:dashboard": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    # Aggregates with small cells hidden: coordinators only, GET only.
    "monitoring:dashboard_export": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    # Computes the dashboard's figures for the filters in its address: coordinators, POST only.
    "monitoring:dashboard_compute": {
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    # Aggregate reports for funders and DHIS2: coordinators, GET only.
    "monitoring:reports": {
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    "monitoring:report_download": {
        "query": "format=csv",
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    # Checks and sends a report to the configured DHIS2: coordinators, POST only. Without
    # DHIS2_URL it says so (a message) and leads back to the reports page.
    "monitoring:report_send": {
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method ok",
    },
    "monitoring:community_results": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
    },
    # The reports people agreed to share with partners or the police: coordinators, GET only.
    "monitoring:incidents_export": {
        "query": "with=police",
        "anonymous": "login login",
        "member": "denied method",
        "worker": "denied method",
        "other_worker": "denied method",
        "coordinator": "ok method",
    },
    # --- safety alerts ---------------------------------------------------------------------------
    # Every login that may report or read alerts; the page only reads.
    "safety:home": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
    # Members report for themselves, staff for someone of their hotspots; an empty send is
    # refused beside the fields (200).
    "safety:report_create": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
    # One's own report (the member's here): nobody else, coordinators included.
    "safety:report_detail": {
        "path": {"pk": "own_report"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
        "moderator": "denied denied",
    },
    # Only the person it is about or whoever wrote it down; POST only.
    "safety:report_withdraw": {
        "path": {"pk": "own_report"},
        "anonymous": "login login",
        "member": "method ok",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
        "moderator": "method denied",
    },
    # Who it happened to: only the staff who support them (the workers of their hotspot and
    # coordinators). Moderators never.
    "safety:report_support": {
        "path": {"pk": "alert"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
        "moderator": "denied denied",
    },
    # An alert of the worker's hotspot: its members and workers, moderators and coordinators.
    "safety:alert_detail": {
        "path": {"pk": "alert"},
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "denied denied",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
    # Any login may check a number (an empty send is refused beside the field).
    "safety:check": {
        "anonymous": "login login",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
    # Moderators only.
    "safety:moderation_list": {
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
        "moderator": "ok ok",
    },
    # Moderators only; an empty send saves the words as they are (a correction).
    "safety:moderation_detail": {
        "path": {"pk": "alert"},
        "anonymous": "login login",
        "member": "denied denied",
        "worker": "denied denied",
        "other_worker": "denied denied",
        "coordinator": "denied denied",
        "moderator": "ok ok",
    },
    # A decision: moderators only, POST only.
    "safety:decide": {
        "path": {"pk": "alert"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
        "moderator": "method ok",
    },
    # A withdrawal by a moderator: moderators only, POST only.
    "safety:moderator_withdraw": {
        "path": {"pk": "alert"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
        "moderator": "method ok",
    },
    # The answer to a removal request: moderators only, POST only.
    "safety:removal_resolve": {
        "path": {"pk": "removal"},
        "anonymous": "login login",
        "member": "method denied",
        "worker": "method denied",
        "other_worker": "method denied",
        "coordinator": "method denied",
        "moderator": "method ok",
    },
    # Open to anyone an alert names wrongly (no login); an empty send is refused (200).
    "safety:removal": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
    # Its thank-you page, open to anyone.
    "safety:removal_sent": {
        "anonymous": "ok ok",
        "member": "ok ok",
        "worker": "ok ok",
        "other_worker": "ok ok",
        "coordinator": "ok ok",
        "moderator": "ok ok",
    },
}
