from django.urls import path

from waypoint.cases import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("<uuid:public_id>/", views.incident_detail, name="incident_detail"),
    path("<uuid:public_id>/reveal/", views.reveal, name="incident_reveal"),
]
