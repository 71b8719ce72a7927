"""The imports pages: upload a file, follow its job, read and download its report.

An upload becomes a job through ``bulk.jobs.submit_import``, the same path the API takes; the
job page polls a small progress fragment while the job waits or runs, then shows the outcome.
Only users who record for an organisation reach these pages, and a job of another organisation
answers like one that does not exist.
"""

from __future__ import annotations

import csv
import itertools
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.bulk import importers
from waypoint.bulk.formulas import restore
from waypoint.bulk.jobs import JobRefused, jobs_for, submit_import
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.bulk.template import TEMPLATES, write_template
from waypoint.cases.models import Label
from waypoint.orgs.access import AccessDenied, recording_organisations
from waypoint.orgs.models import Organisation

JOBS_PER_PAGE = 20
PROBLEMS_PER_PAGE = 50
REPORT_COLUMNS = ("file", "sheet", "row", "column", "value", "reason", "accepted")
FORMAT_TITLES = {
    "auto": _("Automatic (from the header)"),
    "waypoint": _("Waypoint native layout (CSV, XLSX, ZIP of CSV)"),
    "ctdc": _("IOM CTDC global victim dataset"),
    "htcds": _("HTCDS 2.0 (Human Trafficking Case Data Standard)"),
    "mmp": _("IOM Missing Migrants Project"),
}


class ImportForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, a ZIP of CSV files, or HTCDS JSON."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.zip,.json"}),
    )
    format = forms.ChoiceField(label=_("Format"), initial="auto")
    label = forms.ChoiceField(
        label=_("Sharing label of new records"),
        required=False,
        help_text=_("Used where the file gives none. Existing records keep their label."),
    )
    dry_run = forms.BooleanField(label=_("Check only: write nothing"), required=False)
    accept_valid = forms.BooleanField(
        label=_("Import the valid records even if some rows are rejected"),
        required=False,
        help_text=_(
            "Without this, nothing is written when any row is rejected. With it, the rejected "
            "rows are kept in a file to fix and import again."
        ),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.organisations = {org.code: org for org in organisations}
        organisation: Any = self.fields["organisation"]
        organisation.choices = [(org.code, f"{org.name} ({org.code})") for org in organisations]
        if len(organisations) == 1:
            # Nothing to choose: the field is left out of the page.
            organisation.required = False
            organisation.initial = organisations[0].code
        format_field: Any = self.fields["format"]
        format_field.choices = [
            (name, FORMAT_TITLES.get(name, name)) for name in ("auto", *importers.NAMES)
        ]
        label_field: Any = self.fields["label"]
        label_field.choices = [
            ("", _("From the file, else TLP:RED")),
            *Label.choices,
        ]

    def clean_organisation(self) -> str:
        code = str(self.cleaned_data.get("organisation") or "")
        if not code and len(self.organisations) == 1:
            return next(iter(self.organisations))
        return code

    @property
    def chosen_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


def _recording(request: HttpRequest) -> list[Organisation]:
    """The organisations the user records for; to anyone else the section does not exist."""
    organisations = recording_organisations(request.user)
    if not organisations:
        raise Http404("No page matches the given query.")
    return organisations


@require_http_methods(["GET", "POST"])
@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file to import, and see the recent imports of one's organisations."""
    organisations = _recording(request)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organisations=organisations,
    )
    if form.is_bound and form.is_valid():
        job = _submit(request, form)
        if job is not None:
            return redirect("import_job", job_id=job.public_id)
    jobs = Paginator(jobs_for(request.user).order_by("-created_at", "-pk"), JOBS_PER_PAGE)
    return render(
        request,
        "bulk/imports.html",
        {
            "form": form,
            "jobs": jobs.get_page(request.GET.get("page")),
            "several": len(organisations) > 1,
        },
    )


def _submit(request: HttpRequest, form: ImportForm) -> ImportJob | None:
    upload = form.cleaned_data["file"]
    try:
        return submit_import(
            actor=request.user,
            organisation=form.chosen_organisation,
            upload=upload,
            file_name=upload.name or "upload",
            format=form.cleaned_data["format"],
            label=form.cleaned_data["label"],
            dry_run=form.cleaned_data["dry_run"],
            accept_valid=form.cleaned_data["accept_valid"],
        )
    except JobRefused as error:
        form.add_error("file", str(error))
    except AccessDenied:
        form.add_error("organisation", _("You do not record for this organisation."))
    return None


def _job(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    job = jobs_for(request.user).filter(public_id=job_id).first()
    if job is None:
        raise Http404("No import matches the given query.")
    return job


def _running(job: ImportJob) -> bool:
    return job.status in (JobStatus.QUEUED, JobStatus.RUNNING)


@require_GET
@login_required
def import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """One import: live progress while it runs, then its counts and every problem."""
    job = _job(request, job_id)
    context: dict[str, Any] = {
        "job": job,
        "running": _running(job),
        # Whether the counts say what was written, or what would have been.
        "written": job.status == JobStatus.SUCCEEDED and not job.dry_run,
        "label": Label(job.label).label if job.label in Label.values else "",
        **_progress(job),
    }
    if not context["running"]:
        context["problems"] = _problems(job, request.GET.get("page"))
        context["rejected_file"] = rejected_rows_file(job) is not None
    return render(request, "bulk/job.html", context)


@require_GET
@login_required
def import_progress(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The progress fragment the job page polls; once the job ends, the page reloads."""
    job = _job(request, job_id)
    running = _running(job)
    response = render(
        request, "bulk/progress.html", {"job": job, "running": running, **_progress(job)}
    )
    if not running and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


def _progress(job: ImportJob) -> dict[str, Any]:
    progress = job.progress()
    expected = progress.get("rows_expected")
    read = progress.get("rows_read") or 0
    return {
        "rows_read": read,
        "rows_expected": expected if expected and expected >= read else None,
    }


class _ReportRows:
    """The rows of a job's CSV report, read from the file only for the page shown."""

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            rows = itertools.islice(csv.DictReader(handle), window.start, window.stop)
            return [_restored(row) for row in rows]


def _restored(row: dict[str, str]) -> dict[str, Any]:
    """A report line as the importer saw it (the CSV quotes what a spreadsheet would run)."""
    values: dict[str, Any] = {key: restore(row.get(key) or "") for key in REPORT_COLUMNS}
    values["row"] = int(values["row"]) if values["row"].isdigit() else None
    return values


def _problems(job: ImportJob, number: str | None) -> Page[Any]:
    rows: Any = job.errors
    if job.error_count and job.report_path.exists():
        rows = _ReportRows(job.report_path, job.error_count)
    return Paginator(rows, PROBLEMS_PER_PAGE).get_page(number)


@require_GET
@login_required
def import_errors(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    """Every problem of an import as CSV, the same file the API serves."""
    job = _job(request, job_id)
    response: HttpResponseBase
    if job.report_path.exists():
        response = FileResponse(job.report_path.open("rb"), content_type="text/csv; charset=utf-8")
    else:
        header = ",".join((*REPORT_COLUMNS, "code", "reference"))
        response = HttpResponse(f"\ufeff{header}\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.public_id}-errors.csv"'
    return response


def rejected_rows_file(job: ImportJob) -> Path | None:
    """The rejected rows of an import that wrote the valid ones, if the runner kept them: a CSV
    (or, for a file of several tables, a ZIP of CSVs) beside the job's report."""
    if not job.accept_valid:
        return None
    for suffix in (".csv", ".zip"):
        path = job.directory / f"{job.public_id}.rejected{suffix}"
        if path.exists():
            return path
    return None


def _base_name(job: ImportJob) -> str:
    stem = Path(job.file_name).stem.replace('"', "").replace("\\", "") or "import"
    return stem[:100]


@require_GET
@login_required
def import_rejected(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    """The rejected rows as they were in the file, with an ``errors`` column: fix and import."""
    job = _job(request, job_id)
    path = rejected_rows_file(job)
    if path is None:
        raise Http404("This import kept no rejected rows.")
    content_type = "application/zip" if path.suffix == ".zip" else "text/csv; charset=utf-8"
    return FileResponse(
        path.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{_base_name(job)}.rejected{path.suffix}",
    )


@require_GET
@login_required
def import_template(request: HttpRequest, name: str) -> HttpResponse:
    """The native layout's template with a worked example, as CSV or XLSX."""
    _recording(request)
    if name not in TEMPLATES:
        raise Http404("No template matches the given query.")
    content_type, filename = TEMPLATES[name]
    response = HttpResponse(write_template(name), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
