"""indicators' part of API v1. Importing the package registers how its records are named."""

from . import keys  # noqa: F401 -- registers the natural-key codecs with api.keys
