from django.urls import path

from scoring.api.views import PortraitDetailView, PortraitListView

urlpatterns = [
    path("portraits/", PortraitListView.as_view(), name="api-portraits"),
    path("portraits/<str:credit_code>/", PortraitDetailView.as_view(), name="api-portrait"),
]
