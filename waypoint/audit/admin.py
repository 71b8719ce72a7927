"""Audit events are deliberately not registered with the admin site.

The admin would let the platform administrator read every event, including views of case
content, and offers add, change and delete actions that the log refuses anyway. Auditors read the
log at /audit/ (``waypoint.audit.views``) and operators with ``waypoint audit list``.
"""
