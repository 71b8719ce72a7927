"""``waypoint create_org CODE --name NAME --country ISO3 --type TYPE [--purpose P ...]``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.orgs.management import arguments
from waypoint.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Create an organisation. Running it again with the same values changes nothing; "
        "an existing organisation with other values is reported, not changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", help="the organisation's code, e.g. ITA-POL")
        parser.add_argument("--name", required=True, help="its full name")
        parser.add_argument(
            "--country", required=True, help="its country, ISO 3166-1 alpha-3 (e.g. ITA)"
        )
        parser.add_argument(
            "--type",
            required=True,
            dest="org_type",
            help="national_authority, international_organisation, ngo, multi_agency_centre or other",
        )
        parser.add_argument(
            "--purpose",
            action="extend",
            nargs="+",
            default=[],
            dest="purposes",
            metavar="P",
            help="one or more purposes (e.g. protection criminal_investigation statistics)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        values = {
            "code": arguments.organisation_code(options["code"]),
            "name": arguments.name(options["name"]),
            "country": arguments.country(options["country"]),
            "type": arguments.term(options["org_type"], "org_type", "organisation type"),
            "purposes": arguments.terms(options["purposes"], "org_purpose", "purpose"),
        }
        with transaction.atomic():
            existing = Organisation.objects.select_for_update().filter(code=values["code"]).first()
            if existing is not None:
                self._confirm(existing, values)
                return
            organisation = Organisation(**values)
            organisation.full_clean()
            organisation.save()
            # Run by the operator at the server, not by a signed-in user: the system acts.
            record(actor=None, action=Action.CREATE, target=organisation)
        self.stdout.write(f"Created organisation {organisation}.")

    def _confirm(self, existing: Organisation, values: dict[str, Any]) -> None:
        differences = [
            f"{field} is {getattr(existing, field)!r}, not {value!r}"
            for field, value in values.items()
            if getattr(existing, field) != value
        ]
        if differences:
            raise CommandError(
                f"organisation {existing.code} exists already and differs: "
                + "; ".join(differences)
                + ". Change it in the administration site.",
                returncode=1,
            )
        self.stdout.write(f"Organisation {existing} exists already; nothing changed.")
