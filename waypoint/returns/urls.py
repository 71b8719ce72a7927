"""The returns pages, under /returns/."""

from django.urls import URLPattern, URLResolver, path, re_path

from waypoint.returns import regional, views

UUID = r"(?P<return_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.return_list, name="returns"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.return_list_export, name="returns_export"),
    path("new/", views.return_new, name="return_new"),
    path("regional/", regional.regional, name="returns_regional"),
    re_path(
        r"^regional/table\.(?P<fmt>csv|xlsx)$",
        regional.regional_download,
        name="returns_regional_download",
    ),
    re_path(
        r"^regional/chart\.(?P<fmt>svg|png)$",
        regional.regional_chart,
        name="returns_regional_chart",
    ),
    path("<uuid:return_id>/", views.return_detail, name="return_detail"),
    re_path(rf"^{UUID}/figures\.(?P<fmt>csv|xlsx)$", views.return_figures, name="return_figures"),
    path("<uuid:return_id>/edit/", views.return_edit, name="return_edit"),
    path("<uuid:return_id>/prefill/", views.return_prefill, name="return_prefill"),
    path("<uuid:return_id>/submit/", views.return_submit, name="return_submit"),
    path("<uuid:return_id>/decide/", views.return_decide, name="return_decide"),
    path("<uuid:return_id>/revise/", views.return_revise, name="return_revise"),
]
