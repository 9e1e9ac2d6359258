"""UI strings of the workspace's scripts (/planner), translated per request.

Placeholders in braces (`{n}`, `{name}`) are filled in by the scripts. Counts are said as
"Pins: {n}" where a script cannot choose a plural form; a key ending in "One" is the singular
of the key before it, which `t()` takes when `n` is 1.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.planner.js_strings import js_strings

STRINGS = {
    "mapLabel": _l(
        "Map of the planners' layers. Use arrow keys to move the map; the district table and "
        "the cluster list beside it select the same areas."
    ),
    "loading": _l("Loading the layer…"),
    "layerFailed": _l("The layer could not be loaded: {message}"),
    "layerRefusedField": _l("The layer could not be loaded. See the marked field: {message}"),
    # Under the downloads while a value of the view is refused: its files would be refused too.
    "exportsRefused": _l(
        "The files and the report that take the marked value cannot be made "
        "with it. Change it first."
    ),
    # A button beside a refusal that says which value would be taken (min_points at a million).
    "useSuggested": _l("Use {value}"),
    "districtsShown": _l("Districts shown: {n}."),
    "clustersShown": _l("Clusters shown: {n}."),
    "hexagonsShown": _l("Hexagons with pins shown: {n}."),
    "pinsShown": _l("Pins in view: {n}."),
    "legendCount": _l("Pins per district"),
    "legendRate": _l("Pins per 1,000 residents"),
    "legendHexagons": _l("Pins per hexagon (edge {size} m)"),
    "legendClusters": _l("Clusters: at least {n} pins within {eps} m"),
    "legendClustersOne": _l("Clusters: at least 1 pin within {eps} m"),
    "legendCluster": _l("A cluster's outline"),
    "legendPins": _l("Pins"),
    "legendPin": _l("A pin: activate it for its title and page"),
    "legendCell": _l("A number: many pins; activate it to zoom in"),
    "legendNone": _l("No pins"),
    "legendNoData": _l("No data (population unknown)"),
    "noData": _l("no data"),
    "districtCountLabel": _l("{name}: {value} pins. Activate to list them."),
    "districtCountLabelOne": _l("{name}: 1 pin. Activate to list it."),
    "districtRateLabel": _l("{name}: {value} pins per 1,000 residents. Activate to list them."),
    "clusterLabel": _l("Cluster {id}, pins: {n}"),
    "hexLabel": _l("Pins: {n}"),
    "pinLabel": _l("{kind}, {category}: {title}"),
    "cellLabel": _l("{n} pins here. Activate to zoom in."),
    "districtTitle": _l("District {name}"),
    "clusterTitle": _l("Cluster {id}"),
    "selectionCount": _l("Pins that match the filters: {n}"),
    "firstPinsListed": _l("The first {n} of {total} pins are listed."),
    "answer": _l("Answer all {n} pins"),
    "answerOne": _l("Answer the pin"),
    "answered": _l("{n} pins answered."),
    "answeredOne": _l("1 pin answered."),
    "tooManyToAnswer": _l(
        "This selection has {n} pins; at most {max} can be answered at once. Narrow the "
        "filters or choose a smaller area."
    ),
    "answerGone": _l(
        "Nothing was saved: a pin is no longer public. Reload the layer and try again."
    ),
    "importChooseFile": _l("Choose a GeoJSON file first."),
    "importTooLarge": _l(
        "The file is larger than {size}. Split it into smaller files and import them one by one."
    ),
    "importing": _l("Importing…"),
    "importNotJson": _l("Nothing was imported: the file is not valid GeoJSON (JSON)."),
    "imported": _l("{n} pins imported."),
    "importedHeld": _l("{n} pins imported, {held} held for moderation."),
    "importedOne": _l("1 pin imported."),
    "importedHeldOne": _l("1 pin imported and held for moderation."),
    "importRefused": _l("Nothing was imported: {message}"),
    "importRefusedFeature": _l("Nothing was imported. Feature {number} ({field}): {message}"),
    "importRefusedFeatureWhole": _l("Nothing was imported. Feature {number}: {message}"),
    # Beside a refusal for pins stored already: the first such pin's page.
    "importOpenPin": _l("Open pin {id}"),
    # The session ended meanwhile (workspace-sign-in.js): a link "Sign in" and what is kept.
    "draftKept": _l("Your answer is kept in this tab until you are back."),
    "draftRestored": _l(
        "Your answer from before you signed in again is back in the fields. Check it and send "
        "it again."
    ),
    "importAfterSignIn": _l("Then choose the file again."),
    # A layer's refusal in the words of the workspace's own fields (workspace-form.js).
    "untilBeforeSince": _l("This date must not be before the date under “Created from”."),
    "sizeTooManyCells": _l(
        "Hexagons this small would be too many for the whole municipality: choose an edge of at "
        "least {value} m."
    ),
    # Which filters apply, above the filters panel: "Filter: Kind: Idea; Status: New".
    "filterSummary": _l("Filter: {list}"),
    "districtsRefused": _l(
        "No district can be counted while a filter is refused: see the marked field."
    ),
}


def workspace_strings() -> dict[str, str]:
    """The workspace's strings and the planner pages' shared ones, in the request's language."""
    return {**js_strings(), **{key: str(value) for key, value in STRINGS.items()}}
