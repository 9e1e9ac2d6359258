"""Marks messages for translation without importing Flask: the app translates them at the edge."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Return `message` unchanged; `pybabel extract -k N_` collects it into the catalogs."""
    return message
