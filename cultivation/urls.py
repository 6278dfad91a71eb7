from django.urls import path

from cultivation import views

app_name = "cultivation"

urlpatterns = [
    path("board/", views.board_view, name="board"),
    path("key-list.xlsx", views.key_list_export_view, name="key-list-export"),
    path("firms/<str:credit_code>/pin/", views.pin_create_view, name="pin-create"),
    path("pins/<int:pk>/end/", views.pin_end_view, name="pin-end"),
]
