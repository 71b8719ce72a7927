"""The returns pages, under /returns/."""

from django.urls import URLPattern, URLResolver, path

from waypoint.returns import regional, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.return_list, name="returns"),
    path("new/", views.return_new, name="return_new"),
    path("regional/", regional.regional, name="returns_regional"),
    path("<uuid:return_id>/", views.return_detail, name="return_detail"),
    path("<uuid:return_id>/edit/", views.return_edit, name="return_edit"),
    path("<uuid:return_id>/prefill/", views.return_prefill, name="return_prefill"),
    path("<uuid:return_id>/submit/", views.return_submit, name="return_submit"),
    path("<uuid:return_id>/decide/", views.return_decide, name="return_decide"),
    path("<uuid:return_id>/revise/", views.return_revise, name="return_revise"),
]
