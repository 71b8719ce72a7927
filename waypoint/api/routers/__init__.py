"""The API's routers, one module each, mounted in ``waypoint.api.urls``."""
