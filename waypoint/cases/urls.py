from django.urls import path

from waypoint.cases import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("<uuid:public_id>/", views.incident_detail, name="incident_detail"),
]
