"""The test project's URLconf: the admin and the app, as a shop would mount it."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("jenga/", include("jenga_stk.django.urls")),
]
