from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="checkout", permanent=False)),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<str:reference>/", views.order, name="order"),
]
