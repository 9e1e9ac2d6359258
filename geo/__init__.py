"""Spatial operations with no Flask and no knowledge of ideas or users."""
