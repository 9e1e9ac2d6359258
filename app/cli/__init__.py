"""`flask` commands, a module per group. Errors end in one clear line and exit code 1."""

from app.cli.demo import demo_cli
from app.cli.districts import districts_cli
from app.cli.map import map_cli
from app.cli.users import users_cli

__all__ = ["demo_cli", "districts_cli", "map_cli", "users_cli"]
