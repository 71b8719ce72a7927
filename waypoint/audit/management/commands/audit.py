"""``waypoint audit verify`` and ``waypoint audit list``: check and read the audit log.

These run with the operator's access to the database, so ``list`` shows every event; the staff
page at /audit/ shows each auditor only the events of their organisations.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from waypoint.audit import protection
from waypoint.audit.chain import format_timestamp
from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent, AuditEventQuerySet
from waypoint.audit.verify import Verdict, verify_chain

LONG_CHAIN = 10_000
HEX_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


def moment(text: str) -> datetime.datetime:
    """A date (its midnight, UTC) or an ISO 8601 date and time (UTC unless it says otherwise)."""
    day = _bare_date(text)
    try:
        value = datetime.datetime.combine(day, datetime.time()) if day else parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def end_moment(text: str) -> datetime.datetime:
    """Like ``moment``, but a bare date means up to the end of that day."""
    value = moment(text)
    return value + datetime.timedelta(days=1) if _bare_date(text) else value


def _bare_date(text: str) -> datetime.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


def anchor(text: str) -> tuple[int, str]:
    number, _, digest = text.partition(":")
    if not number.isdigit() or not HEX_HASH.match(digest):
        raise ArgumentTypeError(f"{text!r} is not NUMBER:HASH (a 64-digit hex hash)")
    return int(number), digest.lower()


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain (exit 0 intact, 1 broken), list its events, or "
        "re-create its append-only triggers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="verify|list|protect"
        )
        verify = commands.add_parser("verify", help="recompute the hash chain; exit 1 if broken")
        verify.add_argument(
            "--anchor",
            type=anchor,
            action="append",
            default=[],
            metavar="NUMBER:HASH",
            help="an event number and hash noted earlier (from an 'intact' line); repeatable",
        )
        verify.add_argument(
            "--no-record",
            action="store_true",
            help="do not add an audit_verify event (e.g. on a read-only replica)",
        )
        commands.add_parser(
            "protect", help="re-create the database triggers that refuse changes to events"
        )
        listing = commands.add_parser("list", help="print events, oldest first")
        listing.add_argument("--actor", help="user name of the actor")
        listing.add_argument(
            "--org", help="organisation code (acting for it, or owner of the record)"
        )
        listing.add_argument("--action", choices=Action.values, metavar="ACTION")
        listing.add_argument("--since", type=moment, help="from this date or time (inclusive)")
        listing.add_argument(
            "--until", type=end_moment, help="up to this date (inclusive) or this time"
        )
        listing.add_argument("--target", help="public id of the record")
        listing.add_argument("--last", type=int, help="only the last N matching events")
        listing.add_argument("--json", action="store_true", help="print a JSON array")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options)
        elif options["subcommand"] == "protect":
            protection.install(connection)
            self.stdout.write("protected: " + ", ".join(protection.expected_triggers(connection)))
        else:
            self.show(options)

    def verify(self, options: dict[str, Any]) -> None:
        total = AuditEvent.objects.count()
        with tqdm(
            total=total,
            file=sys.stderr,
            unit=" events",
            disable=options["verbosity"] == 0 or total < LONG_CHAIN,
        ) as bar:
            verdict = verify_chain(anchors=dict(options["anchor"]), progress=bar.update)
        missing = protection.missing_triggers(connection)
        if missing:
            self.stderr.write(
                "warning: the append-only triggers are missing or disabled: "
                f"{', '.join(missing)}; restore them with `waypoint audit protect`"
            )
        if not options["no_record"]:
            self.record_verification(verdict)
        if not verdict.intact:
            raise CommandError(str(verdict.broken), returncode=1)
        self.stdout.write(f"intact: {verdict.events} events, last hash {verdict.last_hash}")

    def record_verification(self, verdict: Verdict) -> None:
        details: dict[str, Any] = {"events": verdict.events}
        details["result"] = "intact" if verdict.intact else "broken"
        if verdict.broken is not None:
            details["first_broken"] = verdict.broken.sequence
        record(actor=None, action=Action.AUDIT_VERIFY, target=Target("audit_log"), details=details)

    def show(self, options: dict[str, Any]) -> None:
        events = self.filtered(options)
        if options["json"]:
            for chunk in _json_array(events):
                self.stdout.write(chunk, ending="")
            self.stdout.write("")
        else:
            for event in events:
                self.stdout.write(_line(event))

    def filtered(self, options: dict[str, Any]) -> Iterator[AuditEvent]:
        events: AuditEventQuerySet = AuditEvent.objects.all()
        if options["actor"]:
            events = events.by(options["actor"])
        if options["org"]:
            events = events.involving(options["org"])
        if options["action"]:
            events = events.of_action(options["action"])
        if options["since"]:
            events = events.since(options["since"])
        if options["until"]:
            events = events.before(options["until"])
        if options["target"]:
            events = events.about(options["target"])
        if options["last"] is not None:
            if options["last"] < 0:
                raise CommandError("--last must be 0 or more", returncode=2)
            return iter(reversed(list(events.order_by("-sequence")[: options["last"]])))
        return events.order_by("sequence").iterator(chunk_size=2000)


def as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "timestamp": format_timestamp(event.timestamp),
        "actor": event.actor_username,
        "organisation": event.organisation_code,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_organisation": event.target_organisation_code,
        "details": event.details,
        "justification": event.justification,
        "client_ip": event.client_ip,
        "user_agent": event.user_agent,
        "previous_hash": event.previous_hash,
        "hash": event.hash,
    }


def _line(event: AuditEvent) -> str:
    target = " ".join(part for part in (event.target_type, event.target_id) if part)
    owner = f" [{event.target_organisation_code}]" if event.target_organisation_code else ""
    details = json.dumps(event.details, sort_keys=True, ensure_ascii=False) if event.details else ""
    columns = [
        str(event.sequence),
        format_timestamp(event.timestamp),
        event.actor_username or "-",
        event.organisation_code or "-",
        event.action,
        (target + owner) or "-",
        details,
    ]
    if event.justification:
        columns.append(json.dumps(event.justification, ensure_ascii=False))
    return "\t".join(columns).rstrip("\t")


def _json_array(events: Iterator[AuditEvent]) -> Iterator[str]:
    yield "["
    for number, event in enumerate(events):
        yield ("," if number else "") + "\n" + json.dumps(as_dict(event), ensure_ascii=False)
    yield "\n]"
