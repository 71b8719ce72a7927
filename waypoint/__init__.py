"""Waypoint: secure voluntary reporting on migrant smuggling, trafficking and violence."""
