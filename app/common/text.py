"""The one text cleaner every text field goes through, from bodies and query strings alike.

It trims, normalises to NFC and bounds the length, and refuses what cannot be shown honestly:
lone surrogates (PostgreSQL cannot store them), control characters, and invisible or
direction-changing format characters (U+202E would show "…exe.gnp" for "…png.exe").
A zero-width joiner stays where real text needs it: between the parts of an emoji sequence.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from app.common.errors import InvalidField
from app.common.limits import TextLimit
from geo.i18n import N_

ZWJ = "\u200d"
LINE_BREAKS = "\n\r\t"
# Categories whose characters render as nothing, or reorder or corrupt what follows.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
# What may stand beside a ZWJ in an emoji sequence: symbols, skin tones, variation selectors.
_EMOJI_PARTS = {"So", "Sk", "Mn", "Me"}


def _is_emoji_joiner(text: str, index: int) -> bool:
    """A ZWJ with emoji parts on both sides (👩‍💻), not one hidden inside a word."""
    if index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return (
        unicodedata.category(before) in _EMOJI_PARTS and unicodedata.category(after) in _EMOJI_PARTS
    )


def first_refused_character(text: str, *, multiline: bool) -> str | None:
    """The first character the text may not hold, or None when it is clean."""
    for index, char in enumerate(text):
        if multiline and char in LINE_BREAKS:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            if char == ZWJ and _is_emoji_joiner(text, index):
                continue
            return char
    return None


def clean_text(
    value: Any, field: str, limit: TextLimit, *, multiline: bool = False, required: bool = False
) -> str | None:
    """The value trimmed and NFC-normalised, or an InvalidField naming `field`.

    Empty optional text is None; line breaks are kept (as LF) only where `multiline`.
    """
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise InvalidField(N_("This field is required."), field=field, code="required")
        return None
    if not isinstance(value, str):
        raise InvalidField(N_("This field must be text."), field=field)
    # The length as sent, before trimming: what the OpenAPI document's maxLength promises.
    if len(value) > limit.max:
        raise InvalidField(
            N_("Write at most %(n)s characters."), field=field, code="too_long", n=limit.max
        )
    refused = first_refused_character(value, multiline=multiline)
    if refused is not None:
        raise InvalidField(
            N_("This field contains an invisible or control character (U+%(code_point)s)."),
            field=field,
            code="invalid_character",
            code_point=f"{ord(refused):04X}",
        )
    text = unicodedata.normalize("NFC", value.strip())
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text and required:
        raise InvalidField(N_("This field is required."), field=field, code="required")
    if len(text) < limit.min:
        raise InvalidField(
            N_("Write at least %(n)s characters."), field=field, code="too_short", n=limit.min
        )
    return text


def fold(text: str) -> str:
    """Lower-case without accents, so "umea" finds "Umeå" and "overboda" finds "Överboda"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
