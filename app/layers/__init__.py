"""Planners' layers over the published pins: DBSCAN clusters, districts, hexagons.

`params` reads and bounds the layer parameters; `queries` composes `published_ideas()` and the
pin filters with the spatial functions in `geo/`. Views and exports call these, nothing else.
"""
