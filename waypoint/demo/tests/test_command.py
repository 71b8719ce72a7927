"""``waypoint demo``: personas, incidents written in bulk, and the guards around it."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.test import TestCase, override_settings

from waypoint.cases.models import Incident, IncidentStatusChange, Label, Person, RouteLeg
from waypoint.demo.personas import DEMO_PASSWORD
from waypoint.demo.write import MODELS
from waypoint.orgs.models import Membership, SharingAgreement
from waypoint.vault.fields import SealedTextField
from waypoint.vault.sealing import reveal_each


def demo(**options: Any) -> str:
    out = StringIO()
    call_command("demo", verbosity=0, stdout=out, **options)
    return out.getvalue()


def snapshot() -> list[list[tuple[Any, ...]]]:
    """Every generated row of every table, in id order, with sealed values revealed (sealing
    draws a fresh nonce each time, so the stored tokens differ from run to run). Ids count from
    each table's first generated row: on PostgreSQL they come from sequences, which never go back."""
    tables = []
    first_ids = {
        model: model._default_manager.order_by("id").values_list("id", flat=True).first() or 0
        for model in MODELS
    }
    for model in MODELS:
        fields = model._meta.concrete_fields
        rows = list(model._default_manager.order_by("id").select_related(*_parents(model)))
        revealed = {
            field.name: reveal_each(rows, field.name)
            for field in fields
            if isinstance(field, SealedTextField)
        }
        tables.append(
            [
                tuple(
                    revealed[field.name][index]
                    if field.name in revealed
                    else _relative(field, row, first_ids)
                    for field in fields
                )
                for index, row in enumerate(rows)
            ]
        )
    return tables


def _relative(field: Any, row: Model, first_ids: dict[Any, int]) -> Any:
    value = field.value_from_object(row)
    if field.primary_key:
        return value - first_ids[type(row)]
    target = field.related_model if field.is_relation else None
    if target in first_ids and value is not None:
        return value - first_ids[target]
    return value


def _parents(model: type[Model]) -> list[str]:
    """The rows to load with ``model``'s so that finding their organisation needs no query."""
    path = getattr(model, "sealing_organisation_path", "")
    return ["__".join(path.split("__")[:-1])] if "__" in path else []


class DemoCommandTests(TestCase):
    def test_it_creates_the_personas_with_their_roles(self) -> None:
        demo(incidents=20)
        for username, code, role in (
            ("amara", "ITA-POL", "analyst"),
            ("bruno", "ITA-POL", "reporter"),
            ("chen", "GRC-HP", "analyst"),
        ):
            membership = Membership.objects.get(user__username=username)
            self.assertEqual((membership.organisation.code, membership.role), (code, role))
        self.assertFalse(Membership.objects.filter(user__username__in=["dana", "eve"]).exists())
        eve = User.objects.get(username="eve")
        self.assertTrue(eve.is_staff and eve.is_superuser)
        self.assertTrue(User.objects.get(username="bruno").check_password(DEMO_PASSWORD))

    def test_it_gives_organisations_more_members_in_every_role(self) -> None:
        demo(incidents=0)
        roles = set(Membership.objects.values_list("role", flat=True))
        self.assertEqual(roles, {"reporter", "analyst", "intake_officer", "org_admin", "auditor"})

    def test_it_writes_incidents_with_everything_under_them(self) -> None:
        output = demo(incidents=200)
        self.assertEqual(Incident.objects.count(), 200)
        self.assertGreaterEqual(IncidentStatusChange.objects.count(), 200)
        self.assertFalse(Incident.objects.filter(status_history=None).exists())
        self.assertGreater(Person.objects.count(), 200)
        self.assertGreater(RouteLeg.objects.count(), 100)
        self.assertIn("amara", output)
        self.assertIn(DEMO_PASSWORD, output)
        self.assertIn("http://127.0.0.1:8000/", output)

    def test_it_owns_incidents_by_the_organisation_of_the_recording_country(self) -> None:
        demo(incidents=100)
        owners = set(Incident.objects.values_list("owner__code", flat=True))
        self.assertIn("ITA-POL", owners)
        for incident in Incident.objects.select_related("created_by", "owner")[:50]:
            self.assertTrue(incident.reference.startswith(incident.owner.code))
            self.assertTrue(
                Membership.objects.filter(
                    user=incident.created_by, organisation=incident.owner
                ).exists()
            )

    def test_it_leaves_the_next_ids_free_for_new_rows(self) -> None:
        demo(incidents=40)
        incident = Incident.objects.create(
            owner=Incident.objects.earliest("pk").owner,
            reference="AFTER-THE-DEMO",
            kinds=["smuggling_of_migrants"],
        )
        self.assertEqual(incident.pk, Incident.objects.latest("pk").pk)
        person = Person.objects.create(incident=incident, role="witness")
        self.assertGreater(person.pk, 1)

    def test_it_writes_the_same_rows_for_the_same_seed(self) -> None:
        demo(incidents=60, seed=7)
        first = snapshot()
        Incident.objects.all().delete()
        demo(incidents=60, seed=7)
        self.assertEqual(snapshot(), first)
        Incident.objects.all().delete()
        demo(incidents=60, seed=8)
        self.assertNotEqual(snapshot(), first)

    def test_it_adds_more_incidents_when_run_again(self) -> None:
        demo(incidents=30)
        demo(incidents=30)
        self.assertEqual(Incident.objects.count(), 60)
        self.assertEqual(User.objects.filter(username="amara").count(), 1)

    def test_it_does_nothing_with_if_empty_when_there_are_incidents(self) -> None:
        demo(incidents=25, if_empty=True)
        output = demo(incidents=25, if_empty=True)
        self.assertEqual(Incident.objects.count(), 25)
        self.assertIn("nothing to do", output)

    @override_settings(MODE="production")
    def test_it_refuses_to_run_in_production_mode(self) -> None:
        with self.assertRaises(CommandError) as raised:
            demo(incidents=5)
        self.assertEqual(raised.exception.returncode, 2)
        self.assertIn("production", str(raised.exception))
        self.assertFalse(User.objects.filter(username="amara").exists())


class AgreementTests(TestCase):
    def test_it_lets_org_b_see_org_a_amber_records(self) -> None:
        with override_settings(MODE="demo"):
            call_command(
                "demo",
                "--incidents",
                "300",
                "--seed",
                "3",
                stdout=StringIO(),
                stderr=StringIO(),
                verbosity=0,
            )
        self.assertTrue(
            SharingAgreement.objects.filter(owner__code="ITA-POL", partner__code="GRC-HP").exists()
        )
        chen = User.objects.get(username="chen")
        seen = Incident.objects.visible_to(chen)
        self.assertTrue(seen.filter(owner__code="ITA-POL", label=Label.AMBER).exists())
        self.assertFalse(seen.filter(owner__code="ITA-POL", label=Label.RED).exists())
