"""The WSGI application: pygeoapi's Flask app behind two small request rewrites.

Languages: pygeoapi (0.21) answers a request for a language with a script or an uncommon
region, such as ``Accept-Language: zh-Hans`` or ``?lang=zh-Hant-TW``, with a 500 error (Babel
cannot build ``zh_CN`` without a script). Browsers and GIS clients send such tags, so every
tag is cut to its primary language (``zh``, ``en``); the service offers exactly those two.

JSON only: pygeoapi's HTML pages load Leaflet and Bootstrap from public CDNs (nothing of the
kind is reachable on an intranet) and embed the features in a script block without escaping
``</script>``, which would let a property's text act as markup. Every response is therefore
JSON (``f=json`` unless a client asks for another JSON flavour such as ``jsonld``); browsers
show it as text.
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


JSON_FORMATS = ("json", "jsonld")


def rewrite_query(query: str) -> str:
    """The query string with ``lang`` cut to its primary language and ``f`` set to a JSON format."""
    pairs = [(k, primary_language(v) if k == "lang" else v) for k, v in parse_qsl(query, keep_blank_values=True)]
    pairs = [(k, v) for k, v in pairs if k != "f" or v in JSON_FORMATS]
    if not any(k == "f" for k, _ in pairs):
        pairs.append(("f", "json"))
    return urlencode(pairs)


def with_request_rewrites(app: WSGIApp) -> WSGIApp:
    """Wrap ``app`` so that it gets primary language tags only and always answers in JSON."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        header = environ.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            environ["HTTP_ACCEPT_LANGUAGE"] = normalise_accept_language(header)
        if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
            environ["QUERY_STRING"] = rewrite_query(environ.get("QUERY_STRING", ""))
        return app(environ, start_response)

    return wrapped


def application() -> WSGIApp:
    """pygeoapi's app for the configuration named by PYGEOAPI_CONFIG/PYGEOAPI_OPENAPI (see ``ogcapi.__main__``)."""
    from pygeoapi.flask_app import APP

    return with_request_rewrites(APP)
