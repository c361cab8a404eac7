"""Signing in to the dashboard: a signed HttpOnly SameSite=Strict session, CSRF on every form,
sessions that end with their key; open without a key, as the API is."""

from __future__ import annotations

from tests.dashboard.conftest import KEY, Api, csrf_of, sign_in, signing_in


def test_without_a_key_the_dashboard_opens_directly(api: Api) -> None:
    page = api.client.get("/")
    assert page.status_code == 200 and "<h1>Portfolio</h1>" in page.text
    assert "Sign out" not in page.text
    assert api.client.get("/login", follow_redirects=False).headers["location"] == "/"


def test_with_a_key_every_page_asks_for_it_first(keyed: Api) -> None:
    for path in ("/", "/app/audits/6f0c1b9e-0000-4000-8000-000000000000"):
        response = keyed.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    # htmx polls are sent the whole page's way rather than a login form inside a fragment.
    polled = keyed.client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert polled.headers["hx-redirect"] == "/login?next=/"


def test_the_session_cookie_is_signed_httponly_and_strict(keyed: Api) -> None:
    signed_in = signing_in(keyed.client)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith("propertyaudit_session=")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert KEY not in cookie  # the caller it resolved to is kept, never the key
    page = keyed.client.get("/")
    assert page.status_code == 200 and "Sign out" in page.text
    # A cookie changed by hand no longer verifies: back to the login form.
    value = cookie.split(";")[0].split("=", 1)[1]
    for sent, status in ((value, 200), (value[:-2] + ("AA" if value[-2:] != "AA" else "BB"), 303)):
        keyed.client.cookies.clear()
        keyed.client.cookies.set("propertyaudit_session", sent)
        assert keyed.client.get("/", follow_redirects=False).status_code == status


def test_a_wrong_key_is_refused_and_says_so(keyed: Api) -> None:
    token = csrf_of(keyed.client, "/login")
    page = keyed.client.post("/login", data={"key": "nope", "csrf": token})
    assert page.status_code == 401 and "That key is not valid." in page.text
    assert keyed.client.get("/", follow_redirects=False).status_code == 303


def test_forms_without_the_session_token_are_refused(keyed: Api) -> None:
    keyed.client.get("/login")
    missing = keyed.client.post("/login", data={"key": KEY})
    forged = keyed.client.post("/login", data={"key": KEY, "csrf": "forged"})
    assert missing.status_code == forged.status_code == 403
    assert "reload the page" in missing.text
    assert sign_in(keyed.client) == 303
    # Signed in, a signal without the token is refused too (header or field, neither here).
    audit = "6f0c1b9e-0000-4000-8000-000000000000"
    assert keyed.client.post(f"/app/audits/{audit}/pause").status_code == 403


def test_sign_out_ends_the_session(keyed: Api) -> None:
    assert sign_in(keyed.client) == 303
    token = csrf_of(keyed.client, "/")
    out = keyed.client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert keyed.client.get("/", follow_redirects=False).status_code == 303


def test_an_organisation_session_ends_when_its_key_is_revoked(keyed: Api) -> None:
    admin = {"X-API-Key": KEY}
    org = keyed.client.post("/orgs", json={"name": "Lakeside"}, headers=admin).json()
    assert sign_in(keyed.client, org["api_key"]) == 303
    assert keyed.client.get("/", follow_redirects=False).status_code == 200
    revoked = keyed.client.delete(f"/orgs/{org['org_id']}/keys/{org['key_id']}", headers=admin)
    assert revoked.status_code == 204
    assert keyed.client.get("/", follow_redirects=False).status_code == 303


def test_after_sign_in_only_a_local_path_is_followed(keyed: Api) -> None:
    token = csrf_of(keyed.client, "/login")
    away = keyed.client.post(
        "/login",
        data={"key": KEY, "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert away.headers["location"] == "/"


def test_pages_forbid_inline_scripts_and_framing(api: Api) -> None:
    headers = api.client.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
