from django.urls import include, path

from waypoint.cases import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    # Entering and editing incidents (entry_urls) and finding them (list_urls).
    path("", include("waypoint.cases.entry_urls")),
    path("", include("waypoint.cases.list_urls")),
    path("<uuid:public_id>/", views.incident_detail, name="incident_detail"),
    path("<uuid:public_id>/reveal/", views.reveal, name="incident_reveal"),
]
