"""Base test case with the personas every test shares.

Amara (analyst, Org A), Bruno (reporting officer, Org A), Chen (analyst, Org B, a partner of
Org A), Dana (no organisation) and Eve (platform administrator).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from waypoint.cases.models import Incident, Label
from waypoint.cases.validation import IncidentDraft
from waypoint.orgs.models import Membership, Organisation, Role

PASSWORD = "correct horse battery staple"


class VerifiedClient(Client):
    """A test client whose ``force_login`` gives a session confirmed by a second factor.

    Outside demo mode every page asks for two-factor sign-in; tests that are not about signing in
    get a session as after a full sign-in with an authenticator app (a confirmed device is created
    for the user when they have none). ``verified=False`` gives a session that passed the password
    step alone.
    """

    def force_login(self, user: Any, backend: str | None = None, verified: bool = True) -> None:
        super().force_login(user, backend)
        if not verified:
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class BaseTestCase(TestCase):
    client_class = VerifiedClient
    client: VerifiedClient
    org_a: Organisation
    org_b: Organisation
    amara: User
    bruno: User
    chen: User
    dana: User
    eve: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org_a = Organisation.objects.create(
            code="ORG-A",
            name="Organisation A",
            type="national_authority",
            country="ITA",
            purposes=["criminal_investigation"],
        )
        cls.org_b = Organisation.objects.create(
            code="ORG-B",
            name="Organisation B",
            type="national_authority",
            country="GRC",
            purposes=["border_management"],
        )
        cls.amara = cls.make_user("amara", cls.org_a, Role.ANALYST)
        cls.bruno = cls.make_user("bruno", cls.org_a, Role.REPORTER)
        cls.chen = cls.make_user("chen", cls.org_b, Role.ANALYST)
        cls.dana = cls.make_user("dana")
        cls.eve = User.objects.create_superuser("eve", "eve@example.org", PASSWORD)

    @classmethod
    def make_user(
        cls, username: str, organisation: Organisation | None = None, role: str | None = None
    ) -> User:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
        if organisation is not None and role is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    @staticmethod
    def incident(owner: Organisation, reference: str = "INC-1", **fields: Any) -> Incident:
        """Create a minimal valid incident directly, for tests that need rows to look at."""
        values: dict[str, Any] = {
            "kinds": ["smuggling_of_migrants"],
            "date_start": datetime.date(2024, 5, 17),
            "date_precision": "day",
            "country": "ITA",
            "label": Label.RED,
        }
        values.update(fields)
        return Incident.objects.create(owner=owner, reference=reference, **values)

    @staticmethod
    def draft(**fields: Any) -> IncidentDraft:
        """An unsaved, valid incident draft to build on."""
        values: dict[str, Any] = {
            "reference": "INC-1",
            "kinds": ["smuggling_of_migrants"],
            "date_start": datetime.date(2024, 5, 17),
            "date_precision": "day",
            "country": "ITA",
        }
        values.update(fields)
        return IncidentDraft(incident=Incident(**values))
