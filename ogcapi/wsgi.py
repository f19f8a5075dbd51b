"""The WSGI application: pygeoapi's Flask app behind a language-tag normaliser.

pygeoapi (0.21) answers a request for a language with a script or an uncommon region, such
as ``Accept-Language: zh-Hans`` or ``?lang=zh-Hant-TW``, with a 500 error (Babel cannot
build ``zh_CN`` without a script). Browsers and GIS clients send such tags, so every tag is
cut to its primary language (``zh``, ``en``) before pygeoapi sees it; the service offers
exactly those two.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*$")


def primary_language(tag: str) -> str:
    """``zh-Hans-CN`` -> ``zh``; ``*`` and malformed tags are kept as they are."""
    m = _TAG.match(tag)
    return m.group(1).lower() if m else tag.strip()


def normalise_accept_language(header: str) -> str:
    """Each entry of an Accept-Language header cut to its primary language, weights kept."""
    parts = []
    for entry in header.split(","):
        tag, sep, params = entry.partition(";")
        if tag.strip():
            parts.append(primary_language(tag) + (sep + params if sep else ""))
    return ",".join(parts)


def with_plain_language_tags(app: WSGIApp) -> WSGIApp:
    """Wrap ``app`` so that the ``lang`` parameter and Accept-Language carry primary language tags only."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        header = environ.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            environ["HTTP_ACCEPT_LANGUAGE"] = normalise_accept_language(header)
        query = environ.get("QUERY_STRING", "")
        if "lang=" in query:
            pairs = parse_qsl(query, keep_blank_values=True)
            environ["QUERY_STRING"] = urlencode([(k, primary_language(v) if k == "lang" else v) for k, v in pairs])
        return app(environ, start_response)

    return wrapped


def application() -> WSGIApp:
    """pygeoapi's app for the configuration named by PYGEOAPI_CONFIG/PYGEOAPI_OPENAPI (see ``ogcapi.__main__``)."""
    from pygeoapi.flask_app import APP

    return with_plain_language_tags(APP)
