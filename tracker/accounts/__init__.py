"""Sign-in security: the sign-in audit, who needs a second factor, role changes, throttles."""
