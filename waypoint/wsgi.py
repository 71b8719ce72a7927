"""WSGI entry point for production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
application = get_wsgi_application()

# WSGI servers run no system checks: refuse to serve with a master key that opens nothing.
from waypoint.vault.checks import require_matching_master_key  # noqa: E402

require_matching_master_key()
