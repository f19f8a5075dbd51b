"""The map drawn through streamlit-folium's component, with each base map rendered once and the items sent with it.

``st_folium`` renders the whole folium map on every rerun. The base map (tiles, districts, labels,
legend, controls) only changes with its ``BaseSpec``, which a filter change leaves alone, yet it was
most of a filter change's server time. Here the base map's strings are kept per spec, the project items
follow them in the map's script (``layers.item_layers``: built once per process), and each run renders only its
own part: which items to show, the district-level badges, the selection and the layers menu. That part and the
base map reach the component as ``st_folium`` would send them (``tests/test_map_component.py`` compares them),
using streamlit-folium's own helpers; the package is pinned in requirements.txt because those helpers are not
public API.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import branca
import folium
import streamlit as st
import streamlit_folium as sf

import settings
from fileio import OutputError
from layers.item_layers import ItemSet, write_data_file, write_text_once
from layers.map_assembly import AssembledMap, BaseSpec, assemble_base
from layers.map_layers import MapLabels

# Values the component returns before the visitor does anything (st_folium's defaults, minus the
# map's bounds and zoom, which this app does not ask for).
_DEFAULTS: dict[str, Any] = {
    "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
    "last_active_drawing": None, "last_circle_radius": None, "last_circle_polygon": None,
    "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
}
BASES_KEPT = 24  # base maps kept per process (a few basemaps × districts × colourings)
# Where the item sets are written as files the map's page loads (served with the app's static files).
ITEMS_DIR = settings.STATIC_DIR / "generated"
ITEMS_URL = f"{settings.STATIC_URL}/generated"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BaseStrings:
    """A base map rendered to what the component draws it from."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    # the base map's layers in the layers menu: (name, variable, overlay)
    control_entries: tuple[tuple[str, str, bool], ...]
    script_hash: str  # st_folium's hash of the script (its generated names left out)


class BaseLayerRef(folium.map.Layer):
    """Names a layer of an already rendered base map for the layers menu; draws nothing itself."""

    def __init__(self, name: str, variable: str, overlay: bool) -> None:
        super().__init__(name=name, overlay=overlay)
        self._variable = variable

    def get_name(self) -> str:
        return self._variable


def _assets(element: Any) -> Iterator[tuple[list[str], list[str]]]:
    """The CSS and JS files an element and its children load (as st_folium collects them)."""
    if isinstance(element, branca.colormap.ColorMap):
        raise ValueError("colour maps load d3 from the internet; the map draws its own legend")
    if isinstance(element, folium.elements.JSCSSMixin):
        yield ([href for _, href in getattr(element, "default_css", [])],
               [src for _, src in getattr(element, "default_js", [])])
    for child in getattr(element, "_children", {}).values():
        yield from _assets(child)


def _links(*elements: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css: list[str] = []
    js: list[str] = []
    for element in elements:
        for c, j in _assets(element):
            css.extend(c)
            js.extend(j)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def render_base(m: folium.Map) -> BaseStrings:
    """Render a base map once, as st_folium does (it renames the map's elements while doing so)."""
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    css, js = _links(m)
    entries = tuple((item.layer_name, item.get_name(), bool(item.overlay)) for item in m._children.values()
                    if isinstance(item, folium.map.Layer) and item.control)
    return BaseStrings(script, header, html, sf.get_full_id(m), css, js, entries, sf.generate_js_hash(script))


class BaseCache:
    """Base maps rendered per (spec, labels), least recently used dropped first; safe across sessions' threads."""

    def __init__(self, size: int = BASES_KEPT) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[BaseSpec, str], BaseStrings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, spec: BaseSpec, labels: MapLabels) -> BaseStrings:
        key = (spec, labels.card_lookup_json)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        strings = render_base(assemble_base(spec, labels))  # outside the lock: other sessions go on
        with self._lock:
            self._kept[key] = strings
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return strings


BASES = BaseCache()


class ItemFiles:
    """Each item set written once per process as a file the map's page loads: the component's arguments are sent
    whole on every run, so items inside the script would travel again with every filter change (1.1 MiB at 10×
    items), while a file is fetched once per page (and kept by the browser's cache, its name changing with its
    content). Where the file cannot be written (a read-only install), the items travel in the script."""

    def __init__(self, directory: Path, url: str) -> None:
        self.directory, self.url = directory, url
        self._urls: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def url_of(self, items: ItemSet) -> str | None:
        with self._lock:
            if items.file_name not in self._urls:
                try:
                    write_data_file(items, self.directory)
                    self._urls[items.file_name] = f"{self.url}/{items.file_name}"
                except (OSError, OutputError) as exc:
                    log.warning("the map's items are sent in its script: %s cannot be written (%s)",
                                self.directory, exc)
                    self._urls[items.file_name] = None
            return self._urls[items.file_name]


ITEM_FILES = ItemFiles(ITEMS_DIR, ITEMS_URL)


class ScriptBundles:
    """The map frame's scripts served as one file.

    The component loads its scripts one after another (each waits for the one before: a request and a parse
    each), so Leaflet, its two plugins, the app's four scripts and the items made eight round trips before the
    map could be drawn. Joined in the same order into one file (named by its content, written once per process),
    they make one. Links outside the app's static files, or a file that cannot be read or written, leave the
    list as it is."""

    def __init__(self, static_dir: Path, static_url: str, directory: Path, url: str) -> None:
        self.static_dir, self.static_url, self.directory, self.url = static_dir, static_url, directory, url
        self._bundles: dict[tuple[str, ...], list[str]] = {}
        self._lock = threading.Lock()

    def links(self, links: list[str]) -> list[str]:
        key = tuple(links)
        with self._lock:
            if key not in self._bundles:
                self._bundles[key] = self._bundle(key)
            return self._bundles[key]

    def _bundle(self, links: tuple[str, ...]) -> list[str]:
        prefix = self.static_url + "/"
        if len(links) < 2 or not all(link.startswith(prefix) for link in links):
            return list(links)
        try:
            parts = []
            for link in links:
                text = (self.static_dir / link[len(prefix):]).read_text(encoding="utf-8")
                # a source-map comment names a file beside the original; in the middle of a bundle it misleads
                text = "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL="))
                parts.append(f"/* {link} */\n{text}\n;\n")
            bundle = "".join(parts)
            name = f"scripts-{hashlib.sha256(bundle.encode()).hexdigest()[:16]}.js"
            write_text_once(self.directory / name, bundle)
        except (OSError, OutputError) as exc:
            log.warning("the map's scripts are loaded one by one: %s", exc)
            return list(links)
        return [f"{self.url}/{name}"]


SCRIPT_BUNDLES = ScriptBundles(settings.STATIC_DIR, settings.STATIC_URL, ITEMS_DIR, ITEMS_URL)


@dataclass(frozen=True)
class ComponentArgs:
    """What the component is called with, apart from the callback."""

    kwargs: dict[str, Any]
    hash_key: str


def _component_key(base: BaseStrings, items_digest: str, key: str) -> str:
    """The component's key, from the base map's script (as st_folium makes it: a new base map is a new map in the
    page), the caller's key and the item set's digest (so is a new item set). The base map's part is hashed once,
    when it is rendered: hashing its script on every run would cost more than the rest of the run."""
    return hashlib.sha256(f"{base.script_hash}|{key}|{items_digest}".encode()).hexdigest()


def component_args(base: BaseStrings, built: AssembledMap, *, key: str, height: int,
                   returned_objects: Iterable[str], items_url: str | None = None) -> ComponentArgs:
    """The component's arguments for a base map's strings and this run's part of the map.

    The items travel in the script, with the base map; the run's feature groups (the items to show, the
    district-level badges, the selection) and the layers menu are what a filter change sends.
    """
    wanted = list(returned_objects)
    unknown = set(wanted) - set(_DEFAULTS)
    if unknown:
        raise ValueError(f"returned objects not supported here: {sorted(unknown)}")
    # The layers' scripts name their map; any map will do, since st_folium's helper renames it "map_div".
    # The layers menu lists the base map's layers and the items' categories too: they are named on the scratch
    # map, in the order listed.
    scratch = folium.Map(tiles=None)
    for name, variable, overlay in base.control_entries:
        scratch.add_child(BaseLayerRef(name, variable, overlay), name=variable)
    for ref in built.categories or []:
        scratch.add_child(ref, name=ref.get_name())
    groups = "".join(sf._get_feature_group_string(fg, map=scratch, idx=i) for i, fg in enumerate(built.layers))
    control = sf._get_layer_control_string(built.control, scratch)
    layer_css, layer_js = _links(*built.layers, built.control)
    # The items follow the base map in its script (st_folium runs it once, when the map is first drawn); with
    # ``items_url``, from that file, which the page loads (after static/items.js) before it runs the script.
    script = base.script + (built.items.init_script(from_file=items_url is not None)
                            if built.items is not None else "")
    data_js = [items_url] if items_url is not None and built.items is not None else []
    hash_key = _component_key(base, built.items.digest if built.items is not None else "", key)
    kwargs = dict(
        script=script, header=base.header, html=base.html, id=base.map_id, key=hash_key, height=height,
        width=None, returned_objects=wanted, default={k: _DEFAULTS[k] for k in wanted}, zoom=built.zoom,
        center=built.center, feature_group=built.show + groups, return_on_hover=False, layer_control=control,
        pixelated=False, css_links=list(dict.fromkeys(base.css_links + layer_css)),
        js_links=list(dict.fromkeys(base.js_links + layer_js)) + data_js, wrap_longitude=False,
    )
    return ComponentArgs(kwargs, hash_key)


def handover_sent(key: str) -> bool:
    """Whether this run's map under ``key`` was asked to report when it has drawn (``draw_map``'s ``handover``)."""
    return st.session_state.get(f"map_handover:{key}") is not None


def draw_map(built: AssembledMap, labels: MapLabels, *, key: str, height: int,
             returned_objects: Iterable[str] = ("last_active_drawing",),
             on_change: Callable[[], None] | None = None, handover: str | None = None) -> Any:
    """Draw ``built`` (assembled with ``base=False``) in the page; returns what the component reports.

    ``handover``: a token the map reports back (as ``handover`` in its value) once it has drawn this run's
    items (static/view_sync.js); a new token for each run that waits for it."""
    assert built.spec is not None, "the map was assembled without its base map's spec"
    args = component_args(BASES.get(built.spec, labels), built, key=key, height=height,
                          returned_objects=returned_objects,
                          items_url=ITEM_FILES.url_of(built.items) if built.items is not None else None)

    args.kwargs["js_links"] = SCRIPT_BUNDLES.links(args.kwargs["js_links"])
    # A new frame (a new base map) registers for the report only as its scripts run, after this render: it
    # could not report, so it is not asked to.
    frame_key, sent_key = f"map_frame:{key}", f"map_handover:{key}"
    same_frame = st.session_state.get(frame_key) == args.hash_key
    st.session_state[frame_key] = args.hash_key
    args.kwargs["handover"] = handover if same_frame else None
    st.session_state[sent_key] = args.kwargs["handover"]

    def changed() -> None:  # as st_folium: the value is also kept under the caller's key
        st.session_state[key] = st.session_state.get(args.hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(**args.kwargs, on_change=changed)
