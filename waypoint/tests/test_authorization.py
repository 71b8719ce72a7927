"""The authorization matrix: every route × every HTTP method × every persona × every label.

Personas are every role of the owner organisation, of a partner organisation (a standing
sharing agreement and named on the records) and of an unrelated participating organisation,
plus a user named on the strictly shared record, a user without organisation, the platform
administrator and an anonymous visitor. Every URL pattern of the staff site and the REST API must
have a policy row below, or the test fails; any answer other than the policy's fails.

Requests to the API carry the persona's API token (members of an organisation hold one; the
others have none to send) besides the signed-in session, which the API ignores. Writes send a
valid document and are rolled back after the answer, so that every persona meets the same records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from waypoint.api.actions import create_token
from waypoint.api.models import ApiToken
from waypoint.bulk.models import ImportJob
from waypoint.cases.models import Incident, Label
from waypoint.orgs.models import Organisation, Role, SharingAgreement
from waypoint.returns import actions as return_actions
from waypoint.returns.models import Questionnaire, ReportingCommunity, Return
from waypoint.test import BaseTestCase
from waypoint.web.models import SavedFilter
from waypoint.web.tests.helpers import quiet

METHODS = ("GET", "POST", "PUT", "DELETE")
RELATIONS = ("own", "partner", "other")


@dataclass(frozen=True)
class Persona:
    name: str
    relation: str  # own, own_named, partner, other, none, platform, anonymous
    role: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.relation != "anonymous"


PERSONAS = (
    *(Persona(f"{relation}_{role}", relation, role) for relation in RELATIONS for role in Role),
    Persona("own_named", "own_named", Role.ANALYST),
    Persona("no_org", "none"),
    Persona("platform", "platform"),
    Persona("anonymous", "anonymous"),
)

# Who sees an incident of organisation "own", by label (see docs/security.md).
SEES = {
    Label.AMBER_STRICT: {"own_named"},
    Label.RED: {"own", "own_named"},
    Label.AMBER: {"own", "own_named", "partner"},
    Label.GREEN: {"own", "own_named", "partner", "other"},
}

LOGIN = 302  # a signed-out visitor is sent to the login page
NOT_ALLOWED = 405
Expectation = Callable[[Persona, str, Any], int | tuple[int, ...]]


# The staff site refuses methods it never uses before any view runs (PUT, DELETE, …), and a
# view refuses a method it does not use with 405 whoever asks: neither reveals anything.


def page(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """A GET-only page for every signed-in user."""
    if method != "GET":
        return NOT_ALLOWED
    return 200 if persona.signed_in else LOGIN


def form(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """A page with a form for signed-in users: shown on GET, re-shown or done on POST."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if method == "GET" else (200, 302)


def post_only(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    if method != "POST":
        return NOT_ALLOWED
    return (200, 302) if persona.signed_in else LOGIN


def incident(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if persona.relation in SEES[label] else 404


def reveal(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Only members of the owner who see the record may ask to reveal a protected value; to a
    partner the page does not exist. (The POST here carries no reason, so the form comes back.)"""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    owner = persona.relation in ("own", "own_named")
    return 200 if owner and persona.relation in SEES[label] else 404


def sign_in(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    if method == "GET":
        return 302 if persona.signed_in else 200
    if method == "POST":
        return (200, 302)
    return NOT_ALLOWED


def sign_in_code(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    # Without a password accepted first there is no code to give: back to the login page.
    return 302 if method in ("GET", "POST") else NOT_ALLOWED


def sign_out(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return 302 if method == "POST" else NOT_ALLOWED


def language(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return 302 if method in ("GET", "POST") else NOT_ALLOWED


def audit_log(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    # Auditors read their organisation's events; the platform administrator reads the events of
    # platform administration (never views of case content).
    auditor = persona.role == Role.AUDITOR and persona.relation != "own_named"
    return 200 if auditor or persona.relation == "platform" else 404


def token_page(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Revoking a token from the account page: only its user finds it (the URL names a token of
    ``own_analyst``)."""
    if method != "POST":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 302 if persona.name == TOKEN_OWNER else 404


def records(persona: Persona) -> bool:
    """Whether the persona records for an organisation of its own (reporters, administrators)."""
    return persona.relation in RELATIONS and persona.role in RECORDERS


def imports_page(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The imports page: for whoever records for an organisation; to anyone else it does not
    exist. (The POST here carries no file, so the form comes back.)"""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if records(persona) else 404


def import_download(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The template of the native layout, for whoever records for an organisation."""
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if records(persona) else 404


def import_job_page(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """An import of "own" (its page, progress and error report): only its organisation's
    recorders find it."""
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if records(persona) and persona.relation == "own" else 404


def import_rejected_rows(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The rejected rows of an import that kept some; the matrix's import kept none."""
    if method != "GET":
        return NOT_ALLOWED
    return 404 if persona.signed_in else LOGIN


def administers(persona: Persona) -> bool:
    return persona.relation in RELATIONS and persona.role == Role.ORG_ADMIN


def org_admin_index(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Administration: an administrator of one organisation is sent on to its page."""
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 302 if administers(persona) else 404


def org_admin_get(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return _org_admin(persona, method, {"GET": 200})


def org_admin_form(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return _org_admin(persona, method, {"GET": 200, "POST": 200})


def org_admin_post(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return _org_admin(persona, method, {"POST": 200})


def org_admin_redirect(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return _org_admin(persona, method, {"POST": 302})


def _org_admin(persona: Persona, method: str, answers: dict[str, int]) -> int:
    """A page of "own"'s administration: only its administrators find it. The matrix's POSTs
    carry no form, which comes back; removing the last administrator (the URL names
    "own_org_admin") is refused and sent back to the member's page; revoking the agreement with
    "partner" changes nothing the matrix sees, since its records also name "partner"."""
    if method not in answers:
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return answers[method] if administers(persona) and persona.relation == "own" else 404


def org_approval(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Deciding a change of label of "own"'s TLP:RED record: only its administrators find it
    (the record waits for no decision: back to the queue)."""
    return _org_admin(persona, method, {"POST": 302})


def incident_new(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The entry form: for whoever records for an organisation; refused to anyone else. (The
    POST here is empty, so the form comes back with its problems.)"""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if records(persona) else 403


def incident_edit(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Editing a record of "own": its recorders who see it; a member of "own" who sees it
    without recording is refused; to anyone else the page does not exist."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    if persona.relation not in ("own", "own_named") or persona.relation not in SEES[label]:
        return 404
    return 200 if persona.role in RECORDERS else 403


def incident_history(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The history of a record of "own": for the members of "own" who see it."""
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    owner = persona.relation in ("own", "own_named")
    return 200 if owner and persona.relation in SEES[label] else 404


def saved_filter(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Deleting a saved filter of the incident list: only its user finds it (the URL names a
    filter of ``own_analyst``)."""
    if method != "POST":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 302 if persona.name == FILTER_OWNER else 404


FILTER_OWNER = "own_analyst"


# Aggregate returns. "own", "partner" and "other" form a reporting community; "own" and
# "partner" submitted their returns for a period, "other" did not, so it reads neither (see
# setUpTestData). Drafts and returns awaiting approval stay with "own".

#: Who reads "own"'s submitted return: its members, and "partner" by reciprocity.
READS_SUBMITTED = ("own", "own_named", "partner")


def return_new(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Starting a return: for whoever records for an organisation; refused to anyone else.
    (The POST here is empty, so the form comes back with its problems.)"""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if records(persona) else 403


def return_page(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """ "own"'s submitted return: its members and, by reciprocity, "partner" read it; to
    "other", which has not submitted for the period, it does not exist."""
    if method != "GET":
        return NOT_ALLOWED
    if not persona.signed_in:
        return LOGIN
    return 200 if persona.relation in READS_SUBMITTED else 404


def _return_step(persona: Persona, answer: int | tuple[int, ...]) -> int | tuple[int, ...]:
    """A step on a return of "own": its recorders take it, its other members are refused, and
    to anyone else (even "partner", which reads a submitted one) the page does not exist."""
    if not persona.signed_in:
        return LOGIN
    if persona.relation not in ("own", "own_named"):
        return 404
    return answer if records(persona) else 403


def return_edit(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The figures form of "own"'s draft (the POST carries no action: the form comes back)."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    return _return_step(persona, 200)


def return_post(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Filling in or submitting "own"'s draft, or deciding on its return awaiting approval:
    done or refused with a message, then back to the return (the decision POST carries no
    decision)."""
    if method != "POST":
        return NOT_ALLOWED
    return _return_step(persona, 302)


def return_revise(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Revising "own"'s submitted return: the POST carries no reason, so the page comes back
    saying why."""
    if method != "POST":
        return NOT_ALLOWED
    return _return_step(persona, 200)


# The REST API. Only members of an organisation hold tokens; everyone else is refused with 401
# before anything else is looked at. An address answers a method it does not take with 405,
# whoever asks.

NOT_AUTHENTICATED = 401
RECORDERS = (Role.REPORTER, Role.ORG_ADMIN)
TOKEN_OWNER = "own_analyst"


def holds_token(persona: Persona) -> bool:
    return persona.relation in (*RELATIONS, "own_named")


def api_public(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The API's documentation and index: public documents without data."""
    return 200 if method == "GET" else NOT_ALLOWED


def api_missing(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    return 404


def api_read(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """A GET-only list for every token holder (reference data, the user's own tokens)."""
    if method != "GET":
        return NOT_ALLOWED
    return 200 if holds_token(persona) else NOT_AUTHENTICATED


def api_tokens(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    return 200 if method == "GET" else 201


def api_token(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Revoking a token through the API: only its user finds it."""
    if method != "DELETE":
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    return 204 if persona.name == TOKEN_OWNER else 404


def api_incidents(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The list, and recording an incident for the recorder's own organisation."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    if method == "GET":
        return 200
    return 201 if persona.role in RECORDERS and persona.relation != "own_named" else 403


def api_incident(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """One incident: read by whoever sees it, changed only by the owner's recorders who see it;
    to everyone else it does not exist."""
    if method not in ("GET", "PUT", "DELETE"):
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    if persona.relation not in SEES[label]:
        return 404
    if method == "GET":
        return 200
    if persona.relation == "own" and persona.role in RECORDERS:
        return 200 if method == "PUT" else 204
    return 403


def api_imports(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The imports of the organisations one records for (an empty list for others), and an
    upload; the matrix posts no file, so a token holder is told what is missing."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    return 200 if method == "GET" else 422


def api_import(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """One import (and its error report): only recorders of its organisation find it."""
    if method != "GET":
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    return 200 if persona.relation == "own" and persona.role in RECORDERS else 404


def api_returns(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """The returns one reads, and starting one for the recorder's own organisation."""
    if method not in ("GET", "POST"):
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    if method == "GET":
        return 200
    return 201 if records(persona) else 403


def api_return(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """ "own"'s submitted return: read by its members and, by reciprocity, "partner"."""
    if method != "GET":
        return NOT_ALLOWED
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    return 200 if persona.relation in READS_SUBMITTED else 404


def _api_return_step(persona: Persona, answer: int, reads: tuple[str, ...]) -> int:
    """A write to a return of "own": its recorders make it, and whoever else reads the return
    (``reads``) is refused; to anyone else it does not exist."""
    if not holds_token(persona):
        return NOT_AUTHENTICATED
    if persona.relation not in reads:
        return 404
    return answer if persona.relation == "own" and records(persona) else 403


def api_return_figures(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Replacing the figures of "own"'s draft."""
    if method != "PUT":
        return NOT_ALLOWED
    return _api_return_step(persona, 200, ("own", "own_named"))


def api_return_step(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Submitting "own"'s draft, or sending back its return awaiting approval."""
    if method != "POST":
        return NOT_ALLOWED
    return _api_return_step(persona, 200, ("own", "own_named"))


def api_return_approve(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Approving "own"'s return awaiting approval: anyone but the recorder who submitted it
    (four eyes)."""
    if method != "POST":
        return NOT_ALLOWED
    answer = 403 if persona.name == RETURN_SUBMITTER else 200
    return _api_return_step(persona, answer, ("own", "own_named"))


def api_return_revise(persona: Persona, method: str, label: Any) -> int | tuple[int, ...]:
    """Revising "own"'s submitted return, which "partner" reads but may not change."""
    if method != "POST":
        return NOT_ALLOWED
    return _api_return_step(persona, 201, READS_SUBMITTED)


RETURN_SUBMITTER = "own_reporter"


#: The regional table over the period "own" and "partner" submitted for.
REGIONAL_QUERY = (
    "?questionnaire=annual&indicator=tip_victims_detected&period_from=2023&period_to=2023"
)


def return_document(url: str) -> dict[str, Any]:
    """The body of a write to the returns API."""
    if url.endswith("/figures"):
        return {"figures": [{"indicator": "tip_victims_detected", "value": "4"}]}
    if url.endswith("/revise"):
        return {"reason": "matrix"}
    return {"questionnaire": "annual", "period": "2030"}


POLICY: dict[str, Expectation] = {
    "home": page,
    "incident_list": page,
    "incident_detail": incident,
    "incident_reveal": reveal,
    "incident_new": incident_new,
    "incident_edit": incident_edit,
    "incident_history": incident_history,
    # Exact search on an identifier, the list's export and saving its filters: POST forms of the
    # list page, answering only with what the user may see.
    "incident_identifier_search": post_only,
    "incident_export": post_only,
    "saved_filter_create": post_only,
    "saved_filter_delete": saved_filter,
    "login": sign_in,
    "login-code": sign_in_code,
    "logout": sign_out,
    "set_language": language,
    "account": page,
    "password-change": form,
    "two-factor": form,
    "two-factor-recovery-codes": post_only,
    "two-factor-remove": post_only,
    "end-sessions": post_only,
    "api-tokens": form,
    "api-token-revoke": token_page,
    "audit:events": audit_log,
    # Statistics count only what the persona may see, and show nothing small: a page for
    # every signed-in user (one without an organisation sees empty tables).
    "statistics": page,
    "statistics_table": page,
    "statistics_download": page,
    "statistics_chart": page,
    "statistics_explorer": page,
    "statistics_explorer_download": page,
    "statistics_explorer_chart": page,
    "statistics_explorer_incidents": page,
    # Aggregate returns: reciprocity decides who reads a submitted one (see return_page).
    "returns": page,
    "returns_regional": page,
    # Files: the returns one reads (an empty file for those who read none), the regional table
    # and its chart over them; one return's figures as its page.
    "returns_export": page,
    "returns_regional_download": page,
    "returns_regional_chart": page,
    "return_figures": return_page,
    "return_new": return_new,
    "return_detail": return_page,
    "return_edit": return_edit,
    "return_prefill": return_post,
    "return_submit": return_post,
    "return_decide": return_post,
    "return_revise": return_revise,
    "import_list": imports_page,
    "import_template": import_download,
    "import_job": import_job_page,
    "import_progress": import_job_page,
    "import_errors": import_job_page,
    "import_rejected": import_rejected_rows,
    "org_admin": org_admin_index,
    "org_members": org_admin_get,
    "org_member_add": org_admin_post,
    "org_member_create": org_admin_post,
    "org_member": org_admin_form,
    "org_member_remove": org_admin_redirect,
    "org_partners": org_admin_form,
    "org_partner_revoke": org_admin_redirect,
    "org_approvals": org_admin_get,
    "org_approval_decide": org_approval,
    "api-index": api_public,
    "api-not-found": api_missing,
    "api:openapi-json": api_public,
    "api:openapi-view": api_public,
    "api:api-root": api_public,
    "api:list_tokens": api_tokens,
    "api:create_token": api_tokens,
    "api:revoke_token": api_token,
    "api:list_incidents": api_incidents,
    "api:create_incident": api_incidents,
    "api:get_incident": api_incident,
    "api:replace_incident": api_incident,
    "api:delete_incident": api_incident,
    "api:list_countries": api_read,
    "api:list_currencies": api_read,
    "api:list_iccs_codes": api_read,
    "api:list_vocabularies": api_read,
    "api:list_terms": api_read,
    "api:create_import": api_imports,
    "api:list_imports": api_imports,
    "api:get_import": api_import,
    "api:import_errors": api_import,
    "api:import_template": api_read,
    "api:export": api_read,
    "api:list_stats_tables": api_read,
    "api:get_stats_table": api_read,
    "api:explore_stats": api_read,
    "api:list_returns": api_returns,
    "api:create_return": api_returns,
    "api:get_return": api_return,
    "api:replace_return_figures": api_return_figures,
    "api:submit_return": api_return_step,
    "api:approve_return": api_return_approve,
    "api:send_back_return": api_return_step,
    "api:revise_return": api_return_revise,
    "api:export_returns": api_read,
    "api:get_regional_table": api_read,
    "api:export_return": api_return,
}


def staff_routes() -> list[tuple[str, str]]:
    """(route, name) of every URL pattern outside the platform administration site."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> list[tuple[str, str]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if getattr(pattern, "app_name", None) == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}"))
        return found

    return walk(get_resolver().url_patterns, "", "")


def is_api(url: str) -> bool:
    return url.startswith("/api/")


# Counts are far below the default rate; the limit is raised so that the matrix never meets it.
@override_settings(WAYPOINT_API_RATE="100000/min")
class AuthorizationMatrixTests(BaseTestCase):
    users: dict[str, Any]
    incidents: dict[str, Incident]
    tokens: dict[str, str]
    matrix_token: ApiToken
    page_token: ApiToken
    saved_filter: SavedFilter
    job: ImportJob
    returns: dict[str, Return]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        orgs = {
            "own": cls.org_a,
            "partner": cls.org_b,
            "other": Organisation.objects.create(
                code="ORG-D", name="Organisation D", type="ngo", country="LBY"
            ),
        }
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.users = {}
        for persona in PERSONAS:
            if persona.relation in RELATIONS:
                user = cls.make_user(persona.name, orgs[persona.relation], persona.role)
            elif persona.relation == "own_named":
                user = cls.make_user(persona.name, cls.org_a, persona.role)
            elif persona.relation == "none":
                user = cls.make_user(persona.name)
            elif persona.relation == "platform":
                user = cls.eve
            else:
                continue
            cls.users[persona.name] = user
        cls.incidents = {}
        for label in SEES:
            record = cls.incident(cls.org_a, f"M-{label}", label=label)
            record.named_users.add(cls.users["own_named"])
            record.shared_with.add(cls.org_b)
            cls.incidents[label] = record
        cls.tokens = {
            persona.name: create_token(actor=cls.users[persona.name], name="matrix")[1]
            for persona in PERSONAS
            if holds_token(persona)
        }
        owner = cls.users[TOKEN_OWNER]
        cls.matrix_token = create_token(actor=owner, name="revoked through the API")[0]
        cls.page_token = create_token(actor=owner, name="revoked on the account page")[0]
        cls.saved_filter = SavedFilter.objects.create(
            user=cls.users[FILTER_OWNER], name="matrix", query="year=2024"
        )
        cls.job = ImportJob.objects.create(
            organisation=cls.org_a, created_by=cls.users["own_reporter"], file_name="m.csv"
        )
        community = ReportingCommunity.objects.create(code="matrix", name="Matrix")
        community.members.set(orgs.values())
        cls.returns = {
            # Read by "own" and, as it submitted for 2023 too, "partner".
            "submitted": cls.matrix_return("own", "2023", "submitted"),
            "partner": cls.matrix_return("partner", "2023", "submitted"),
            "draft": cls.matrix_return("own", "2024", "draft"),
            # Submitted by the page (for good: the matrix does not roll pages back).
            "page_submit": cls.matrix_return("own", "2025", "draft"),
            "api_submit": cls.matrix_return("own", "2022", "draft"),
            "awaiting": cls.matrix_return("own", "2026", "awaiting_approval"),
        }

    @classmethod
    def matrix_return(cls, relation: str, period: str, status: str) -> Return:
        """A return of the relation's organisation without figures, drafted by its reporting
        officer (``RETURN_SUBMITTER`` for "own") and approved by its administrator."""
        drafter, approver = cls.users[f"{relation}_reporter"], cls.users[f"{relation}_org_admin"]
        organisation = cls.org_a if relation == "own" else cls.org_b
        ret = return_actions.start(
            actor=drafter,
            organisation=organisation,
            questionnaire=Questionnaire.objects.get(code="annual"),
            period=period,
        )
        if status != "draft":
            return_actions.submit(actor=drafter, ret=ret)
        if status == "submitted":
            return_actions.approve(actor=approver, ret=ret)
        return ret

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the API's rate-limit counters

    def test_it_has_a_policy_for_every_route(self) -> None:
        missing = [f"{route} ({name})" for route, name in staff_routes() if name not in POLICY]
        self.assertEqual(missing, [], "routes without a policy row")

    def test_it_answers_every_persona_as_the_policy_says(self) -> None:
        requests: list[tuple[str, Any, str, str]] = []
        for route, name in staff_routes():
            for label, url in self.urls_for(route, name):
                for method in METHODS:
                    # The API has one pattern per operation: several names share an address.
                    if (label, url, method) not in {(r[1], r[2], r[3]) for r in requests}:
                        requests.append((name, label, url, method))
        # Signing out last keeps one sign-in per persona.
        requests.sort(key=lambda request: request[0] == "logout")
        failures = []
        for persona in PERSONAS:
            self.client.logout()
            for name, label, url, method in requests:
                if persona.signed_in and "_auth_user_id" not in self.client.session:
                    self.client.force_login(self.users[persona.name])
                status = self.send(persona, method, url, label)
                allowed = POLICY[name](persona, method, label)
                allowed = allowed if isinstance(allowed, tuple) else (allowed,)
                if status not in allowed:
                    failures.append(
                        f"{method} {url} as {persona.name} [{label or '-'}]: "
                        f"{status}, expected {' or '.join(map(str, allowed))}"
                    )
        self.assertEqual(failures, [], "\n".join(failures))

    def test_it_opens_the_administration_site_to_the_platform_administrator_only(self) -> None:
        urls = ["/admin/"] + [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry
        ]
        for url in urls:
            for persona in PERSONAS:
                status = self.request(persona, "GET", url)
                expected = 200 if persona.relation == "platform" else 302
                self.assertEqual(status, expected, f"GET {url} as {persona.name}")

    def urls_for(self, route: str, name: str) -> list[tuple[Any, str]]:
        if ":public_id>" in route or ":incident_id>" in route:
            key = "public_id" if ":public_id>" in route else "incident_id"
            query = "?target=incident&field=narrative" if name == "incident_reveal" else ""
            return [
                (label, reverse(name, kwargs={key: record.public_id}) + query)
                for label, record in self.incidents.items()
            ]
        arguments: dict[str, dict[str, Any]] = {
            "api-token-revoke": {"token_id": self.page_token.public_id},
            "saved_filter_delete": {"filter_id": self.saved_filter.public_id},
            "api:revoke_token": {"token_id": self.matrix_token.public_id},
            "api:list_terms": {"vocabulary": "sex"},
            "api:get_import": {"job_id": self.job.public_id},
            "api:import_errors": {"job_id": self.job.public_id},
            "api:import_template": {"name": "csv"},
            "api:get_stats_table": {"table_id": "victims_by_sex_age_year"},
            "api-not-found": {"rest": "no/such/address"},
            "statistics_table": {"table_id": "crime_links_year"},
            "statistics_download": {"table_id": "crime_links_year", "fmt": "csv"},
            "statistics_chart": {"table_id": "crime_links_year", "fmt": "svg"},
            "statistics_explorer_download": {"fmt": "csv"},
            "statistics_explorer_chart": {"fmt": "svg"},
            "import_template": {"name": "csv"},
            "import_job": {"job_id": self.job.public_id},
            "import_progress": {"job_id": self.job.public_id},
            "import_errors": {"job_id": self.job.public_id},
            "import_rejected": {"job_id": self.job.public_id},
            "org_members": {"code": "ORG-A"},
            "org_member_add": {"code": "ORG-A"},
            "org_member_create": {"code": "ORG-A"},
            "org_member": {"code": "ORG-A", "username": "own_org_admin"},
            "org_member_remove": {"code": "ORG-A", "username": "own_org_admin"},
            "org_partners": {"code": "ORG-A"},
            "org_partner_revoke": {"code": "ORG-A", "partner": "ORG-B"},
            "org_approvals": {"code": "ORG-A"},
            "org_approval_decide": {
                "code": "ORG-A",
                "record_id": self.incidents[Label.RED].public_id,
            },
            "return_detail": {"return_id": self.returns["submitted"].public_id},
            "return_edit": {"return_id": self.returns["draft"].public_id},
            "return_prefill": {"return_id": self.returns["draft"].public_id},
            "return_submit": {"return_id": self.returns["page_submit"].public_id},
            "return_decide": {"return_id": self.returns["awaiting"].public_id},
            "return_revise": {"return_id": self.returns["submitted"].public_id},
            "api:get_return": {"return_id": self.returns["submitted"].public_id},
            "api:replace_return_figures": {"return_id": self.returns["draft"].public_id},
            "api:submit_return": {"return_id": self.returns["api_submit"].public_id},
            "api:approve_return": {"return_id": self.returns["awaiting"].public_id},
            "api:send_back_return": {"return_id": self.returns["awaiting"].public_id},
            "api:revise_return": {"return_id": self.returns["submitted"].public_id},
            "return_figures": {"return_id": self.returns["submitted"].public_id, "fmt": "csv"},
            "returns_export": {"fmt": "xlsx"},
            "returns_regional_download": {"fmt": "csv"},
            "returns_regional_chart": {"fmt": "svg"},
            "api:export_return": {"return_id": self.returns["submitted"].public_id},
        }
        # The incidents behind the explorer's first table's grand total.
        queries = {
            "statistics_explorer_incidents": "?cell=total&cell=total",
            "api:explore_stats": "?subject=victims&by=sex&by=year",
            "returns_regional_download": REGIONAL_QUERY,
            "returns_regional_chart": REGIONAL_QUERY,
            "api:get_regional_table": REGIONAL_QUERY,
        }
        query = queries.get(name, "")
        return [(None, reverse(name, kwargs=arguments.get(name)) + query)]

    def send(self, persona: Persona, method: str, url: str, label: Any) -> int:
        """One request as the persona: to the API with its token, if it holds one, and a valid
        document for a write, rolled back after the answer."""
        if not is_api(url):
            return self.client.generic(method, url).status_code
        token = self.tokens.get(persona.name)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = self.document_for(url, label) if method in ("POST", "PUT") else None
        with quiet("django.request"), transaction.atomic():
            response = self.client.generic(
                method,
                url,
                json.dumps(body) if body else "",
                content_type="application/json",
                headers=headers,
            )
            transaction.set_rollback(True)
        return response.status_code

    @staticmethod
    def document_for(url: str, label: Any) -> dict[str, Any]:
        if "/tokens" in url:
            return {"name": "matrix"}
        if "/returns" in url:
            return return_document(url)
        return {
            "reference": f"M-{label}" if label else "M-NEW",
            "label": label or Label.RED,
            "kinds": ["smuggling_of_migrants"],
            "date_start": "2024-05-17",
            "date_precision": "day",
            "country": "ITA",
        }

    def request(self, persona: Persona, method: str, url: str) -> int:
        self.client.logout()
        if persona.signed_in:
            self.client.force_login(self.users[persona.name])
        response = self.client.generic(method, url)
        return response.status_code
