from django.urls import path

from ip.api.views import IpOverviewView, PatentDetailView, PatentListView

urlpatterns = [
    path("patents/", PatentListView.as_view(), name="api-patents"),
    path("patents/<int:pk>/", PatentDetailView.as_view(), name="api-patent"),
    path("ip-overview/", IpOverviewView.as_view(), name="api-ip-overview"),
]
