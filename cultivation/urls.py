from django.urls import path

from cultivation import views

app_name = "cultivation"

urlpatterns = [
    path("board/", views.board_view, name="board"),
    path("key-list.xlsx", views.key_list_export_view, name="key-list-export"),
    path("firms/<str:credit_code>/pin/", views.pin_create_view, name="pin-create"),
    path("pins/", views.pins_view, name="pins"),
    path("pins/<int:pk>/end/", views.pin_end_view, name="pin-end"),
    path("plans/<str:credit_code>/", views.plan_view, name="plan"),
    path("plans/<str:credit_code>/tasks/", views.plan_task_create_view, name="plan-task-create"),
    path("plan-tasks/<int:pk>/", views.plan_task_update_view, name="plan-task-update"),
    path("plan-tasks/<int:pk>/status/", views.plan_task_status_view, name="plan-task-status"),
    path("warnings/", views.warnings_view, name="warnings"),
    path("warnings/<int:pk>/<str:action>/", views.warning_transition_view, name="warning-transition"),
    path("campaigns/", views.campaigns_view, name="campaigns"),
    path("campaigns/<int:year>/", views.campaign_view, name="campaign"),
    path("campaigns/<int:year>/candidates/", views.campaign_add_view, name="campaign-add"),
    path("campaign-entries/<int:pk>/transition/", views.campaign_entry_transition_view, name="campaign-transition"),
]
