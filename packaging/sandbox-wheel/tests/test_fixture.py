"""The installed wheel's fixture starts the installed binary on a free port
(run by scripts/dist/tools.sh from a scratch venv, with the ini option
jenga_sandbox_public_key set on the command line)."""

import json
import urllib.request


def test_the_fixture_serves_the_token_endpoint(jenga_sandbox):
    assert jenga_sandbox.base_url.startswith("http://127.0.0.1:")
    body = json.dumps({"merchantCode": "0000000000", "consumerSecret": "sandbox-consumer-secret"}).encode()
    request = urllib.request.Request(
        jenga_sandbox.base_url + "/authentication/api/v3/authenticate/merchant",
        data=body,
        method="POST",
        headers={"content-type": "application/json", "Api-Key": "sandbox-api-key"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        token = json.loads(response.read())
    assert token["tokenType"] == "Bearer" and token["accessToken"]
    assert jenga_sandbox.counters()["tokenRequests"] == 1


def test_faults_through_the_control_api(jenga_sandbox):
    jenga_sandbox.fault(endpoint="token", fault="rate_limited", count=1)
    request = urllib.request.Request(
        jenga_sandbox.base_url + "/authentication/api/v3/authenticate/merchant", data=b"{}", method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("the fault did not happen")
    except urllib.error.HTTPError as e:
        assert e.code == 429
    jenga_sandbox.reset()
    assert jenga_sandbox.counters()["tokenRequests"] == 0
