"""UI strings the browser scripts show, translated per request and handed over in data-settings.

Add a key here for every text the JavaScript puts on the page: the scripts never hold UI text.
Placeholders in braces (`{n}`, `{name}`) are filled in by the scripts. A key ending in `One`
is the singular of the key before it, which `t()` (static/js/lib/settings.js) takes when `n` is 1.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.common.map_strings import map_strings

STRINGS = {
    "mapLabel": _l("Map of Umeå with pins. Use arrow keys to move the map, Enter to place a pin."),
    "networkError": _l("Could not reach the server. Check your connection and try again."),
    "serverError": _l("Something went wrong. Please try again."),
    "loading": _l("Loading…"),
    "pinsTruncated": _l("Only some of the pins are shown. Zoom in to see all."),
    "clusterLabel": _l("{n} pins here. Activate to zoom in."),
    "pinLabel": _l("{kind}, {category}: {title}"),
    "draftPinLabel": _l("The place of your new pin"),
    "district": _l("District"),
    "date": _l("Date"),
    "status": _l("Status"),
    "category": _l("Category"),
    "supports": _l("Supports"),
    "answer": _l("The municipality's answer"),
    "openPage": _l("Open the pin's page"),
    "support": _l("Support (+1)"),
    "supported": _l("Supported"),
    "supportSaved": _l("Thank you, your support was counted."),
    "unknownDistrict": _l("Unknown"),
    "chooseCategory": _l("Choose a category"),
    "pinAt": _l("At {lat}, {lon}"),
    "pinNear": _l("Near {name}"),
    "pinWhereIAm": _l("Place a pin where I am"),
    "locating": _l("Finding your position…"),
    "pinAtPosition": _l("Where you are (within {m} m). Click or tap the map to move the pin."),
    "positionOutside": _l(
        "Your position is outside Umeå municipality. Choose the place on the map instead."
    ),
    "positionDenied": _l(
        "The map may not use your position. Choose the place on the map instead, or allow it "
        "in your browser's settings."
    ),
    "positionUnknown": _l("Your position could not be found. Choose the place on the map instead."),
    "required": _l("This field is required."),
    "tooShort": _l("Write at least {n} characters."),
    "tooLong": _l("Write at most {n} characters."),
    "fixErrors": _l("Please correct the marked fields."),
    "saving": _l("Saving…"),
    "pinSaved": _l("Your pin “{title}” was saved and is now on the map."),
    "formOpened": _l("The form for a new pin is open."),
    "formClosed": _l("The form was closed."),
    "draftRestored": _l("Your unsaved draft was restored."),
    "discardDraft": _l("Discard the draft"),
    "draftDiscarded": _l("The draft was discarded."),
    "toolsToggle": _l("Search and filter"),
    "placesFound": _l("{n} places found. Choose one from the list."),
    "placesFoundOne": _l("1 place found. Choose it from the list."),
    "noPlaces": _l(
        "No district or locality has that name. Streets are not searched: move the map there "
        "instead."
    ),
    "placeTypeStadsdel": _l("district"),
    "placeTypeTatort": _l("locality"),
    "placeChosen": _l("The map now shows {name}."),
    "pinsMatch": _l("{n} pins in the map's view match the filter."),
    "pinsMatchOne": _l("1 pin in the map's view matches the filter."),
    "noPinsMatch": _l("No pins in the map's view match the filter. Zoom out or change the filter."),
    "filterCleared": _l("The filter is off: every pin is shown."),
    "similarFound": _l("{n} similar pins nearby, under the title."),
    "similarFoundOne": _l("1 similar pin nearby, under the title."),
    "myPins": _l("My pins"),
    "myPinsNotPublic": _l(
        "{n} of your pins are not on the public map: held for a moderator, or removed."
    ),
    "myPinsNotPublicOne": _l(
        "1 of your pins is not on the public map: held for a moderator, or removed."
    ),
    "forgetMyPinsConfirm": _l(
        "Forget which pins are yours in this browser? The pins stay on the map."
    ),
    "myPinsForgotten": _l("This browser no longer remembers your pins."),
    "duplicateOf": _l("Duplicate of"),
    "report": _l("Report this pin"),
    "closeCard": _l("Close the card"),
    "opensInNewTab": _l("opens in a new tab"),
    "pinDistrict": _l("District: {district}"),
    "pinsNotLoaded": _l("The pins could not be shown: {message}"),
    "filterRefused": _l("The filter “{field}” could not be used: {message}"),
}


def js_strings() -> dict[str, str]:
    """The strings in the request's language."""
    return {**map_strings(), **{key: str(value) for key, value in STRINGS.items()}}
