"""Finding incidents: exact search on identifiers, exporting the list, saved filters.

Included under ``/incidents/`` beside the list itself (``incident_list``).
"""

from django.urls import URLPattern, URLResolver, path

from waypoint.cases import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("identifier/", views.incident_identifier_search, name="incident_identifier_search"),
    path("export/", views.incident_export, name="incident_export"),
    path("filters/", views.saved_filter_create, name="saved_filter_create"),
    path("filters/<uuid:filter_id>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
]
