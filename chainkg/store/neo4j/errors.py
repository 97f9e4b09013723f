"""The driver's exceptions as the store's: what failed, on which server, and whether to retry.

- **Unavailable** (:class:`~chainkg.store.protocol.StoreUnavailable`): the server cannot be reached,
  the session expired, the pool is exhausted, or a transient error outlasted the managed
  transaction's retries. A write that fails so was rolled back (or, if the connection died while
  committing, may have completed): running it again converges, as every write is idempotent.
- **Refused** (:class:`~chainkg.store.protocol.StoreError`): wrong credentials, or any other error
  the server or driver reports; the message is the server's own first line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j import exceptions as neo4j_errors

from chainkg.store.protocol import StoreError, StoreUnavailable

__all__ = ["UNAVAILABLE", "first_line", "translated"]

#: Errors that mean "the server is not there now", not "the server said no".
UNAVAILABLE = (
    neo4j_errors.ServiceUnavailable,  # includes a commit whose outcome is unknown (IncompleteCommit)
    neo4j_errors.SessionExpired,
    neo4j_errors.ConnectionPoolError,
    neo4j_errors.TransientError,  # still failing once the managed transaction has stopped retrying
    OSError,
)


@contextmanager
def translated(uri: str, what: str, *, unwritten: bool = False) -> Iterator[None]:
    """Run the body; re-raise the driver's exceptions as the store's, saying what failed at ``uri``."""
    try:
        yield
    except UNAVAILABLE as exc:
        undone = (
            "; it was rolled back (or, if the connection died while committing, may have completed): "
            "run it again once the server is back"
            if unwritten
            else ""
        )
        raise StoreUnavailable(
            f"Neo4j at {uri} is unavailable while {what} ({type(exc).__name__}: {first_line(exc)}){undone}"
        ) from exc
    except neo4j_errors.AuthError as exc:
        raise StoreError(
            f"Neo4j at {uri} refused the credentials while {what}: check CHAINKG_NEO4J_USER and "
            f"CHAINKG_NEO4J_PASSWORD ({first_line(exc)})"
        ) from exc
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise StoreError(f"Neo4j at {uri} refused {what}: {type(exc).__name__}: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    """The server's own message when it sent one, else the exception's first line."""
    text = (getattr(exc, "message", None) or str(exc)).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
