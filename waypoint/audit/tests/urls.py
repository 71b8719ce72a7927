"""The project's URLs with the audit page in front, for tests that must not depend on whether
``waypoint.urls`` mounts it yet."""

from django.urls import include, path

from waypoint import urls as project

urlpatterns = [
    path("audit/", include("waypoint.audit.urls")),
    *project.urlpatterns,
]
