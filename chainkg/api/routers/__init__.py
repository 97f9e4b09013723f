"""Thin routers: each route turns HTTP parameters into a query's ``Params``, runs the query module on
the store it is given, and returns the query's ``Result`` — no query logic lives here."""
