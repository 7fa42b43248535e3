"""Sign-in pages: the second factor (enrol, verify, recovery codes), password reset through the
outbox, and the middleware for session limits, the second-factor gate and security headers."""
