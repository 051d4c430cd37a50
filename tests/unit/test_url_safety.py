"""Which addresses count as "this computer" (plain http allowed) and which must be https (issue 15, points 3-4)."""

from __future__ import annotations

import pytest

from app.config import check_url_is_safe, is_loopback_url


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://LOCALHOST/api",
        "http://127.0.0.1:5000",
        "http://127.255.1.2",
        "http://[::1]:9000/",
    ],
)
def test_literal_loopback_addresses_count_as_this_computer(url: str) -> None:
    assert is_loopback_url(url)
    check_url_is_safe(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.evil.example",
        "http://127.0.0.1.nip.io",
        "http://127.0.0.1.evil.example:8080/api",
        "http://localhost.evil.example",
        "http://128.0.0.1",
        "http://[::2]",
        "http://0.0.0.0",
        "http://[",
        "http://",
    ],
)
def test_names_that_only_look_like_loopback_are_another_computer(url: str) -> None:
    assert not is_loopback_url(url)
    with pytest.raises(ValueError):
        check_url_is_safe(url)
