"""How gunicorn serves the app: what runs in its processes outside Flask."""
