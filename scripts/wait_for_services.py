"""Fail fast, with a clear message, when PostgreSQL or Redis is down (used by `make test`)."""

import sys
import time

import psycopg2
import redis


def wait(pg_url: str, redis_url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"
            psycopg2.connect(admin_url).close()
            redis.Redis.from_url(redis_url).ping()
            return
        except (psycopg2.OperationalError, redis.exceptions.ConnectionError) as exc:
            if time.monotonic() > deadline:
                sys.exit(f"PostgreSQL or Redis is not reachable: {exc}. Start them (see .ci/run).")
            time.sleep(1)


if __name__ == "__main__":
    wait(sys.argv[1], sys.argv[2])
