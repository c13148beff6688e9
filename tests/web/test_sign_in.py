"""Signing in: a session cookie for the right password, nothing for a wrong one, and every
other API route closed without it."""

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer

from daojiao import web_support
from daojiao.web_support import hash_password, verify_password

from .conftest import body, header


def test_the_right_password_gives_an_http_only_session_cookie(browser):
    response = browser.sign_in("zhangwei")

    assert response.status_code == 200
    assert body(response) == {"role": "party", "key": "440106199001011235",
                              "display_name": "张伟"}
    cookie = header(response, "Set-Cookie")
    assert cookie.startswith("session=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=Lax"):
        assert attribute in cookie


def test_a_wrong_password_is_refused_without_a_cookie(browser):
    response = browser.sign_in("zhangwei", "wrong-password")

    assert response.status_code == 401
    assert "error" in body(response)
    assert not header(response, "Set-Cookie")


def test_an_unknown_username_is_refused_like_a_wrong_password(browser):
    response = browser.sign_in("nobody-here")

    assert response.status_code == 401
    assert body(response)["error"] == "wrong username or password"


def test_api_routes_need_the_session_cookie(browser):
    response = browser.get("/api/cases")

    assert response.status_code == 401
    assert body(response) == {"error": "sign in first", "field": None}


def test_a_forged_cookie_is_no_session(browser):
    browser.cookies["session"] = "eyJ1IjoiYWRtaW4ifQ.forged.signature"

    assert browser.get("/api/cases").status_code == 401


def test_signing_out_ends_the_session(signed_in):
    user = signed_in("zhangwei")
    assert user.get("/api/cases").status_code == 200

    response = user.delete("/api/session")

    assert response.status_code == 200
    assert "Max-Age=0" in header(response, "Set-Cookie")
    assert user.get("/api/cases").status_code == 401


def test_the_sign_in_page_sets_the_cookie_and_goes_where_it_was_asked(browser):
    response = browser.post_form("/login", {"username": "med-gd-1", "password": "demo1234",
                                            "next": "/cases"})

    assert response.status_code == 303
    assert header(response, "Location") == "/cases"
    assert "session" in browser.cookies


def test_the_sign_in_page_never_sends_you_off_site(browser):
    response = browser.post_form("/login", {"username": "med-gd-1", "password": "demo1234",
                                            "next": "//evil.example/"})

    assert header(response, "Location") == "/cases"


@pytest.mark.parametrize("target", [
    "/cases\nSet-Cookie: x=1", "/cases\r\nLocation: //evil.example", "/\t/evil.example",
    "/cases\x00", "//evil.example/", "https://evil.example/", "evil.example/cases",
    "/\\evil.example", "", "/ /evil.example"])
def test_a_next_that_is_not_a_plain_path_of_this_site_goes_to_the_case_list(browser, target):
    response = browser.post_form("/login", {"username": "med-gd-1", "password": "demo1234",
                                            "next": target})

    assert response.status_code == 303
    assert header(response, "Location") == "/cases"


def test_a_next_with_chinese_letters_is_kept_percent_encoded(browser):
    response = browser.post_form("/login", {"username": "med-gd-1", "password": "demo1234",
                                            "next": "/cases?q=张伟"})

    assert header(response, "Location") == "/cases?q=%E5%BC%A0%E4%BC%9F"


def test_without_session_secret_a_session_lasts_as_long_as_the_process(monkeypatch):
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    web_support._process_secret.cache_clear()
    token = web_support._serializer().dumps({"u": "admin"})

    assert web_support._serializer().loads(token) == {"u": "admin"}
    web_support._process_secret.cache_clear()  # as after a restart
    with pytest.raises(BadSignature):
        web_support._serializer().loads(token)
    web_support._process_secret.cache_clear()


def test_a_cookie_signed_with_the_old_development_secret_is_no_session(browser, monkeypatch):
    monkeypatch.delenv("SESSION_SECRET", raising=False)
    forged = URLSafeTimedSerializer("daojiao-local-development-session-secret",
                                    salt="daojiao-session").dumps({"u": "admin"})
    browser.cookies["session"] = forged

    assert browser.get("/api/cases").status_code == 401


def test_an_overlong_username_is_a_wrong_password_not_an_error(browser):
    response = browser.sign_in("z" * 5000)

    assert response.status_code == 401
    assert body(response)["error"] == "wrong username or password"


def test_the_sign_in_page_says_when_the_password_is_wrong(browser):
    response = browser.post_form("/login", {"username": "zhangwei", "password": "nope"})

    assert response.status_code == 401
    assert 'id="err-login"' in response.body.decode()
    assert "session" not in browser.cookies


def test_a_page_sends_a_signed_out_visitor_to_the_sign_in_page(browser):
    response = browser.get("/cases")

    assert response.status_code == 303
    assert header(response, "Location") == "/login?next=/cases"


def test_passwords_are_stored_as_salted_pbkdf2():
    stored = hash_password("demo1234", iterations=1000)
    scheme, iterations, salt, digest = stored.split("$")

    assert (scheme, iterations, len(salt), len(digest)) == ("pbkdf2", "1000", 32, 64)
    assert verify_password("demo1234", stored)
    assert not verify_password("demo12345", stored)
    assert hash_password("demo1234", iterations=1000) != stored  # a new salt each time


def test_a_malformed_stored_hash_never_verifies():
    assert not verify_password("demo1234", "")
    assert not verify_password("demo1234", "md5$abc")
    assert not verify_password("demo1234", "pbkdf2$x$00$00")
