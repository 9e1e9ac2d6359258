"""Workshops: shared maps that a group draws on live, steered by a facilitator.

Services here validate, write and commit, and raise domain errors; they know no request.
"""
