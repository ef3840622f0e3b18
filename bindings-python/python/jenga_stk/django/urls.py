"""``path("jenga/", include("jenga_stk.django.urls"))``: the provider's two
endpoints (namespace ``jenga_stk``). Set the IPN URL on the portal to
``PUBLIC_URL`` + ``reverse("jenga_stk:ipn")``; callback URLs are made per payment."""

from django.urls import path

from . import views

app_name = "jenga_stk"
urlpatterns = [
    path("callback", views.callback, name="callback"),
    path("ipn", views.ipn, name="ipn"),
]
