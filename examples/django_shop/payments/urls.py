from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="checkout", permanent=False)),
    path("checkout/", views.checkout, name="checkout"),
    path("payments/<str:order_reference>/", views.payment, name="payment"),
    path("jenga/callback", views.jenga_callback, name="jenga-callback"),
    path("jenga/ipn", views.jenga_ipn, name="jenga-ipn"),
]
