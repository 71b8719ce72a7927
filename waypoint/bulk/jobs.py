"""Import jobs: an upload becomes a job; a runner imports it and keeps its progress and report.

``submit_import`` stores the uploaded file and creates a queued job; who runs it depends on
``WAYPOINT_JOB_RUNNER``: ``inline`` runs it before answering (tests), ``thread`` in a background
thread of the serving process (the demo), ``worker`` leaves it to ``waypoint work_jobs``
(production: one or more worker processes beside the web server). The import itself is the
same all-or-nothing ``run_import`` the CLI uses.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from waypoint.analytics.statistics import summary
from waypoint.bulk import importers
from waypoint.bulk.engine import ImportOptions, run_import
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.bulk.sources import SourceError
from waypoint.orgs.access import AccessDenied, recording_organisations, require_recorder
from waypoint.orgs.models import Organisation

#: Progress is written at most this often (seconds).
PROGRESS_EVERY = 0.5


class JobRefused(ValueError):
    """The upload cannot become a job (too large, unknown format)."""


def submit_import(
    *,
    actor: Any,
    organisation: Organisation,
    upload: IO[bytes] | Iterable[bytes],
    file_name: str,
    format: str = "auto",
    label: str = "",
    dry_run: bool = False,
    accept_valid: bool = False,
) -> ImportJob:
    """Store an uploaded file and queue its import; answer the job (already run when inline)."""
    require_recorder(actor, organisation)
    reap_stale()
    if format != "auto" and format not in importers.NAMES:
        raise JobRefused(
            f"unknown format {format!r}; use auto or one of {', '.join(importers.NAMES)}"
        )
    job = ImportJob.objects.create(
        organisation=organisation,
        created_by=actor,
        file_name=_without_nul(Path(file_name).name)[:255] or "upload",
        format=format,
        label=label,
        dry_run=dry_run,
        accept_valid=accept_valid,
    )
    job.directory.mkdir(parents=True, exist_ok=True)
    stored = job.directory / f"{job.public_id}.upload{Path(file_name).suffix.lower()[:10]}"
    _store(upload, stored)
    job.stored_path = str(stored)
    job.save(update_fields=["stored_path"])
    _dispatch(job)
    return job


def _store(upload: IO[bytes] | Iterable[bytes], target: Path) -> None:
    written = 0
    chunks = upload.chunks() if hasattr(upload, "chunks") else _chunks(upload)
    with target.open("wb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > settings.WAYPOINT_IMPORT_MAX_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise JobRefused(
                    f"the file is larger than {settings.WAYPOINT_IMPORT_MAX_BYTES // (1024 * 1024)} MB"
                )
            out.write(chunk)


def _chunks(upload: Any) -> Iterable[bytes]:
    if hasattr(upload, "read"):
        while chunk := upload.read(1024 * 1024):
            yield chunk
    else:
        yield from upload


def _dispatch(job: ImportJob) -> None:
    runner = settings.WAYPOINT_JOB_RUNNER
    if runner == "inline":
        run_job(job)
    elif runner == "thread":
        # The job row must be committed before another connection can pick it up.
        transaction.on_commit(lambda: _start_thread(job.pk))


def _start_thread(job_id: int) -> None:
    def work() -> None:
        try:
            job = ImportJob.objects.get(pk=job_id)
            run_job(job)
        finally:
            close_old_connections()

    threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start()


def run_job(job: ImportJob) -> ImportJob:
    """Import a queued job's file; record the outcome on the job."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    progress = _ProgressFile(job.progress_path)
    options = ImportOptions(
        format=job.format,
        label=job.label or None,
        dry_run=job.dry_run,
        accept_valid=job.accept_valid,
        report_path=job.report_path,
        # With accept_valid, the rejected rows to fix and import again (a .zip for several
        # tables), served by the job's page.
        rejected_path=job.directory / f"{job.public_id}.rejected.csv",
        progress=progress.update,
        job=job,
    )
    try:
        report = run_import(
            actor=job.created_by,
            organisation=job.organisation,
            path=job.stored_path,
            name=job.file_name,
            options=options,
        )
    except (SourceError, AccessDenied, KeyError) as error:
        _finish(job, JobStatus.FAILED, message=str(error))
    except Exception as error:  # the job must not stay "running" whatever happened
        _finish(job, JobStatus.FAILED, message=f"the import stopped: {type(error).__name__}")
        raise
    else:
        status = (
            JobStatus.REJECTED if report.rejected and not report.written else JobStatus.SUCCEEDED
        )
        if report.dry_run:
            status = JobStatus.REJECTED if report.rejected else JobStatus.SUCCEEDED
        _finish(job, status, report=report)
        if report.written and not report.dry_run:
            # So that the statistics count the new records from the summary, not one by one.
            summary.refresh([job.organisation_id])
    finally:
        progress.remove()
    return job


def _finish(job: ImportJob, status: str, *, report: Any = None, message: str = "") -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.message = _without_nul(message)
    if report is not None:
        job.detected_format = report.format
        job.rows_read = report.rows_read
        job.created, job.updated = report.created, report.updated
        job.unchanged, job.rejected = report.unchanged, report.rejected
        job.error_count = report.error_count
        job.errors = _without_nul([issue.as_dict() for issue in report.errors[:200]])
        job.notices = _without_nul(report.notices[:50])
    job.save()
    stored = Path(job.stored_path) if job.stored_path else None
    if stored and stored.exists():
        stored.unlink()


def _without_nul(value: Any) -> Any:
    """PostgreSQL stores no NUL character in text or JSON; a broken file can put one in a
    message or a reported value."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    return value


class _ProgressFile:
    """Rows read so far, written atomically beside the job for pages and the API to read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written_at = 0.0

    def update(self, rows: int, expected: int | None) -> None:
        now = time.monotonic()
        if now - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"rows_read": rows, "rows_expected": expected}))
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def jobs_for(actor: Any) -> Any:
    """The import jobs the actor may see: those of organisations where they may record."""
    return ImportJob.objects.filter(organisation__in=recording_organisations(actor)).select_related(
        "organisation", "created_by"
    )


#: A running job whose progress has not moved for this long died with its process.
STALE_AFTER = datetime.timedelta(minutes=10)


def reap_stale(now: datetime.datetime | None = None) -> int:
    """Mark running jobs whose process died (killed, machine restarted) as failed.

    Their transaction died with them, so nothing of theirs was written; without this they
    would show as running for ever. Progress is written every half second while a job runs, so a
    progress file (or a start) older than ``STALE_AFTER`` means the process is gone.
    """
    now = now or timezone.now()
    reaped = 0
    for job in ImportJob.objects.filter(status=JobStatus.RUNNING):
        try:
            moved = datetime.datetime.fromtimestamp(
                job.progress_path.stat().st_mtime, tz=datetime.UTC
            )
        except OSError:
            moved = job.started_at or job.created_at
        if now - moved > STALE_AFTER:
            _finish(
                job,
                JobStatus.FAILED,
                message="the import stopped before it ended (its process was stopped); "
                "nothing of it was written: import the file again",
            )
            job.progress_path.unlink(missing_ok=True)
            reaped += 1
    return reaped


def work(*, once: bool = False, poll: float = 2.0) -> int:
    """Run queued jobs in order until stopped (or until none is left, with ``once``)."""
    done = 0
    reap_stale()
    while True:
        job = ImportJob.objects.filter(status=JobStatus.QUEUED).order_by("created_at").first()
        if job is None:
            # Between jobs: count again the statistics summary of what changed meanwhile.
            summary.refresh()
            if once:
                return done
            time.sleep(poll)
            continue
        run_job(job)
        done += 1


def clean_up(job: ImportJob) -> None:
    """Remove a job's files (its upload, progress, report and rejected rows)."""
    for path in (
        Path(job.stored_path) if job.stored_path else None,
        job.progress_path,
        job.report_path,
        job.directory / f"{job.public_id}.rejected.csv",
        job.directory / f"{job.public_id}.rejected.zip",
    ):
        if path and path.exists():
            path.unlink()
