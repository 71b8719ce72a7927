#!/usr/bin/env python
"""Django's command-line utility; ``waypoint`` is the same with the project's name."""

from waypoint.__main__ import main

if __name__ == "__main__":
    main()
