from django.urls import path

from officers import views

app_name = "officers"

urlpatterns = [
    path("", views.officers_view, name="list"),
    path("auto-assign/", views.auto_assign_view, name="auto-assign"),
    path("runs/<int:pk>/", views.run_view, name="run"),
    path("<int:pk>/", views.officer_view, name="officer"),
    path("<int:pk>/edit/", views.officer_update_view, name="officer-update"),
    path("<int:pk>/active/", views.officer_active_view, name="officer-active"),
    path("my-firms/", views.my_firms_view, name="my-firms"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("firms/<str:credit_code>/", views.firm_view, name="firm"),
    path("firms/<str:credit_code>/assign/", views.firm_assign_view, name="firm-assign"),
    path("firms/<str:credit_code>/unassign/", views.firm_unassign_view, name="firm-unassign"),
    path("firms/<str:credit_code>/services/", views.service_log_create_view, name="service-create"),
    path("demands/", views.demands_view, name="demands"),
    path("demands/new/", views.demand_new_view, name="demand-new"),
    path("demands/<int:pk>/", views.demand_view, name="demand"),
    path("demands/<int:pk>/transition/", views.demand_transition_view, name="demand-transition"),
    path("coverage/", views.coverage_view, name="coverage"),
]
