"""The authorization matrix: every route × every HTTP method × every persona × every label.

Personas are every role of the owner organisation, of a partner organisation (a standing
sharing agreement and named on the records) and of an unrelated participating organisation,
plus a user named on the strictly shared record, a user without organisation, the platform
administrator and an anonymous visitor. Every URL pattern of the staff site must have a policy
row below, or the test fails; any answer other than the policy's fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from waypoint.cases.models import Incident, Label
from waypoint.orgs.models import Organisation, Role, SharingAgreement
from waypoint.test import BaseTestCase

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


POLICY: dict[str, Expectation] = {
    "home": page,
    "incident_list": page,
    "incident_detail": incident,
    "incident_reveal": reveal,
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
    "audit:events": audit_log,
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


class AuthorizationMatrixTests(BaseTestCase):
    users: dict[str, Any]
    incidents: dict[str, Incident]

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

    def test_it_has_a_policy_for_every_route(self) -> None:
        missing = [f"{route} ({name})" for route, name in staff_routes() if name not in POLICY]
        self.assertEqual(missing, [], "routes without a policy row")

    def test_it_answers_every_persona_as_the_policy_says(self) -> None:
        requests = [
            (name, label, url, method)
            for route, name in staff_routes()
            for label, url in self.urls_for(route, name)
            for method in METHODS
        ]
        # Signing out last keeps one sign-in per persona.
        requests.sort(key=lambda request: request[0] == "logout")
        failures = []
        for persona in PERSONAS:
            self.client.logout()
            for name, label, url, method in requests:
                if persona.signed_in and "_auth_user_id" not in self.client.session:
                    self.client.force_login(self.users[persona.name])
                status = self.client.generic(method, url).status_code
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
        if "<uuid:public_id>" in route:
            query = "?target=incident&field=narrative" if name == "incident_reveal" else ""
            return [
                (label, reverse(name, kwargs={"public_id": record.public_id}) + query)
                for label, record in self.incidents.items()
            ]
        return [(None, reverse(name))]

    def request(self, persona: Persona, method: str, url: str) -> int:
        self.client.logout()
        if persona.signed_in:
            self.client.force_login(self.users[persona.name])
        response = self.client.generic(method, url)
        return response.status_code
