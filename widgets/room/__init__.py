"""A room's data: the store (the only SQL), its schema and migrations, live updates, the agenda and phases, rate
limits, and what a page says while it saves."""
