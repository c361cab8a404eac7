"""The dashboard: server-rendered pages at `/` for the people who act on the numbers, built on
the API's own services (one way of reading the data)."""
