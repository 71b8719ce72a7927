"""``/imports`` and ``/exports``: file imports as jobs with progress and an error report, and
exports of what the token's user may see.

An import is uploaded as ``multipart/form-data`` and answers its job at once; the job runs in
the background (or before the answer, where the deployment runs jobs inline) and its status,
progress, counts and problems are read from ``/imports/{id}``, the whole report as CSV from
``/imports/{id}/errors.csv``.
"""

from __future__ import annotations

import datetime
import tempfile
import uuid
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field as SchemaField
from ninja import File, Form, Query, Router, Schema, UploadedFile

from waypoint.api.auth import actor
from waypoint.api.errors import BadRequest, Forbidden, NotFound
from waypoint.api.schemas.common import PageQuery, errors
from waypoint.bulk.exporters import REGISTRY as EXPORTERS
from waypoint.bulk.exporting import export_incidents
from waypoint.bulk.jobs import JobRefused, jobs_for, submit_import
from waypoint.bulk.models import ImportJob
from waypoint.bulk.template import TEMPLATES, write_template
from waypoint.cases.models import Label
from waypoint.orgs.access import AccessDenied, recording_organisations
from waypoint.orgs.models import Organisation

router = Router(tags=["imports and exports"])

ImportFormat = Literal["auto", "waypoint", "ctdc", "htcds", "mmp"]
ExportFormat = Literal["csv", "xlsx", "json", "htcds", "htcds-xlsx"]


class IssueOut(Schema):
    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str
    accepted: str
    code: str
    reference: str


class ProgressOut(Schema):
    rows_read: int
    rows_expected: int | None


class ImportOut(Schema):
    id: uuid.UUID
    owner: str = SchemaField(description="Code of the organisation the records are imported for.")
    file_name: str
    format: str = SchemaField(description="The format asked for (`auto` to recognise it).")
    detected_format: str = SchemaField(description="The format the file was read as.")
    status: str = SchemaField(description="queued, running, succeeded, rejected or failed.")
    dry_run: bool
    accept_valid: bool
    progress: ProgressOut
    created: int
    updated: int
    unchanged: int
    rejected: int
    error_count: int
    errors: list[IssueOut] = SchemaField(description="The first problems; all are in errors.csv.")
    notices: list[str]
    message: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class ImportPage(Schema):
    items: list[ImportOut]
    count: int


class ExportQuery(Schema):
    format: ExportFormat = "csv"
    year: int | None = SchemaField(None, ge=1900, le=2100)
    kind: str | None = SchemaField(None, max_length=40)
    country: str | None = SchemaField(None, max_length=3)
    label: Label | None = None
    owner: str | None = SchemaField(None, max_length=32)


def import_document(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.public_id,
        "owner": job.organisation.code,
        "file_name": job.file_name,
        "format": job.format,
        "detected_format": job.detected_format,
        "status": job.status,
        "dry_run": job.dry_run,
        "accept_valid": job.accept_valid,
        "progress": job.progress(),
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "error_count": job.error_count,
        "errors": job.errors,
        "notices": job.notices,
        "message": job.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def _owner_for(user: Any, code: str | None) -> Organisation:
    recording = recording_organisations(user)
    if code:
        chosen = next((org for org in recording if org.code == code), None)
        if chosen is None:
            raise Forbidden(f"you do not record for an organisation with code {code!r}")
        return chosen
    if len(recording) != 1:
        raise BadRequest(
            "name the organisation to import for (owner)"
            if recording
            else "you do not record for any organisation"
        )
    return recording[0]


@router.post(
    "/imports",
    response={202: ImportOut, **errors(400, 401, 403, 413, 422, 429)},
    summary="Upload a file to import",
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Form[ImportFormat] = "auto",
    owner: Form[str | None] = None,
    label: Form[Label | None] = None,
    dry_run: Form[bool] = False,
    accept_valid: Form[bool] = False,
) -> tuple[int, dict[str, Any]]:
    """Queue the import of a CSV, XLSX, ZIP or JSON file for one of your organisations.

    By default the import is all-or-nothing: if any row is rejected, nothing is written and the
    job ends `rejected` with every problem listed. `dry_run` validates without writing;
    `accept_valid` writes the valid rows and reports the rejected ones.
    """
    user = actor(request)
    organisation = _owner_for(user, owner)
    try:
        job = submit_import(
            actor=user,
            organisation=organisation,
            upload=file,
            file_name=file.name or "upload",
            format=format,
            label=label or "",
            dry_run=dry_run,
            accept_valid=accept_valid,
        )
    except JobRefused as error:
        raise BadRequest(str(error)) from error
    except AccessDenied as error:
        raise Forbidden(str(error)) from error
    job.refresh_from_db()
    return 202, import_document(job)


@router.get("/imports", response={200: ImportPage, **errors(401, 422, 429)}, summary="List imports")
def list_imports(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Imports of the organisations you record for, newest first."""
    jobs = jobs_for(actor(request)).order_by("-created_at", "-pk")
    items = jobs[page.offset : page.offset + page.limit]
    return {"items": [import_document(job) for job in items], "count": jobs.count()}


def _job(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    job = jobs_for(actor(request)).filter(public_id=job_id).first()
    if job is None:
        raise NotFound("No import with this id.")
    return job


@router.get(
    "/imports/{job_id}",
    response={200: ImportOut, **errors(401, 404, 422, 429)},
    summary="An import's status, progress and problems",
)
def get_import(request: HttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    return import_document(_job(request, job_id))


@router.get(
    "/imports/{job_id}/errors.csv",
    response={200: str, **errors(401, 404, 422, 429)},
    summary="Every problem of an import, as CSV",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def import_errors(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    """Columns: file, sheet, row, column, value, reason, accepted, code, reference."""
    job = _job(request, job_id)
    response: HttpResponseBase
    if not job.report_path.exists():
        response = HttpResponse(
            "\ufefffile,sheet,row,column,value,reason,accepted,code,reference\r\n",
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = FileResponse(job.report_path.open("rb"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.public_id}-errors.csv"'
    return response


@router.get(
    "/imports/template/{name}",
    response={200: str, **errors(401, 404, 422, 429)},
    summary="The native layout's template, with a worked example",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                }
            }
        }
    },
)
def import_template(request: HttpRequest, name: Literal["csv", "xlsx"]) -> HttpResponse:
    content_type, filename = TEMPLATES[name]
    response = HttpResponse(write_template(name), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/exports",
    response={200: str, **errors(400, 401, 422, 429)},
    summary="Export the incidents you may see",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {}}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                }
            }
        }
    },
)
def export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponseBase:
    """Exactly what you may see: partners' records in their de-identified form, never sealed
    values. Every export is recorded in the audit log."""
    exporter = next(item for item in EXPORTERS if item.name == query.format)
    filters = {
        key: value
        for key, value in query.dict().items()
        if key != "format" and value not in (None, "")
    }
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - the response owns it
    export_incidents(actor=actor(request), format=query.format, out=spool, filters=filters)
    spool.seek(0)
    response = FileResponse(spool, content_type=exporter.content_type)
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="waypoint-{stamp}.{exporter.extension}"'
    )
    return response
