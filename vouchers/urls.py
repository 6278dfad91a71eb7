from django.urls import path

from vouchers import views

app_name = "vouchers"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("my-claims/", views.my_claims_view, name="my-claims"),
    path("claims/", views.claims_view, name="claims"),
    path("claims/new/", views.claim_new_view, name="claim-new"),
    path("claims/checklist/", views.claim_checklist_view, name="claim-checklist"),
    path("claims/<int:pk>/", views.claim_view, name="claim"),
    path("claims/<int:pk>/edit/", views.claim_edit_view, name="claim-edit"),
    path("claims/<int:pk>/transition/", views.claim_transition_view, name="claim-transition"),
    path("claims/<int:pk>/documents/", views.document_upload_view, name="document-upload"),
    path("documents/<int:pk>/", views.document_download_view, name="document"),
    path("documents/<int:pk>/delete/", views.document_delete_view, name="document-delete"),
    path("queue/", views.queue_view, name="queue"),
    path("publicity/", views.publicity_view, name="publicity"),
    path("policies/", views.policies_view, name="policies"),
    path("policies/<int:year>/", views.policy_view, name="policy"),
    path("policies/<int:year>/kinds/", views.kind_save_view, name="kind-create"),
    path("policies/<int:year>/kinds/<int:pk>/", views.kind_save_view, name="kind-update"),
    path("providers/", views.providers_view, name="providers"),
    path("providers/new/", views.provider_edit_view, name="provider-create"),
    path("providers/<int:pk>/", views.provider_edit_view, name="provider-update"),
]
