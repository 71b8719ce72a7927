from django.urls import URLPattern, URLResolver, path

from waypoint.cases import entry

urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", entry.incident_new, name="incident_new"),
    path("<uuid:public_id>/edit/", entry.incident_edit, name="incident_edit"),
    path("<uuid:public_id>/history/", entry.incident_history, name="incident_history"),
]
