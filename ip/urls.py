from django.urls import path

from ip import views

app_name = "ip"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("strongest/", views.strongest_view, name="strongest"),
    path("patents/<int:pk>/edit/", views.patent_edit_view, name="patent-edit"),
    path("<str:credit_code>/", views.firm_view, name="firm"),
    path("<str:credit_code>/new/", views.patent_create_view, name="patent-create"),
]
