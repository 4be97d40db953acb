"""Unit tests of the api package (GraphQL schema and ASGI app, in process)."""
