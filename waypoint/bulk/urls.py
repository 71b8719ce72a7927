"""The imports pages, under /imports/."""

from django.urls import URLPattern, URLResolver, path

from waypoint.bulk import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.import_list, name="import_list"),
    path("template/<str:name>/", views.import_template, name="import_template"),
    path("<uuid:job_id>/", views.import_job, name="import_job"),
    path("<uuid:job_id>/progress/", views.import_progress, name="import_progress"),
    path("<uuid:job_id>/errors.csv", views.import_errors, name="import_errors"),
    path("<uuid:job_id>/rejected/", views.import_rejected, name="import_rejected"),
]
