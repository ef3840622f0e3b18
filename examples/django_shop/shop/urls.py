"""URLs: the admin, the provider's endpoints (the jenga_stk app), the store."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("jenga/", include("jenga_stk.django.urls")),
    path("", include("store.urls")),
]
