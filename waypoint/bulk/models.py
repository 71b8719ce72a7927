"""Import jobs: what was asked, how far it got, and what came of it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waypoint.cases.models import Incident
from waypoint.lib.fieldclasses import INTERNAL, PUBLIC, FieldClass
from waypoint.orgs.models import Organisation


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    #: Every row was accepted (or, with accept-valid, the valid ones were written).
    SUCCEEDED = "succeeded", _("succeeded")
    #: Rows were rejected, so nothing was written.
    REJECTED = "rejected", _("rejected")
    #: The file could not be read or the import stopped on an error.
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One import of one file by one user for one organisation.

    While a job runs, the database holds it in a transaction that other connections cannot see
    into, so progress is kept beside it in a small file (``progress``) that the pages and the API
    read; counts and the report land in the row when the job ends.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="import_jobs", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    file_name = models.CharField(_("file"), max_length=255)
    #: Where the uploaded file waits for a worker; removed when the job ends.
    stored_path = models.CharField(max_length=500, blank=True)
    format = models.CharField(_("format"), max_length=20, default="auto")
    detected_format = models.CharField(_("format read"), max_length=20, blank=True)
    label = models.CharField(_("sharing label"), max_length=12, blank=True)
    dry_run = models.BooleanField(_("validate only"), default=False)
    accept_valid = models.BooleanField(_("import the valid rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("import count", "created"), default=0)
    updated = models.PositiveIntegerField(pgettext_lazy("import count", "updated"), default=0)
    unchanged = models.PositiveIntegerField(pgettext_lazy("import count", "unchanged"), default=0)
    rejected = models.PositiveIntegerField(pgettext_lazy("import count", "rejected"), default=0)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    #: The first problems of the report (the whole report is a CSV file beside the job).
    errors = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("import job", "created"), auto_now_add=True)
    started_at = models.DateTimeField(pgettext_lazy("import job", "started"), null=True, blank=True)
    finished_at = models.DateTimeField(
        pgettext_lazy("import job", "finished"), null=True, blank=True
    )

    # The report names cells and values of the importing organisation's own file; it stays
    # with that organisation, like the file.
    field_classes: ClassVar[dict[str, FieldClass]] = {
        "*": INTERNAL,
        "status": PUBLIC,
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def directory(self) -> Path:
        return Path(settings.WAYPOINT_JOB_DIR)

    @property
    def progress_path(self) -> Path:
        return self.directory / f"{self.public_id}.progress.json"

    @property
    def report_path(self) -> Path:
        return self.directory / f"{self.public_id}.errors.csv"

    def progress(self) -> dict[str, Any]:
        """Rows read so far and the expected total, while running; the final count after."""
        if self.status == JobStatus.RUNNING:
            try:
                return dict(json.loads(self.progress_path.read_text()))
            except (OSError, ValueError):
                return {"rows_read": 0, "rows_expected": None}
        return {"rows_read": self.rows_read, "rows_expected": self.rows_read or None}


class ImportedRecord(models.Model):
    """The fingerprint of an incident's content as last imported, so that importing the same
    file again changes nothing. The fingerprint is keyed (HMAC): it cannot be used to confirm a
    guess of the sealed values it covers."""

    incident = models.OneToOneField(
        Incident, models.CASCADE, related_name="import_record", primary_key=True
    )
    fingerprint = models.CharField(max_length=64)
    job = models.ForeignKey(ImportJob, models.SET_NULL, null=True, related_name="+")

    field_classes: ClassVar[dict[str, FieldClass]] = {"*": INTERNAL}

    class Meta:
        verbose_name = _("imported record")
