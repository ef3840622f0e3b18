"""jenga_stk.django: M-Pesa STK push payments for Django, as an installable app.

Setup (``pip install 'jenga-stk[django]'``): add ``"jenga_stk.django"`` to
``INSTALLED_APPS`` (app label ``jenga_stk``), one ``JENGA_STK`` settings dict
(``jenga_stk.django.conf``), ``path("jenga/", include("jenga_stk.django.urls"))``
in the URLconf, then ``manage.py migrate``. Start payments with
``jenga_stk.django.services.start_payment``; fulfil orders on the
``jenga_stk.django.signals.payment_paid`` signal; run
``manage.py jenga_stk_reconcile`` from cron.
"""
