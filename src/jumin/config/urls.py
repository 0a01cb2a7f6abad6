from django.urls import include, path

urlpatterns = [
    path("", include("jumin.registry.urls")),
    path("accounts/", include("jumin.accounts.urls")),
    path("api/", include("jumin.api.urls")),
]
