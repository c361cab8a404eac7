"""What the routers and the dashboard read: one place per view, built from the database."""
