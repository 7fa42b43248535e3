"""The role groups the reports address. The one place this app names where roles are defined, so a
move of the roles module touches one import."""

from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER

COORDINATOR_ROLES = (REVIEWER, ADMINISTRATOR)

__all__ = ["ADMINISTRATOR", "COORDINATOR_ROLES", "EDITOR", "REVIEWER"]
