"""A test-only middleware that disturbs IPN delivery the way networks do,
so the sandbox's real redelivery is exercised:

* `lose_acks`: the next N IPNs are processed, but their 200 never reaches
  the sender (it gets 503 and delivers the same IPN again);
* `refuse_all`: IPNs are refused before the view (503): the IPN is lost.
"""

from __future__ import annotations

import threading
from typing import Callable

from django.http import HttpRequest, HttpResponse


class IpnFaults:
    lock = threading.Lock()
    lose_acks = 0
    refuse_all = False

    @classmethod
    def reset(cls) -> None:
        with cls.lock:
            cls.lose_acks = 0
            cls.refuse_all = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/jenga/ipn":
            return self.get_response(request)
        with IpnFaults.lock:
            refuse = IpnFaults.refuse_all
        if refuse:
            return HttpResponse("lost", status=503)
        response = self.get_response(request)
        with IpnFaults.lock:
            if response.status_code == 200 and IpnFaults.lose_acks > 0:
                IpnFaults.lose_acks -= 1
                return HttpResponse("ack lost", status=503)
        return response
