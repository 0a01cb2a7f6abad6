from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("persons/<str:atena_number>/", views.person_detail, name="person"),
    path("households/<str:number>/", views.household_detail, name="household"),
    path("entry/", views.entry_menu, name="entry_menu"),
    path("entry/<str:kind>/", views.entry_form, name="entry"),
    path("entry/<str:kind>/validate/", views.entry_validate, name="entry_validate"),
    path("entry/<str:kind>/person-block/", views.entry_person_block, name="entry_person_block"),
    path("entry/<str:kind>/change-row/", views.entry_change_row, name="entry_change_row"),
    path("entry/<str:kind>/submit/", views.entry_submit, name="entry_submit"),
    path("transactions/<str:document_number>/", views.transaction_detail, name="transaction"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<str:document_number>/", views.approval_detail, name="approval"),
]
