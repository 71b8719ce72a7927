"""The REST API under ``/api/v1/``: token authentication, the stable error shape, rate limits
and the routers mounted in ``waypoint.api.urls``."""
