"""Who sees which incident: every label against every relation to the owner, as a table."""

from __future__ import annotations

from typing import Any

from waypoint.cases.models import Incident, Label
from waypoint.orgs.access import visible_parts
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement
from waypoint.test import BaseTestCase

# (label, how the viewer relates to the owner) → visible?
#   own_named: member of the owner named on the record; own: other member of the owner;
#   agreement: partner by a standing agreement; named_partner: partner named on the record;
#   other: participating organisation with no relation; none: user without organisation;
#   platform: platform administrator.
MATRIX = {
    Label.RED: {"own_named": True, "own": True, "agreement": False, "named_partner": False,
                "other": False, "none": False, "platform": False},
    Label.AMBER_STRICT: {"own_named": True, "own": False, "agreement": False,
                         "named_partner": False, "other": False, "none": False,
                         "platform": False},
    Label.AMBER: {"own_named": True, "own": True, "agreement": True, "named_partner": True,
                  "other": False, "none": False, "platform": False},
    Label.GREEN: {"own_named": True, "own": True, "agreement": True, "named_partner": True,
                  "other": True, "none": False, "platform": False},
}  # fmt: skip


class VisibilityMatrixTests(BaseTestCase):
    #: Whether the rule is taken as it stands when the query is built (statistics) rather
    #: than evaluated inside the query.
    snapshot = False
    org_c: Any
    org_d: Any
    named_member: Any
    viewers: Any
    incidents: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_c = Organisation.objects.create(
            code="ORG-C", name="Organisation C", type="ngo", country="TUR"
        )
        cls.org_d = Organisation.objects.create(
            code="ORG-D", name="Organisation D", type="ngo", country="LBY"
        )
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.named_member = cls.make_user("giulia", cls.org_a, Role.ANALYST)
        cls.viewers = {
            "own_named": cls.named_member,
            "own": cls.amara,
            "agreement": cls.chen,
            "named_partner": cls.make_user("cem", cls.org_c, Role.ANALYST),
            "other": cls.make_user("omar", cls.org_d, Role.ANALYST),
            "none": cls.dana,
            "platform": cls.eve,
        }
        cls.incidents = {}
        for label in MATRIX:
            incident = cls.incident(cls.org_a, f"L-{label}", label=label)
            incident.named_users.add(cls.named_member)
            incident.shared_with.add(cls.org_c)
            cls.incidents[label] = incident

    def visible(self, user: Any) -> Any:
        return Incident.objects.visible_to(user, snapshot=self.snapshot)

    def test_it_follows_the_matrix_for_every_label_and_viewer(self) -> None:
        for label, expected in MATRIX.items():
            for relation, visible in expected.items():
                with self.subTest(label=label, viewer=relation):
                    seen = self.visible(self.viewers[relation])
                    self.assertEqual(seen.filter(pk=self.incidents[label].pk).exists(), visible)

    def test_it_counts_each_incident_once(self) -> None:
        self.incidents[Label.AMBER].named_users.add(self.amara, self.bruno)
        self.incidents[Label.AMBER].shared_with.add(self.org_b, self.org_d)
        seen = self.visible(self.chen)
        self.assertEqual(seen.count(), len(set(seen.values_list("pk", flat=True))))
        self.assertEqual(seen.count(), 2)

    def test_it_stops_sharing_at_once_when_an_agreement_is_revoked(self) -> None:
        agreement = SharingAgreement.objects.get(owner=self.org_a, partner=self.org_b)
        self.assertTrue(self.visible(self.chen).filter(label=Label.AMBER).exists())
        from django.utils import timezone

        agreement.revoked_at = timezone.now()
        agreement.save()
        self.assertFalse(self.visible(self.chen).filter(label=Label.AMBER).exists())

    def test_it_stops_showing_records_when_a_membership_ends(self) -> None:
        self.assertTrue(self.visible(self.amara).exists())
        Membership.objects.filter(user=self.amara).delete()
        self.assertFalse(self.visible(self.amara).exists())

    def test_it_shows_nothing_to_a_disabled_user(self) -> None:
        self.amara.is_active = False
        self.amara.save()
        self.assertFalse(self.visible(self.amara).exists())

    def test_it_hides_the_records_of_a_deactivated_organisation(self) -> None:
        self.org_a.is_active = False
        self.org_a.save()
        for viewer in self.viewers.values():
            self.assertFalse(self.visible(viewer).exists())


class SnapshotVisibilityMatrixTests(VisibilityMatrixTests):
    """The same rule, fixed when the query is built, as statistics take it."""

    snapshot = True


class VisiblePartsMatrixTests(VisibilityMatrixTests):
    """The rule split in two, as the statistics summary takes it: the classes of records (owner
    and label) seen whole, and the records seen one by one. Together they are the rule; they
    never overlap; and the first depends on nothing but the owner and the label."""

    def visible(self, user: Any) -> Any:
        if not (user.is_active and user.is_authenticated):
            return Incident.objects.none()
        parts = visible_parts(user)
        return Incident.objects.filter(parts.whole | parts.one_by_one)

    def test_the_parts_never_overlap(self) -> None:
        for relation, viewer in self.viewers.items():
            with self.subTest(viewer=relation):
                parts = visible_parts(viewer)
                self.assertFalse(Incident.objects.filter(parts.whole).filter(parts.one_by_one))

    def test_what_is_seen_whole_depends_on_owner_and_label_alone(self) -> None:
        # A record that names nobody, beside each of the matrix's records that names someone:
        # seen whole, both are seen; seen one by one, only the record that names.
        for label in MATRIX:
            self.incident(self.org_a, f"BARE-{label}", label=label)
        for relation, viewer in self.viewers.items():
            whole = Incident.objects.filter(visible_parts(viewer).whole)
            for label in MATRIX:
                with self.subTest(viewer=relation, label=label):
                    self.assertEqual(
                        whole.filter(reference=f"L-{label}").exists(),
                        whole.filter(reference=f"BARE-{label}").exists(),
                    )
