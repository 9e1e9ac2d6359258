"""Pins (ideas and concerns): what is public, how they are filtered, created and supported."""
