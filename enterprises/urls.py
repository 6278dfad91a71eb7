from django.urls import path

from enterprises import views
from enterprises.importing import views as import_views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("export/", import_views.export_view, name="export"),
    path("import/", import_views.import_home_view, name="import"),
    path("import/template/<str:kind>.xlsx", import_views.import_template_view, name="import-template"),
    path("import/<int:pk>/", import_views.import_detail_view, name="import-detail"),
    path("import/<int:pk>/progress/", import_views.import_progress_view, name="import-progress"),
    path("import/<int:pk>/commit/", import_views.import_commit_view, name="import-commit"),
    path("import/<int:pk>/cancel/", import_views.import_cancel_view, name="import-cancel"),
    path("import/<int:pk>/retry/", import_views.import_retry_view, name="import-retry"),
    path("import/<int:pk>/report.xlsx", import_views.import_report_view, name="import-report"),
    path("conflicts/", views.conflict_list_view, name="conflicts"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve_view, name="conflict-resolve"),
    path("<str:credit_code>/", views.enterprise_detail_view, name="detail"),
    path("<str:credit_code>/edit/", views.enterprise_edit_view, name="edit"),
]
