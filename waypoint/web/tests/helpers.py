"""What the sign-in and account tests share: codes from a device and the two sign-in steps."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from waypoint.web import actions


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the device's app shows now (or ``steps_ahead`` time steps later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def give_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def give_recovery_codes(user: Any) -> list[str]:
    return actions.replace_recovery_codes(actor=user)


def sign_in(client: Client, username: str, password: str, code: str | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    """Post the password, then the code when one is given; answer the last response."""
    response = client.post("/login/", {"username": username, "password": password}, **extra)
    if code is not None:
        response = client.post("/login/code/", {"code": code}, **extra)
    return response


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get("sessionid")
    return cookie.value if cookie is not None and cookie.value else None


def normalised(html: bytes, *variable: str) -> str:
    """The page with its CSRF tokens and the given values blanked, to compare two answers."""
    text = html.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", text)
    for value in variable:
        text = text.replace(value, "VALUE")
    return text


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, styles and
    event handlers, and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in names.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


class Fields(HTMLParser):
    """Form fields a person fills in, and the fields the page's labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name: value or "" for name, value in attrs}
        if tag == "label" and names.get("for"):
            self.labelled.add(names["for"])
        hidden = names.get("type") in {"hidden", "submit", "button"}
        if tag in {"input", "select", "textarea"} and not hidden:
            self.fields.append(names.get("id", f"<{tag} name={names.get('name')}> without id"))


def unlabelled_fields(html: str) -> list[str]:
    parser = Fields()
    parser.feed(html)
    return [field for field in parser.fields if field not in parser.labelled]


@contextmanager
def quiet(logger: str) -> Iterator[None]:
    """Silence a logger's warnings (e.g. django.request's 403 and 405 reports) for a while."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)
